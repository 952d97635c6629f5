import { sql } from "drizzle-orm";
import {
  boolean,
  index,
  integer,
  jsonb,
  pgEnum,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";

const id = () => uuid("id").primaryKey().default(sql`gen_random_uuid()`);
const createdAt = () => timestamp("created_at", { withTimezone: true }).notNull().defaultNow();

export const roleEnum = pgEnum("role", ["admin", "member", "support"]);
export const roles = roleEnum.enumValues;
export type Role = (typeof roles)[number];

export const organizations = pgTable("organizations", {
  id: id(),
  name: text("name").notNull(),
  /** Days Diagnostics events, agent activity and finished jobs are kept; null means RETENTION_EVENTS_DAYS. */
  retentionDays: integer("retention_days"),
  createdAt: createdAt(),
});

export const users = pgTable(
  "users",
  {
    id: id(),
    email: text("email").notNull(),
    name: text("name").notNull(),
    /** argon2id hash; null for invited users who have not set a password and for SSO-only users. */
    passwordHash: text("password_hash"),
    disabledAt: timestamp("disabled_at", { withTimezone: true }),
    /** Bumped to end every session of the user (password change, disable). */
    sessionVersion: integer("session_version").notNull().default(1),
    lastSignInAt: timestamp("last_sign_in_at", { withTimezone: true }),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("users_email_key").on(sql`lower(${t.email})`)],
);

export const memberships = pgTable(
  "memberships",
  {
    orgId: uuid("org_id").notNull().references(() => organizations.id, { onDelete: "cascade" }),
    userId: uuid("user_id").notNull().references(() => users.id, { onDelete: "cascade" }),
    role: roleEnum("role").notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.orgId, t.userId] }),
    index("memberships_user_idx").on(t.userId),
    index("memberships_org_role_idx").on(t.orgId, t.role),
  ],
);

export const invitations = pgTable(
  "invitations",
  {
    id: id(),
    orgId: uuid("org_id").notNull().references(() => organizations.id, { onDelete: "cascade" }),
    userId: uuid("user_id").notNull().references(() => users.id, { onDelete: "cascade" }),
    /** SHA-256 of the link token; the token itself is shown once to the admin and never stored. */
    tokenHash: text("token_hash").notNull().unique(),
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
    usedAt: timestamp("used_at", { withTimezone: true }),
    createdBy: uuid("created_by").references(() => users.id, { onDelete: "set null" }),
    createdAt: createdAt(),
  },
  (t) => [index("invitations_user_idx").on(t.userId)],
);

/**
 * Password reset links an admin issued for a member (a self-hosted install sends no email). Only
 * the token's SHA-256 is stored; a link works once, until `expiresAt`. Expired rows may be swept.
 */
export const passwordResets = pgTable(
  "password_resets",
  {
    id: id(),
    orgId: uuid("org_id").notNull().references(() => organizations.id, { onDelete: "cascade" }),
    userId: uuid("user_id").notNull().references(() => users.id, { onDelete: "cascade" }),
    tokenHash: text("token_hash").notNull().unique(),
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
    usedAt: timestamp("used_at", { withTimezone: true }),
    createdBy: uuid("created_by").references(() => users.id, { onDelete: "set null" }),
    createdAt: createdAt(),
  },
  (t) => [index("password_resets_user_idx").on(t.userId), index("password_resets_expires_at_idx").on(t.expiresAt)],
);

export const groups = pgTable(
  "groups",
  {
    id: id(),
    orgId: uuid("org_id").notNull().references(() => organizations.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    description: text("description").notNull().default(""),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("groups_org_name_key").on(t.orgId, sql`lower(${t.name})`)],
);

export const groupMembers = pgTable(
  "group_members",
  {
    groupId: uuid("group_id").notNull().references(() => groups.id, { onDelete: "cascade" }),
    userId: uuid("user_id").notNull().references(() => users.id, { onDelete: "cascade" }),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.groupId, t.userId] }), index("group_members_user_idx").on(t.userId)],
);

