ALTER TABLE "runner_jobs" ADD COLUMN "payload_erased_at" timestamp with time zone;--> statement-breakpoint
CREATE INDEX "agent_activity_at_idx" ON "agent_activity" USING btree ("at");--> statement-breakpoint
CREATE INDEX "oauth_attempts_expires_idx" ON "oauth_attempts" USING btree ("expires_at");--> statement-breakpoint
CREATE INDEX "rate_limits_window_start_idx" ON "rate_limits" USING btree ("window_start");--> statement-breakpoint
CREATE INDEX "runner_jobs_org_person_created_idx" ON "runner_jobs" USING btree ("org_id",coalesce("payload"->>'userId', "payload"->>'ownerId'),"created_at");--> statement-breakpoint
CREATE INDEX "runner_jobs_runner_created_idx" ON "runner_jobs" USING btree ("runner_id","created_at");--> statement-breakpoint
CREATE INDEX "runner_jobs_unerased_finished_idx" ON "runner_jobs" USING btree ("finished_at") WHERE "runner_jobs"."payload_erased_at" is null and "runner_jobs"."finished_at" is not null;--> statement-breakpoint
CREATE INDEX "runner_jobs_finished_idx" ON "runner_jobs" USING btree ("finished_at");--> statement-breakpoint
CREATE INDEX "scm_events_org_actor_at_idx" ON "scm_events" USING btree ("org_id","actor_id","at");--> statement-breakpoint
CREATE INDEX "scm_events_at_idx" ON "scm_events" USING btree ("at");