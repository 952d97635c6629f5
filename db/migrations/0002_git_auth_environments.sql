CREATE TYPE "public"."environment_status" AS ENUM('creating', 'ready', 'failed', 'needs_authorization');--> statement-breakpoint
CREATE TABLE "environments" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"org_id" uuid NOT NULL,
	"owner_id" uuid NOT NULL,
	"runner_id" uuid NOT NULL,
	"integration_id" uuid,
	"name" text NOT NULL,
	"repo_url" text NOT NULL,
	"host" text NOT NULL,
	"repo_path" text NOT NULL,
	"branch" text,
	"status" "environment_status" DEFAULT 'creating' NOT NULL,
	"progress" text,
	"error_code" text,
	"error_message" text,
	"job_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"ready_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "oauth_attempts" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"state_hash" text NOT NULL,
	"org_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"integration_id" uuid NOT NULL,
	"pkce_verifier_sealed" text NOT NULL,
	"return_to" text NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"used_at" timestamp with time zone,
	"job_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "environments" ADD CONSTRAINT "environments_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "environments" ADD CONSTRAINT "environments_owner_id_users_id_fk" FOREIGN KEY ("owner_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "environments" ADD CONSTRAINT "environments_runner_id_runners_id_fk" FOREIGN KEY ("runner_id") REFERENCES "public"."runners"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "environments" ADD CONSTRAINT "environments_integration_id_scm_integrations_id_fk" FOREIGN KEY ("integration_id") REFERENCES "public"."scm_integrations"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "oauth_attempts" ADD CONSTRAINT "oauth_attempts_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "oauth_attempts" ADD CONSTRAINT "oauth_attempts_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "oauth_attempts" ADD CONSTRAINT "oauth_attempts_integration_id_scm_integrations_id_fk" FOREIGN KEY ("integration_id") REFERENCES "public"."scm_integrations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "environments_owner_idx" ON "environments" USING btree ("owner_id");--> statement-breakpoint
CREATE INDEX "environments_org_idx" ON "environments" USING btree ("org_id");--> statement-breakpoint
CREATE UNIQUE INDEX "oauth_attempts_state_hash_key" ON "oauth_attempts" USING btree ("state_hash");--> statement-breakpoint
CREATE INDEX "oauth_attempts_user_idx" ON "oauth_attempts" USING btree ("user_id");