export const auditLog = pgTable(
  "audit_log",
  {
    id: id(),
    orgId: uuid("org_id").notNull().references(() => organizations.id, { onDelete: "cascade" }),
    at: timestamp("at", { withTimezone: true }).notNull().defaultNow(),
    /** Null once the acting user is removed; `actorLabel` keeps who it was. */
    actorId: uuid("actor_id").references(() => users.id, { onDelete: "set null" }),
    actorLabel: text("actor_label").notNull(),
    action: text("action").notNull(),
    targetType: text("target_type").notNull(),
    targetId: text("target_id"),
    targetLabel: text("target_label").notNull().default(""),
    before: jsonb("before"),
    after: jsonb("after"),
  },
  (t) => [index("audit_log_org_at_idx").on(t.orgId, t.at)],
);

/** Fixed-window counters for rate limits (sign-in attempts, later PAT validations). */
export const rateLimits = pgTable(
  "rate_limits",
  {
    key: text("key").primaryKey(),
    windowStart: timestamp("window_start", { withTimezone: true }).notNull(),
    count: integer("count").notNull(),
  },
  (t) => [index("rate_limits_window_start_idx").on(t.windowStart)],
);

export const providerEnum = pgEnum("scm_provider", ["github", "gitlab", "bitbucket", "azure_devops"]);
export const tokenSourceEnum = pgEnum("token_source", ["oauth", "pat"]);
export const jobStatusEnum = pgEnum("job_status", ["pending", "running", "succeeded", "failed", "cancelled"]);

/**
 * A runner: a process behind the customer's firewall that holds credentials. `publicKey` is its
 * X25519 key (base64); `keyId` names it so sealed boxes say which key they were sealed to.
 */
