DROP INDEX "agent_activity_org_at_idx";--> statement-breakpoint
DROP INDEX "agent_activity_owner_at_idx";--> statement-breakpoint
ALTER TABLE "agent_activity" ADD COLUMN "refusal_reason" text;--> statement-breakpoint
CREATE INDEX "agent_activity_org_at_id_idx" ON "agent_activity" USING btree ("org_id","at","id");--> statement-breakpoint
CREATE INDEX "agent_activity_owner_at_id_idx" ON "agent_activity" USING btree ("owner_id","at","id");--> statement-breakpoint
CREATE INDEX "agent_activity_environment_at_id_idx" ON "agent_activity" USING btree ("environment_id","at","id");--> statement-breakpoint
CREATE INDEX "agent_activity_org_outcome_at_id_idx" ON "agent_activity" USING btree ("org_id","outcome","at","id");