CREATE TABLE "scm_events" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"org_id" uuid NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	"actor_type" text NOT NULL,
	"actor_id" uuid,
	"runner_id" uuid,
	"integration_id" uuid,
	"user_id" uuid,
	"host" text,
	"provider" text,
	"operation" text NOT NULL,
	"stage" text NOT NULL,
	"outcome" text NOT NULL,
	"error_code" text,
	"duration_ms" integer,
	"correlation_id" text,
	"job_id" uuid,
	"detail" jsonb DEFAULT '{}'::jsonb NOT NULL
);
--> statement-breakpoint
ALTER TABLE "scm_events" ADD CONSTRAINT "scm_events_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "scm_events_org_at_idx" ON "scm_events" USING btree ("org_id","at");--> statement-breakpoint
CREATE INDEX "scm_events_org_correlation_idx" ON "scm_events" USING btree ("org_id","correlation_id");--> statement-breakpoint
CREATE INDEX "scm_events_org_user_at_idx" ON "scm_events" USING btree ("org_id","user_id","at");--> statement-breakpoint
CREATE INDEX "scm_events_org_runner_at_idx" ON "scm_events" USING btree ("org_id","runner_id","at");--> statement-breakpoint
CREATE INDEX "scm_events_org_host_at_idx" ON "scm_events" USING btree ("org_id","host","at");--> statement-breakpoint
CREATE INDEX "scm_events_org_code_at_idx" ON "scm_events" USING btree ("org_id","error_code","at");