export const runners = pgTable(
  "runners",
  {
    id: id(),
    orgId: uuid("org_id").notNull().references(() => organizations.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    publicKey: text("public_key"),
    keyId: text("key_id"),
    version: text("version"),
    /**
     * How the runner separates its environments, as it reported when it last connected:
     * `os_user` (an OS user per environment; it runs as root), `none` (every environment runs as
     * the runner's own user and can read the others' credentials), null (never connected).
     */
    isolation: text("isolation", { enum: ["os_user", "none"] }),
    /** An admin allowed several people's environments on this runner although it cannot isolate them. */
    sharedUse: boolean("shared_use").notNull().default(false),
    registeredAt: timestamp("registered_at", { withTimezone: true }),
    lastSeenAt: timestamp("last_seen_at", { withTimezone: true }),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("runners_org_name_key").on(t.orgId, sql`lower(${t.name})`)],
);

/**
 * Runner credentials, stored only as SHA-256 hashes: `registration` tokens are one-time and
 * expire after 24 h; an `access` token is what a registered runner presents on every call.
 */
export const runnerTokens = pgTable(
  "runner_tokens",
  {
    id: id(),
    runnerId: uuid("runner_id").notNull().references(() => runners.id, { onDelete: "cascade" }),
    kind: text("kind", { enum: ["registration", "access"] }).notNull(),
    tokenHash: text("token_hash").notNull(),
    expiresAt: timestamp("expires_at", { withTimezone: true }),
    usedAt: timestamp("used_at", { withTimezone: true }),
    revokedAt: timestamp("revoked_at", { withTimezone: true }),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("runner_tokens_hash_key").on(t.tokenHash), index("runner_tokens_runner_idx").on(t.runnerId)],
);

/** A Git provider host a runner offers, with its OAuth client (secret sealed to the runner) and PAT switch. */
export const scmIntegrations = pgTable(
  "scm_integrations",
  {
    id: id(),
    orgId: uuid("org_id").notNull().references(() => organizations.id, { onDelete: "cascade" }),
    runnerId: uuid("runner_id").notNull().references(() => runners.id, { onDelete: "cascade" }),
    provider: providerEnum("provider").notNull(),
    /** Normalized `host[:port]`, lower case. */
    host: text("host").notNull(),
    /** `https://host` (or `http://` for a loopback host in development and tests). */
    baseUrl: text("base_url").notNull(),
    oauthEnabled: boolean("oauth_enabled").notNull().default(false),
    oauthClientId: text("oauth_client_id"),
    oauthClientSecretSealed: text("oauth_client_secret_sealed"),
    oauthSecretKeyId: text("oauth_secret_key_id"),
    oauthScopes: text("oauth_scopes").array().notNull().default(sql`'{}'::text[]`),
    patEnabled: boolean("pat_enabled").notNull().default(false),
    patScopes: text("pat_scopes").array().notNull().default(sql`'{}'::text[]`),
    /** Azure DevOps Services: the Entra ID issuer (tenant) URL. */
    issuerUrl: text("issuer_url"),
    /** Azure DevOps Server: the collection's virtual directory, e.g. `tfs`. */
    virtualDirectory: text("virtual_directory"),
    /**
     * The admin allowed this host to resolve to private addresses (RFC 1918, unique local, CGNAT):
     * a provider inside the company network. Link-local and metadata addresses stay refused.
     */
    allowPrivateHosts: boolean("allow_private_hosts").notNull().default(false),
    lastTestedAt: timestamp("last_tested_at", { withTimezone: true }),
    lastTestOk: boolean("last_test_ok"),
    lastTestResult: jsonb("last_test_result"),
    createdAt: createdAt(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex("scm_integrations_runner_host_key").on(t.runnerId, t.host), index("scm_integrations_org_idx").on(t.orgId)],
);

/** A user's credential for one host on one runner: only ever ciphertext sealed to the runner. */
export const hostAuthTokens = pgTable(
  "host_auth_tokens",
  {
    id: id(),
    orgId: uuid("org_id").notNull().references(() => organizations.id, { onDelete: "cascade" }),
    runnerId: uuid("runner_id").notNull().references(() => runners.id, { onDelete: "cascade" }),
    integrationId: uuid("integration_id").notNull().references(() => scmIntegrations.id, { onDelete: "cascade" }),
    userId: uuid("user_id").notNull().references(() => users.id, { onDelete: "cascade" }),
    host: text("host").notNull(),
    source: tokenSourceEnum("source").notNull(),
    tokenSealed: text("token_sealed").notNull(),
    refreshTokenSealed: text("refresh_token_sealed"),
    keyId: text("key_id").notNull(),
    scopes: text("scopes").array().notNull().default(sql`'{}'::text[]`),
    subjectLogin: text("subject_login"),
    /**
     * The user name a PAT is used with at the provider's API besides the token, where the provider
     * needs one (Bitbucket API tokens: the Atlassian account's email). Not a secret but personal
     * data: kept with the credential for the runner alone, and gone with it. Null for OAuth, for
     * providers that need none, and for connections made before it was kept.
     */
    patUsername: text("pat_username"),
    expiresAt: timestamp("expires_at", { withTimezone: true }),
    generation: integer("generation").notNull().default(1),
    needsReauthReason: text("needs_reauth_reason"),
    lastValidatedAt: timestamp("last_validated_at", { withTimezone: true }),
    lastUsedAt: timestamp("last_used_at", { withTimezone: true }),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex("host_auth_tokens_runner_host_user_key").on(t.runnerId, t.host, t.userId),
    index("host_auth_tokens_integration_idx").on(t.integrationId),
    index("host_auth_tokens_user_idx").on(t.userId),
  ],
);

/**
 * The job channel's outbox: written in the same transaction as the change that causes it, claimed
 * by the runner's long-poll, acknowledged with a result or a typed error, retried with backoff.
 */
export const runnerJobs = pgTable(
  "runner_jobs",
  {
    id: id(),
    orgId: uuid("org_id").notNull().references(() => organizations.id, { onDelete: "cascade" }),
    runnerId: uuid("runner_id").notNull().references(() => runners.id, { onDelete: "cascade" }),
    kind: text("kind").notNull(),
    /** Job input; anything secret inside is a sealed box addressed to the runner. */
    payload: jsonb("payload").notNull(),
    idempotencyKey: text("idempotency_key").notNull(),
    status: jobStatusEnum("status").notNull().default("pending"),
    attempts: integer("attempts").notNull().default(0),
    maxAttempts: integer("max_attempts").notNull().default(5),
    nextAt: timestamp("next_at", { withTimezone: true }).notNull().defaultNow(),
    leaseExpiresAt: timestamp("lease_expires_at", { withTimezone: true }),
    deadlineAt: timestamp("deadline_at", { withTimezone: true }),
    progress: text("progress"),
    result: jsonb("result"),
    errorCode: text("error_code"),
    errorMessage: text("error_message"),
    correlationId: text("correlation_id"),
    createdAt: createdAt(),
    finishedAt: timestamp("finished_at", { withTimezone: true }),
    /** When retention replaced the sealed boxes in `payload` and `result` (the rest is kept for Diagnostics). */
    payloadErasedAt: timestamp("payload_erased_at", { withTimezone: true }),
  },
  (t) => [
    uniqueIndex("runner_jobs_runner_idempotency_key").on(t.runnerId, t.idempotencyKey),
    index("runner_jobs_claim_idx").on(t.runnerId, t.status, t.nextAt),
    // The support bundle's jobs for one member: the person a job is for, newest first.
    index("runner_jobs_org_person_created_idx").on(t.orgId, sql`coalesce(${t.payload}->>'userId', ${t.payload}->>'ownerId')`, t.createdAt),
    index("runner_jobs_runner_created_idx").on(t.runnerId, t.createdAt),
    // Retention: finished jobs whose sealed boxes are still there, and old finished jobs.
    index("runner_jobs_unerased_finished_idx").on(t.finishedAt).where(sql`${t.payloadErasedAt} is null and ${t.finishedAt} is not null`),
    index("runner_jobs_finished_idx").on(t.finishedAt),
  ],
);

/**
 * One OAuth authorization in flight: the state (stored hashed) binds the callback to this user and
 * integration for 10 minutes, once. The PKCE verifier is sealed to the runner that will exchange the code.
 */
export const oauthAttempts = pgTable(
  "oauth_attempts",
  {
    id: id(),
    stateHash: text("state_hash").notNull(),
    orgId: uuid("org_id").notNull().references(() => organizations.id, { onDelete: "cascade" }),
    userId: uuid("user_id").notNull().references(() => users.id, { onDelete: "cascade" }),
    integrationId: uuid("integration_id").notNull().references(() => scmIntegrations.id, { onDelete: "cascade" }),
    pkceVerifierSealed: text("pkce_verifier_sealed").notNull(),
    returnTo: text("return_to").notNull(),
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
    usedAt: timestamp("used_at", { withTimezone: true }),
    jobId: uuid("job_id"),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("oauth_attempts_state_hash_key").on(t.stateHash), index("oauth_attempts_user_idx").on(t.userId), index("oauth_attempts_expires_idx").on(t.expiresAt)],
);

/**
 * The stored part of an environment's lifecycle. What people see adds what is derived at read
 * time: "Needs reconnect" (the owner's connection for the host is gone) and "Owner disabled".
 */
export const environmentStatusEnum = pgEnum("environment_status", ["creating", "ready", "failed", "needs_authorization", "deleting", "deleted"]);

/** A working copy of a repository on a runner, cloned with its owner's credentials. */
export const environments = pgTable(
  "environments",
  {
    id: id(),
    orgId: uuid("org_id").notNull().references(() => organizations.id, { onDelete: "cascade" }),
    ownerId: uuid("owner_id").notNull().references(() => users.id, { onDelete: "cascade" }),
    runnerId: uuid("runner_id").notNull().references(() => runners.id, { onDelete: "cascade" }),
    integrationId: uuid("integration_id").references(() => scmIntegrations.id, { onDelete: "set null" }),
    name: text("name").notNull(),
    repoUrl: text("repo_url").notNull(),
    host: text("host").notNull(),
    /** `owner/name` (GitLab: `group/subgroup/name`; Azure DevOps: `org/project/_git/name`). */
    repoPath: text("repo_path").notNull(),
    branch: text("branch"),
    status: environmentStatusEnum("status").notNull().default("creating"),
    progress: text("progress"),
    errorCode: text("error_code"),
    errorMessage: text("error_message"),
    jobId: uuid("job_id"),
    /** Where the clone is on the runner, and the OS user it runs as (null: the runner's own), as the runner reported. */
    clonePath: text("clone_path"),
    osUser: text("os_user"),
    /** The `environment.delete` job, once deletion was asked for. */
    deleteJobId: uuid("delete_job_id"),
    createdAt: createdAt(),
    readyAt: timestamp("ready_at", { withTimezone: true }),
    deletedAt: timestamp("deleted_at", { withTimezone: true }),
  },
  (t) => [index("environments_owner_idx").on(t.ownerId), index("environments_org_idx").on(t.orgId), index("environments_runner_idx").on(t.runnerId, t.status)],
);

export const scmToolsModeEnum = pgEnum("scm_tools_mode", ["enabled", "groups", "disabled"]);

/**
 * The organization's policy for agents' SCM tools (provider API calls). No row means the default:
 * enabled for everyone with every capability.
 */
export const agentPolicies = pgTable("agent_policies", {
  orgId: uuid("org_id").primaryKey().references(() => organizations.id, { onDelete: "cascade" }),
  mode: scmToolsModeEnum("mode").notNull().default("enabled"),
  allowedGroupIds: uuid("allowed_group_ids").array().notNull().default(sql`'{}'::uuid[]`),
  pullRequests: boolean("pull_requests").notNull().default(true),
  issues: boolean("issues").notNull().default(true),
  reviewComments: boolean("review_comments").notNull().default(true),
  updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  updatedBy: uuid("updated_by").references(() => users.id, { onDelete: "set null" }),
});

/** One agent tool call: who, where, what, and how it ended (never a token or a provider body). */
export const agentActivity = pgTable(
  "agent_activity",
  {
    id: id(),
    orgId: uuid("org_id").notNull().references(() => organizations.id, { onDelete: "cascade" }),
    environmentId: uuid("environment_id").references(() => environments.id, { onDelete: "set null" }),
    ownerId: uuid("owner_id").references(() => users.id, { onDelete: "set null" }),
    runnerId: uuid("runner_id").references(() => runners.id, { onDelete: "set null" }),
    tool: text("tool").notNull(),
    capability: text("capability").notNull(),
    provider: text("provider"),
    host: text("host"),
    repository: text("repository"),
    outcome: text("outcome", { enum: ["pending", "succeeded", "failed", "refused"] }).notNull(),
    errorCode: text("error_code"),
    /**
     * Which check refused a refused call: a policy reason (`tools_disabled`, `capability_off`,
     * `not_in_allowed_group`) or the runner's own refusal (`validation_failed`,
     * `repository_host_mismatch`), optionally followed by `: ` and the runner's short detail (the
     * names of the fields that failed, never their values). Read with `lib/agents/refusal-reason.ts`.
     */
    refusalReason: text("refusal_reason"),
    resultUrl: text("result_url"),
    durationMs: integer("duration_ms"),
    at: timestamp("at", { withTimezone: true }).notNull().defaultNow(),
  },
  // The activity list pages newest first by (at, id) within an organization, an owner, an
  // environment, or one outcome of an organization; the retention sweep deletes by (org, at).
  (t) => [
    index("agent_activity_org_at_id_idx").on(t.orgId, t.at, t.id),
    index("agent_activity_owner_at_id_idx").on(t.ownerId, t.at, t.id),
    index("agent_activity_environment_at_id_idx").on(t.environmentId, t.at, t.id),
    index("agent_activity_org_outcome_at_id_idx").on(t.orgId, t.outcome, t.at, t.id),
    index("agent_activity_at_idx").on(t.at),
  ],
);

export const scmEventOutcomes = ["started", "succeeded", "failed", "cancelled", "refused"] as const;

/**
 * The diagnostic trail: one row per stage of an SCM operation (integration save and test, OAuth
 * start, callback and exchange, PAT validation, refresh, revocation, clone, agent tool call, access
 * check), tied together by `correlationId`. Never a secret: `detail` is redacted and size-capped
 * before it is written. Runner, integration and user ids are kept without foreign keys so the
 * trail still explains a failure after the thing it concerned was deleted.
 */
export const scmEvents = pgTable(
  "scm_events",
  {
    id: id(),
    orgId: uuid("org_id").notNull().references(() => organizations.id, { onDelete: "cascade" }),
    at: timestamp("at", { withTimezone: true }).notNull().defaultNow(),
    /** Who or what caused the event: a signed-in user, a runner, or the plane itself (deadlines). */
    actorType: text("actor_type", { enum: ["user", "runner", "system"] }).notNull(),
    actorId: uuid("actor_id"),
    runnerId: uuid("runner_id"),
    integrationId: uuid("integration_id"),
    /** The person whose connection, clone or agent the operation is for. */
    userId: uuid("user_id"),
    host: text("host"),
    provider: text("provider"),
    operation: text("operation").notNull(),
    stage: text("stage").notNull(),
    outcome: text("outcome", { enum: scmEventOutcomes }).notNull(),
    errorCode: text("error_code"),
    durationMs: integer("duration_ms"),
    correlationId: text("correlation_id"),
    jobId: uuid("job_id"),
    /** The environment the event concerns (its clone, a git credential request, an agent call). */
    environmentId: uuid("environment_id"),
    detail: jsonb("detail").notNull().default(sql`'{}'::jsonb`),
  },
  (t) => [
    index("scm_events_org_at_idx").on(t.orgId, t.at),
    index("scm_events_org_correlation_idx").on(t.orgId, t.correlationId),
    index("scm_events_org_user_at_idx").on(t.orgId, t.userId, t.at),
    index("scm_events_org_runner_at_idx").on(t.orgId, t.runnerId, t.at),
    index("scm_events_org_host_at_idx").on(t.orgId, t.host, t.at),
    index("scm_events_org_code_at_idx").on(t.orgId, t.errorCode, t.at),
    index("scm_events_org_environment_at_idx").on(t.orgId, t.environmentId, t.at),
    index("scm_events_org_actor_at_idx").on(t.orgId, t.actorId, t.at),
    // Retention sweeps every organization's old events by age alone.
    index("scm_events_at_idx").on(t.at),
  ],
);

export type Organization = typeof organizations.$inferSelect;
export type User = typeof users.$inferSelect;
export type Membership = typeof memberships.$inferSelect;
export type Invitation = typeof invitations.$inferSelect;
export type PasswordReset = typeof passwordResets.$inferSelect;
export type Group = typeof groups.$inferSelect;
export type GroupMember = typeof groupMembers.$inferSelect;
export type AuditLogRow = typeof auditLog.$inferSelect;
export type Runner = typeof runners.$inferSelect;
export type RunnerToken = typeof runnerTokens.$inferSelect;
export type ScmIntegration = typeof scmIntegrations.$inferSelect;
export type HostAuthToken = typeof hostAuthTokens.$inferSelect;
export type RunnerJob = typeof runnerJobs.$inferSelect;
export type ProviderIdDb = (typeof providerEnum.enumValues)[number];
export type OAuthAttempt = typeof oauthAttempts.$inferSelect;
export type Environment = typeof environments.$inferSelect;
export type AgentPolicy = typeof agentPolicies.$inferSelect;
export type AgentActivity = typeof agentActivity.$inferSelect;
export type ScmEvent = typeof scmEvents.$inferSelect;
export type ScmEventOutcome = (typeof scmEventOutcomes)[number];
