import crypto from "node:crypto";
import { and, eq } from "drizzle-orm";
import type { Database } from "@/db/client";
import { hostAuthTokens, runners, scmIntegrations } from "@/db/schema";
import { AppError } from "../errors/app-error";
import { isErrorCode } from "../errors/catalogue";
import { integrationRef } from "../git-auth/integration-ref";
import { awaitJob } from "../runners/jobs/await-job";
import { enqueueJob } from "../runners/jobs/enqueue-job";
import { runnerStatus } from "../runners/runner-status";
import type { Actor } from "../users/actor";
import { repositoriesListResultSchema, type RepositoriesListPayload, type RepositoriesListResult } from "./repositories-protocol";

/** How long the picker waits for the runner: it is asked while the person types. */
export const REPOSITORY_LIST_DEADLINE_MS = 15_000;
/** The same search again within this time is answered from memory, not by another job. */
const CACHE_MS = 30_000;
const CACHE_ENTRIES = 500;
const cache = new Map<string, { at: number; result: RepositoriesListResult }>();

function remember(key: string, result: RepositoriesListResult): void {
  if (cache.size >= CACHE_ENTRIES) cache.delete(cache.keys().next().value as string);
  cache.set(key, { at: Date.now(), result });
}

/**
 * The repositories the actor's own connection can see on `host` through `runnerId` (the
 * environment form's picker), asked of the provider by the runner with that credential in a
 * `repositories.list` job: the plane sends no token and gets back names and URLs. Refuses before
 * any job when the runner does not offer the host (`no_integration_for_host`), the person has not
 * connected (`not_authorized_for_host`) or must reconnect (`credential_needs_reauth`), or the
 * runner is offline (`runner_offline`); the job's own failures keep their catalogue code.
 */
export async function listRepositories(opts: {
  database: Pick<Database, "db" | "listen">;
  actor: Actor;
  runnerId: string;
  host: string;
  search?: string | null;
  limit?: number;
  offlineAfterMs: number;
  deadlineMs?: number;
}): Promise<RepositoriesListResult> {
  const { db } = opts.database;
  const host = opts.host.trim().toLowerCase();
  const search = opts.search?.trim() || null;
  const [row] = await db
    .select({ integration: scmIntegrations, runner: runners, token: { id: hostAuthTokens.id, needsReauthReason: hostAuthTokens.needsReauthReason } })
    .from(scmIntegrations)
    .innerJoin(runners, and(eq(runners.id, scmIntegrations.runnerId), eq(runners.orgId, opts.actor.orgId)))
    .leftJoin(hostAuthTokens, and(eq(hostAuthTokens.runnerId, scmIntegrations.runnerId), eq(hostAuthTokens.host, scmIntegrations.host), eq(hostAuthTokens.userId, opts.actor.userId)))
    .where(and(eq(scmIntegrations.orgId, opts.actor.orgId), eq(scmIntegrations.runnerId, opts.runnerId), eq(scmIntegrations.host, host)));
  if (!row) throw new AppError("no_integration_for_host");
  if (!row.token?.id) throw new AppError("not_authorized_for_host");
  if (row.token.needsReauthReason) throw new AppError("credential_needs_reauth");
  if (runnerStatus(row.runner, opts.offlineAfterMs) !== "online") throw new AppError("runner_offline");

  const limit = opts.limit ?? 50;
  const key = [opts.actor.orgId, opts.actor.userId, opts.runnerId, host, limit, search ?? ""].join("\u0000");
  const cached = cache.get(key);
  if (cached && Date.now() - cached.at < CACHE_MS) return cached.result;

  const payload: RepositoriesListPayload = { integration: integrationRef(row.integration), userId: opts.actor.userId, search, limit };
  const { job } = await enqueueJob(db, {
    orgId: opts.actor.orgId,
    runnerId: opts.runnerId,
    kind: "repositories.list",
    payload,
    idempotencyKey: `repositories-list:${crypto.randomUUID()}`,
    deadlineAt: new Date(Date.now() + (opts.deadlineMs ?? REPOSITORY_LIST_DEADLINE_MS)),
    maxAttempts: 1,
  });
  const done = await awaitJob({ database: opts.database, orgId: opts.actor.orgId, jobId: job.id });
  if (done.status !== "succeeded") {
    const code = done.errorCode && isErrorCode(done.errorCode) ? done.errorCode : "operation_aborted";
    throw new AppError(code, { message: done.errorMessage && code !== "operation_aborted" && code !== "runner_offline" ? done.errorMessage : undefined });
  }
  const result = repositoriesListResultSchema.parse(done.result);
  remember(key, result);
  return result;
}
