import { and, eq } from "drizzle-orm";
import crypto from "node:crypto";
import type { Database } from "@/db/client";
import { hostAuthTokens, scmIntegrations } from "@/db/schema";
import { writeAudit } from "../audit/write-audit";
import { integrationSubject } from "../diagnostics/integration-subject";
import { traceOperation } from "../diagnostics/trace-operation";
import { AppError } from "../errors/app-error";
import { getProvider } from "../providers";
import { awaitJob } from "../runners/jobs/await-job";
import { enqueueJob } from "../runners/jobs/enqueue-job";
import type { Actor } from "../users/actor";
import { integrationRef } from "./integration-ref";
import { manualRevokeUrl, revokesAtProvider } from "./manual-revoke-url";
import type { TokenRevokePayload } from "./job-payloads";

export type DisconnectOutcome = {
  /** `revoked`: the provider confirmed; `queued`: the runner will revoke it when it can; `manual`: revoke it yourself at `manualUrl`. */
  revocation: "revoked" | "queued" | "manual";
  manualUrl: string | null;
};

/** How long disconnect waits for the runner's revocation before saying it is queued. */
const REVOKE_WAIT_MS = 8_000;

/**
 * Disconnects the actor's account for an integration's host. The sealed credential is deleted at
 * once (any later use is refused, even with the runner offline); where the provider can revoke the
 * token through its API (GitHub and GitLab OAuth), a `token.revoke` job carrying the sealed copies
 * is written in the same transaction. The outcome says truthfully what happened at the provider.
 */
async function disconnectUntraced(opts: { database: Pick<Database, "db" | "listen">; actor: Actor; integrationId: string; waitMs?: number }): Promise<DisconnectOutcome> {
  const { db } = opts.database;
  const planned = await db.transaction(async (tx) => {
    const [integration] = await tx.select().from(scmIntegrations).where(and(eq(scmIntegrations.orgId, opts.actor.orgId), eq(scmIntegrations.id, opts.integrationId)));
    if (!integration) throw new AppError("not_found");
    const [token] = await tx
      .delete(hostAuthTokens)
      .where(and(eq(hostAuthTokens.runnerId, integration.runnerId), eq(hostAuthTokens.host, integration.host), eq(hostAuthTokens.userId, opts.actor.userId)))
      .returning();
    if (!token) throw new AppError("not_found", { message: "There is no connection to disconnect." });
    const provider = getProvider(integration.provider);
    const endpoints = provider.endpoints(integration);
    const manualUrl = manualRevokeUrl(provider, endpoints, token.source);
    await writeAudit(tx, opts.actor, { action: "git_auth.disconnected", targetType: "integration", targetId: integration.id, targetLabel: integration.host, before: { source: token.source, login: token.subjectLogin } });
    const canRevoke = revokesAtProvider(provider, { oauthEnabled: integration.oauthEnabled, hasClientSecret: integration.oauthClientSecretSealed !== null }, token.source);
    if (!canRevoke) return { jobId: null, manualUrl };
    const payload: TokenRevokePayload = {
      integration: integrationRef(integration),
      userId: opts.actor.userId,
      source: token.source,
      tokenSealed: token.tokenSealed,
      refreshTokenSealed: token.refreshTokenSealed,
      generation: token.generation,
    };
    const { job } = await enqueueJob(tx, { orgId: opts.actor.orgId, runnerId: integration.runnerId, kind: "token.revoke", payload, idempotencyKey: `revoke:${token.id}:${crypto.randomUUID()}`, maxAttempts: 8 });
    return { jobId: job.id, manualUrl };
  });
  if (!planned.jobId) return { revocation: "manual", manualUrl: planned.manualUrl };
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), opts.waitMs ?? REVOKE_WAIT_MS);
  try {
    const job = await awaitJob({ database: opts.database, orgId: opts.actor.orgId, jobId: planned.jobId, signal: controller.signal });
    if (job.status === "succeeded" && (job.result as { revoked?: boolean } | null)?.revoked) return { revocation: "revoked", manualUrl: null };
    if (job.status === "failed") return { revocation: "manual", manualUrl: planned.manualUrl };
    return { revocation: "queued", manualUrl: planned.manualUrl };
  } finally {
    clearTimeout(timer);
  }
}

/** `disconnect`, recorded in the diagnostic trail as `token.revoke` with what happened at the provider. */
export async function disconnect(opts: Parameters<typeof disconnectUntraced>[0]): Promise<DisconnectOutcome> {
  const known = await integrationSubject(opts.database.db, opts.actor.orgId, opts.integrationId);
  const subject = { orgId: opts.actor.orgId, actorId: opts.actor.userId, userId: opts.actor.userId, operation: "token.revoke", ...known };
  return traceOperation(opts.database.db, subject, () => disconnectUntraced(opts), (r) => ({ detail: { revocation: r.revocation } }));
}
