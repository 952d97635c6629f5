CREATE TYPE "public"."job_status" AS ENUM('pending', 'running', 'succeeded', 'failed', 'cancelled');--> statement-breakpoint
CREATE TYPE "public"."scm_provider" AS ENUM('github', 'gitlab', 'bitbucket', 'azure_devops');--> statement-breakpoint
CREATE TYPE "public"."token_source" AS ENUM('oauth', 'pat');--> statement-breakpoint
CREATE TABLE "host_auth_tokens" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"org_id" uuid NOT NULL,
	"runner_id" uuid NOT NULL,
	"integration_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"host" text NOT NULL,
	"source" "token_source" NOT NULL,
	"token_sealed" text NOT NULL,
	"refresh_token_sealed" text,
	"key_id" text NOT NULL,
	"scopes" text[] DEFAULT '{}'::text[] NOT NULL,
	"subject_login" text,
	"expires_at" timestamp with time zone,
	"generation" integer DEFAULT 1 NOT NULL,
	"needs_reauth_reason" text,
	"last_validated_at" timestamp with time zone,
	"last_used_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "runner_jobs" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"org_id" uuid NOT NULL,
	"runner_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"payload" jsonb NOT NULL,
	"idempotency_key" text NOT NULL,
	"status" "job_status" DEFAULT 'pending' NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"max_attempts" integer DEFAULT 5 NOT NULL,
	"next_at" timestamp with time zone DEFAULT now() NOT NULL,
	"lease_expires_at" timestamp with time zone,
	"deadline_at" timestamp with time zone,
	"progress" text,
	"result" jsonb,
	"error_code" text,
	"error_message" text,
	"correlation_id" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"finished_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "runner_tokens" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"runner_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"token_hash" text NOT NULL,
	"expires_at" timestamp with time zone,
	"used_at" timestamp with time zone,
	"revoked_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "runners" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"org_id" uuid NOT NULL,
	"name" text NOT NULL,
	"public_key" text,
	"key_id" text,
	"version" text,
	"registered_at" timestamp with time zone,
	"last_seen_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "scm_integrations" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"org_id" uuid NOT NULL,
	"runner_id" uuid NOT NULL,
	"provider" "scm_provider" NOT NULL,
	"host" text NOT NULL,
	"base_url" text NOT NULL,
	"oauth_enabled" boolean DEFAULT false NOT NULL,
	"oauth_client_id" text,
	"oauth_client_secret_sealed" text,
	"oauth_secret_key_id" text,
	"oauth_scopes" text[] DEFAULT '{}'::text[] NOT NULL,
	"pat_enabled" boolean DEFAULT false NOT NULL,
	"pat_scopes" text[] DEFAULT '{}'::text[] NOT NULL,
	"issuer_url" text,
	"virtual_directory" text,
	"last_tested_at" timestamp with time zone,
	"last_test_ok" boolean,
	"last_test_result" jsonb,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "host_auth_tokens" ADD CONSTRAINT "host_auth_tokens_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "host_auth_tokens" ADD CONSTRAINT "host_auth_tokens_runner_id_runners_id_fk" FOREIGN KEY ("runner_id") REFERENCES "public"."runners"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "host_auth_tokens" ADD CONSTRAINT "host_auth_tokens_integration_id_scm_integrations_id_fk" FOREIGN KEY ("integration_id") REFERENCES "public"."scm_integrations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "host_auth_tokens" ADD CONSTRAINT "host_auth_tokens_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "runner_jobs" ADD CONSTRAINT "runner_jobs_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "runner_jobs" ADD CONSTRAINT "runner_jobs_runner_id_runners_id_fk" FOREIGN KEY ("runner_id") REFERENCES "public"."runners"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "runner_tokens" ADD CONSTRAINT "runner_tokens_runner_id_runners_id_fk" FOREIGN KEY ("runner_id") REFERENCES "public"."runners"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "runners" ADD CONSTRAINT "runners_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "scm_integrations" ADD CONSTRAINT "scm_integrations_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "scm_integrations" ADD CONSTRAINT "scm_integrations_runner_id_runners_id_fk" FOREIGN KEY ("runner_id") REFERENCES "public"."runners"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "host_auth_tokens_runner_host_user_key" ON "host_auth_tokens" USING btree ("runner_id","host","user_id");--> statement-breakpoint
CREATE INDEX "host_auth_tokens_integration_idx" ON "host_auth_tokens" USING btree ("integration_id");--> statement-breakpoint
CREATE INDEX "host_auth_tokens_user_idx" ON "host_auth_tokens" USING btree ("user_id");--> statement-breakpoint
CREATE UNIQUE INDEX "runner_jobs_runner_idempotency_key" ON "runner_jobs" USING btree ("runner_id","idempotency_key");--> statement-breakpoint
CREATE INDEX "runner_jobs_claim_idx" ON "runner_jobs" USING btree ("runner_id","status","next_at");--> statement-breakpoint
CREATE UNIQUE INDEX "runner_tokens_hash_key" ON "runner_tokens" USING btree ("token_hash");--> statement-breakpoint
CREATE INDEX "runner_tokens_runner_idx" ON "runner_tokens" USING btree ("runner_id");--> statement-breakpoint
CREATE UNIQUE INDEX "runners_org_name_key" ON "runners" USING btree ("org_id",lower("name"));--> statement-breakpoint
CREATE UNIQUE INDEX "scm_integrations_runner_host_key" ON "scm_integrations" USING btree ("runner_id","host");--> statement-breakpoint
CREATE INDEX "scm_integrations_org_idx" ON "scm_integrations" USING btree ("org_id");