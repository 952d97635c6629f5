ALTER TABLE "organizations" ADD COLUMN "retention_days" integer;--> statement-breakpoint
ALTER TABLE "scm_integrations" ADD COLUMN "allow_private_hosts" boolean DEFAULT false NOT NULL;