import { and, eq, sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { hostAuthTokens, scmIntegrations, type HostAuthToken } from "@/db/schema";
import { sealedKeyId } from "../crypto/sealed-box";
import { recordEvent } from "../diagnostics/record-event";
import { AppError } from "../errors/app-error";
import type { AuthenticatedRunner } from "../runners/authenticate-runner";
import { findUsableCredential } from "./find-usable-credential";
import { integrationRef } from "./integration-ref";
import type { CredentialMessage, credentialNeedsReauthRequestSchema, rotateCredentialRequestSchema } from "./job-payloads";
import type { z } from "zod";

/**
 * Hands a runner the sealed credential of a user for a host, when it needs it (clone, fetch,
 * push, agent tool call) — only this runner's own, only while usable. Marks it used.
 */
export async function getCredentialForRunner(opts: { db: Db; runner: AuthenticatedRunner; userId: string; host: string }): Promise<CredentialMessage> {
  const token = await findUsableCredential({ db: opts.db, runnerId: opts.runner.id, host: opts.host, userId: opts.userId });
  if (!token) {
    await recordEvent(opts.db, { orgId: opts.runner.orgId, actorType: "runner", actorId: null, runnerId: opts.runner.id, userId: opts.userId, host: opts.host, operation: "credential.fetch", stage: "request", outcome: "failed", errorCode: "credential_needs_reauth", correlationId: null });
    throw new AppError("credential_needs_reauth");
  }
  return credentialMessage(opts.db, token);
}

/** The runner's view of a usable stored credential (sealed boxes and the integration), marked used. */
export async function credentialMessage(db: Db, token: HostAuthToken): Promise<CredentialMessage> {
  const [integration] = await db.select().from(scmIntegrations).where(eq(scmIntegrations.id, token.integrationId));
  if (!integration) throw new AppError("credential_needs_reauth");
  await db.update(hostAuthTokens).set({ lastUsedAt: sql`now()` }).where(eq(hostAuthTokens.id, token.id));
  return {
    id: token.id,
    userId: token.userId,
    host: token.host,
    source: token.source,
    tokenSealed: token.tokenSealed,
    refreshTokenSealed: token.refreshTokenSealed,
    keyId: token.keyId,
    scopes: token.scopes,
    subjectLogin: token.subjectLogin,
    patUsername: token.patUsername,
    expiresAt: token.expiresAt ? token.expiresAt.toISOString() : null,
    generation: token.generation,
    integration: integrationRef(integration),
  };
}

/**
 * Saves a refreshed credential, only over the generation it replaces (compare-and-swap): of two
 * concurrent refreshes, one wins and the other is told the current generation to use instead.
 */
export async function rotateCredential(opts: { db: Db; runner: AuthenticatedRunner; credentialId: string; body: z.infer<typeof rotateCredentialRequestSchema> }): Promise<{ generation: number }> {
  for (const box of [opts.body.tokenSealed, opts.body.refreshTokenSealed]) {
    if (box === null) continue;
    let keyId: string;
    try {
      keyId = sealedKeyId(box);
    } catch {
      throw new AppError("sealed_secret_invalid");
    }
    if (keyId !== opts.runner.keyId) throw new AppError("sealed_secret_invalid");
  }
  const [updated] = await opts.db
    .update(hostAuthTokens)
    .set({
      tokenSealed: opts.body.tokenSealed,
      refreshTokenSealed: opts.body.refreshTokenSealed,
      expiresAt: opts.body.expiresAt ? new Date(opts.body.expiresAt) : null,
      ...(opts.body.scopes ? { scopes: opts.body.scopes } : {}),
      keyId: opts.runner.keyId,
      generation: sql`${hostAuthTokens.generation} + 1`,
      lastValidatedAt: sql`now()`,
      needsReauthReason: null,
    })
    .where(and(eq(hostAuthTokens.id, opts.credentialId), eq(hostAuthTokens.runnerId, opts.runner.id), eq(hostAuthTokens.generation, opts.body.expectedGeneration)))
    .returning({ generation: hostAuthTokens.generation, ...refreshSubject });
  if (updated) {
    await recordRefresh(opts.runner, updated, { stage: "rotate", outcome: "succeeded", detail: { generation: updated.generation } }, opts.db);
    return { generation: updated.generation };
  }
  const [current] = await opts.db
    .select({ generation: hostAuthTokens.generation, ...refreshSubject })
    .from(hostAuthTokens)
    .where(and(eq(hostAuthTokens.id, opts.credentialId), eq(hostAuthTokens.runnerId, opts.runner.id)));
  if (!current) throw new AppError("credential_needs_reauth");
  await recordRefresh(opts.runner, current, { stage: "rotate", outcome: "failed", errorCode: "credential_generation_conflict", detail: { generation: current.generation, expectedGeneration: opts.body.expectedGeneration } }, opts.db);
  throw new AppError("credential_generation_conflict", { message: `generation ${current.generation} is current` });
}

/** Marks a credential as needing re-authentication (a refresh failed for good), at its current generation only. */
export async function markCredentialNeedsReauth(opts: { db: Db; runner: AuthenticatedRunner; credentialId: string; body: z.infer<typeof credentialNeedsReauthRequestSchema> }): Promise<void> {
  const [marked] = await opts.db
    .update(hostAuthTokens)
    .set({ needsReauthReason: opts.body.reason })
    .where(and(eq(hostAuthTokens.id, opts.credentialId), eq(hostAuthTokens.runnerId, opts.runner.id), eq(hostAuthTokens.generation, opts.body.generation)))
    .returning(refreshSubject);
  if (marked) await recordRefresh(opts.runner, marked, { stage: "needs_reauth", outcome: "failed", errorCode: "credential_needs_reauth", detail: { reason: opts.body.reason } }, opts.db);
}

/** The columns of a credential the trail records a refresh under. */
const refreshSubject = { userId: hostAuthTokens.userId, host: hostAuthTokens.host, integrationId: hostAuthTokens.integrationId, source: hostAuthTokens.source };

/** One `token.refresh` event of a runner (refreshes start on the runner, so they have no correlation id). */
function recordRefresh(
  runner: AuthenticatedRunner,
  credential: { userId: string; host: string; integrationId: string; source: string },
  event: { stage: string; outcome: "succeeded" | "failed"; errorCode?: string; detail: Record<string, unknown> },
  db: Db,
): Promise<boolean> {
  return recordEvent(db, {
    orgId: runner.orgId,
    actorType: "runner",
    actorId: null,
    runnerId: runner.id,
    userId: credential.userId,
    host: credential.host,
    integrationId: credential.integrationId,
    operation: "token.refresh",
    correlationId: null,
    ...event,
    detail: { ...event.detail, source: credential.source },
  });
}
