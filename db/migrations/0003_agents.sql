CREATE TYPE "public"."scm_tools_mode" AS ENUM('enabled', 'groups', 'disabled');--> statement-breakpoint
CREATE TABLE "agent_activity" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"org_id" uuid NOT NULL,
	"environment_id" uuid,
	"owner_id" uuid,
	"runner_id" uuid,
	"tool" text NOT NULL,
	"capability" text NOT NULL,
	"provider" text,
	"host" text,
	"repository" text,
	"outcome" text NOT NULL,
	"error_code" text,
	"result_url" text,
	"duration_ms" integer,
	"at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "agent_policies" (
	"org_id" uuid PRIMARY KEY NOT NULL,
	"mode" "scm_tools_mode" DEFAULT 'enabled' NOT NULL,
	"allowed_group_ids" uuid[] DEFAULT '{}'::uuid[] NOT NULL,
	"pull_requests" boolean DEFAULT true NOT NULL,
	"issues" boolean DEFAULT true NOT NULL,
	"review_comments" boolean DEFAULT true NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_by" uuid
);
--> statement-breakpoint
ALTER TABLE "agent_activity" ADD CONSTRAINT "agent_activity_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "agent_activity" ADD CONSTRAINT "agent_activity_environment_id_environments_id_fk" FOREIGN KEY ("environment_id") REFERENCES "public"."environments"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "agent_activity" ADD CONSTRAINT "agent_activity_owner_id_users_id_fk" FOREIGN KEY ("owner_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "agent_activity" ADD CONSTRAINT "agent_activity_runner_id_runners_id_fk" FOREIGN KEY ("runner_id") REFERENCES "public"."runners"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "agent_policies" ADD CONSTRAINT "agent_policies_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "agent_policies" ADD CONSTRAINT "agent_policies_updated_by_users_id_fk" FOREIGN KEY ("updated_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "agent_activity_org_at_idx" ON "agent_activity" USING btree ("org_id","at");--> statement-breakpoint
CREATE INDEX "agent_activity_owner_at_idx" ON "agent_activity" USING btree ("owner_id","at");