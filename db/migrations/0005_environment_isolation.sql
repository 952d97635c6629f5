ALTER TYPE "public"."environment_status" ADD VALUE 'deleting';--> statement-breakpoint
ALTER TYPE "public"."environment_status" ADD VALUE 'deleted';--> statement-breakpoint
ALTER TABLE "environments" ADD COLUMN "clone_path" text;--> statement-breakpoint
ALTER TABLE "environments" ADD COLUMN "os_user" text;--> statement-breakpoint
ALTER TABLE "environments" ADD COLUMN "delete_job_id" uuid;--> statement-breakpoint
ALTER TABLE "environments" ADD COLUMN "deleted_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "runners" ADD COLUMN "isolation" text;--> statement-breakpoint
ALTER TABLE "runners" ADD COLUMN "shared_use" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "scm_events" ADD COLUMN "environment_id" uuid;--> statement-breakpoint
CREATE INDEX "environments_runner_idx" ON "environments" USING btree ("runner_id","status");--> statement-breakpoint
CREATE INDEX "scm_events_org_environment_at_idx" ON "scm_events" USING btree ("org_id","environment_id","at");--> statement-breakpoint
UPDATE "scm_events" SET "environment_id" = ("detail"->>'environmentId')::uuid WHERE "detail"->>'environmentId' ~* '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$';
