import { z } from "zod";
import { providerIds } from "../providers/types";

/**
 * The runner API (`/api/runner/v1`): the contract between the management plane and runners.
 * Runners connect out; everything the plane asks of them is a job they long-poll for.
 *
 *   POST /register                 { registrationToken, publicKey, version }        → RegisterResponse
 *   GET  /jobs?wait=SECONDS        Authorization: Bearer <access token>              → { jobs: RunnerJobMessage[] }
 *   POST /jobs/{id}/progress       { attempt, stage } (renews the lease)             → { ok: true, leaseExpiresAt }
 *   POST /jobs/{id}/result         JobResultRequest                                  → { ok: true }
 *   POST /me                       { version, isolation } on connecting                → RunnerIdentity
 *   GET  /me                       who this access token belongs to (`status`)          → RunnerIdentity
 *   GET  /credentials?userId&host  a user's sealed credential for a host (jobs)        → CredentialMessage
 *   GET  /environments/{id}/credential   the owner's credential for an environment's git → CredentialMessage
 *   POST /environments/{id}/refusals     a request the runner refused as a security event → { ok: true }
 *   POST /credentials/{id}/rotate  a refreshed credential over its generation (CAS)    → { generation }
 *   POST /credentials/{id}/needs-reauth  a refresh failed for good                     → { ok: true }
 *   POST /agent-calls              { environmentId, tool, repository? } policy check    → ToolCallDecision
 *   POST /agent-calls/{id}/finish  { outcome, errorCode?, resultUrl?, durationMs? }     → { ok: true }
 *
 *   POST /events                   { jobId?, events: [...] } runner-side stages for Diagnostics → { recorded }
 *
 * Job kinds and payloads: `integration.test` here; `oauth.exchange`, `pat.validate`,
 * `token.revoke`, `environment.create` in lib/git-auth/job-payloads.ts; `access.check` (Check
 * access in Diagnostics) in lib/diagnostics/access-check-protocol.ts; `repositories.list` (the
 * environment form's repository picker) in lib/environments/repositories-protocol.ts.
 *
 * Errors answer `{ error: { code, title, message } }` with the catalogue's status.
 */
export const RUNNER_API_PATH = "/api/runner/v1";
/** Longest a long-poll is held; runners ask for less and the plane caps it. */
export const MAX_POLL_WAIT_SECONDS = 30;
/** How long a runner holds a claimed job before it is handed out again. */
export const JOB_LEASE_SECONDS = 60;

export const publicKeySchema = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9+/]{43}=$/, "must be a base64 X25519 public key (32 bytes)");

export const registerRequestSchema = z.object({
  registrationToken: z.string().trim().min(20).max(200),
  publicKey: publicKeySchema,
  version: z.string().trim().min(1).max(64),
});
export type RegisterRequest = z.infer<typeof registerRequestSchema>;

export type RegisterResponse = {
  runnerId: string;
  name: string;
  accessToken: string;
  keyId: string;
  fingerprint: string;
};

/** A job as the runner receives it. Secrets inside `payload` are sealed boxes for this runner. */
export type RunnerJobMessage = {
  id: string;
  kind: JobKind;
  payload: unknown;
  idempotencyKey: string;
  attempt: number;
  /** ISO time after which the plane gives the job to someone else (or retries it). */
  leaseExpiresAt: string;
  /** ISO time after which nobody waits for the result any more. */
  deadlineAt: string | null;
  correlationId: string | null;
};

export const jobErrorSchema = z.object({
  code: z.string().min(1).max(64),
  message: z.string().max(2000).default(""),
  /** A transient failure the plane retries with backoff; otherwise the job fails at once. */
  retryable: z.boolean().default(false),
  fieldErrors: z.record(z.string(), z.array(z.string().max(500)).max(10)).optional(),
  /** Redacted provider detail for Diagnostics (status, provider error code). */
  detail: z.record(z.string(), z.unknown()).optional(),
});
export type JobError = z.infer<typeof jobErrorSchema>;

export const jobResultRequestSchema = z.discriminatedUnion("outcome", [
  z.object({ attempt: z.number().int().min(1), outcome: z.literal("succeeded"), result: z.unknown() }),
  z.object({ attempt: z.number().int().min(1), outcome: z.literal("failed"), error: jobErrorSchema }),
]);
export type JobResultRequest = z.infer<typeof jobResultRequestSchema>;

/** How a runner separates its environments (see `runners.isolation`). */
export const runnerIsolationModes = ["os_user", "none"] as const;
export type RunnerIsolation = (typeof runnerIsolationModes)[number];

/** `POST /me`: what a runner says about itself each time it connects. */
export const runnerHelloSchema = z.object({
  version: z.string().trim().min(1).max(64),
  isolation: z.enum(runnerIsolationModes),
});
export type RunnerHello = z.infer<typeof runnerHelloSchema>;

/** What `/me` answers: the runner the access token belongs to, and the plane's version (absent from planes before 0.1.0's artifact). */
export type RunnerIdentity = { runnerId: string; name: string; keyId: string; planeVersion?: string };

/**
 * `POST /environments/{id}/refusals`: the runner refused a request that came from inside that
 * environment (another environment's credentials, a crafted id); the plane records it as a
 * security event. The requested id is reported only as a fingerprint-free flag, never echoed.
 */
export const environmentRefusalSchema = z.object({
  reason: z.enum(["other_environment", "malformed_request"]),
  /** git's `protocol` and `host` of the refused request, when it had them. */
  host: z.string().max(260).optional(),
});
export type EnvironmentRefusal = z.infer<typeof environmentRefusalSchema>;

export const jobProgressRequestSchema = z.object({
  attempt: z.number().int().min(1),
  stage: z.string().min(1).max(64),
});

export const jobKinds = ["integration.test", "oauth.exchange", "pat.validate", "token.revoke", "environment.create", "environment.delete", "access.check", "repositories.list"] as const;
export type JobKind = (typeof jobKinds)[number];

/** `integration.test` (Save & Test): can the runner reach the host, the API, and the token endpoint? */
export const integrationTestPayloadSchema = z.object({
  integrationId: z.string().uuid(),
  provider: z.enum(providerIds),
  host: z.string(),
  baseUrl: z.string().url(),
  issuerUrl: z.string().url().nullable(),
  virtualDirectory: z.string().nullable(),
  /** The admin allowed this host to resolve to private network addresses. */
  allowPrivateHosts: z.boolean().default(false),
  oauth: z
    .object({
      clientId: z.string(),
      /** Sealed with purpose `oauth_client_secret`, this runner and this host. */
      clientSecretSealed: z.string(),
    })
    .nullable(),
  patEnabled: z.boolean(),
});
export type IntegrationTestPayload = z.infer<typeof integrationTestPayloadSchema>;

export const integrationCheckIds = ["reachable", "api", "oauth_client"] as const;
export type IntegrationCheck = {
  id: (typeof integrationCheckIds)[number];
  ok: boolean;
  /** Catalogue code when not ok (`host_unreachable`, `api_unexpected_response`, `oauth_client_invalid`, ...). */
  code?: string;
  /** The form field the failure belongs to. */
  field?: "host" | "oauthClientId" | "oauthClientSecret" | "virtualDirectory" | "issuerUrl";
  message?: string;
  durationMs: number;
};
export type IntegrationTestResult = { checks: IntegrationCheck[] };
