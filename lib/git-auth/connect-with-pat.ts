import { and, eq } from "drizzle-orm";
import crypto from "node:crypto";
import type { Database } from "@/db/client";
import { hostAuthTokens } from "@/db/schema";
import { sealedKeyId } from "../crypto/sealed-box";
import { integrationSubject } from "../diagnostics/integration-subject";
import { traceOperation } from "../diagnostics/trace-operation";
import { AppError } from "../errors/app-error";
import { isErrorCode } from "../errors/catalogue";
import { getProvider } from "../providers";
import { consumeRateLimit } from "../rate-limit/consume-rate-limit";
import { awaitJob } from "../runners/jobs/await-job";
import { enqueueJob } from "../runners/jobs/enqueue-job";
import type { Actor } from "../users/actor";
import { findUsableIntegration } from "./find-usable-integration";
import { integrationRef } from "./integration-ref";
import type { PatValidatePayload } from "./job-payloads";

/** How long a person waits for the runner to validate a token before the honest "operation cancelled". */
export const PAT_VALIDATION_DEADLINE_MS = 20_000;
/** Validation attempts per user per 10 minutes. */
export const PAT_ATTEMPTS_PER_WINDOW = 10;

/**
 * Connects an account with a personal access token that the browser sealed to the runner. The
 * runner validates it at the provider (identity, scopes, expiry) and re-seals it with its full
 * context; the plane stores the result. Waits for the runner up to a deadline and reports typed
 * errors: `pat_invalid`, `pat_expired`, `pat_missing_scopes`, `sso_authorization_required`,
 * `unsupported_credential_type`, `host_unreachable`, `runner_offline`, `operation_aborted`.
 */
async function connectWithPatUntraced(opts: {
  database: Pick<Database, "db" | "listen">;
  actor: Actor;
  integrationId: string;
  patSealed: string;
  username?: string | null;
  /** The repository the person is about to use (`owner/name`), when known: the runner checks the token reaches it. */
  repository?: string | null;
  deadlineMs?: number;
}): Promise<{ login: string; scopes: string[] }> {
  const { db } = opts.database;
  const { integration, runnerKey } = await findUsableIntegration({ db, actor: opts.actor, integrationId: opts.integrationId });
  if (!integration.patEnabled) throw new AppError("auth_method_disabled");
  let keyId: string;
  try {
    keyId = sealedKeyId(opts.patSealed);
  } catch {
    throw new AppError("sealed_secret_invalid", { fieldErrors: { token: ["The token was not sealed for this runner; reload the page and try again."] } });
  }
  if (keyId !== runnerKey.keyId) throw new AppError("sealed_secret_invalid", { fieldErrors: { token: ["The runner's key changed; reload the page and enter the token again."] } });
  const usernameField = getProvider(integration.provider).patUsername;
  if (usernameField && !opts.username) throw new AppError("validation_failed", { fieldErrors: { username: [usernameField.missingMessage] } });
  await consumeRateLimit({ db, key: `pat-validate:${opts.actor.userId}`, limit: PAT_ATTEMPTS_PER_WINDOW, windowSeconds: 600 });

  const jobId = await db.transaction(async (tx) => {
    const [current] = await tx
      .select({ generation: hostAuthTokens.generation })
      .from(hostAuthTokens)
      .where(and(eq(hostAuthTokens.runnerId, integration.runnerId), eq(hostAuthTokens.host, integration.host), eq(hostAuthTokens.userId, opts.actor.userId)));
    const payload: PatValidatePayload = {
      integration: integrationRef(integration),
      userId: opts.actor.userId,
      patSealed: opts.patSealed,
      username: opts.username ?? null,
      repository: opts.repository ?? null,
      generation: (current?.generation ?? 0) + 1,
    };
    const { job } = await enqueueJob(tx, {
      orgId: opts.actor.orgId,
      runnerId: integration.runnerId,
      kind: "pat.validate",
      payload,
      idempotencyKey: `pat:${crypto.randomUUID()}`,
      deadlineAt: new Date(Date.now() + (opts.deadlineMs ?? PAT_VALIDATION_DEADLINE_MS)),
      maxAttempts: 2,
    });
    return job.id;
  });
  const job = await awaitJob({ database: opts.database, orgId: opts.actor.orgId, jobId });
  if (job.status !== "succeeded") {
    const code = job.errorCode && isErrorCode(job.errorCode) ? job.errorCode : "operation_aborted";
    const fieldErrors = (job.result as { fieldErrors?: Record<string, string[]> } | null)?.fieldErrors ?? undefined;
    throw new AppError(code, { message: job.errorMessage && code !== "operation_aborted" && code !== "runner_offline" ? job.errorMessage : undefined, fieldErrors: fieldErrors ?? undefined });
  }
  const result = job.result as { subjectLogin: string; scopes: string[] };
  return { login: result.subjectLogin, scopes: result.scopes };
}

/**
 * `connectWithPat`, recorded in the diagnostic trail as `pat.validate` at the `request` stage:
 * what the person saw (including refusals before any job, such as a disabled method or the rate
 * limit), next to the job's own events under the same correlation id.
 */
export async function connectWithPat(opts: Parameters<typeof connectWithPatUntraced>[0]): Promise<{ login: string; scopes: string[] }> {
  const known = await integrationSubject(opts.database.db, opts.actor.orgId, opts.integrationId);
  const subject = { orgId: opts.actor.orgId, actorId: opts.actor.userId, userId: opts.actor.userId, operation: "pat.validate", ...known };
  return traceOperation(opts.database.db, subject, () => connectWithPatUntraced(opts), (r) => ({ detail: { login: r.login } }));
}
