import { and, eq } from "drizzle-orm";
import type { Tx } from "@/db/client";
import { hostAuthTokens, runners, scmIntegrations, type RunnerJob } from "@/db/schema";
import { writeAudit } from "../audit/write-audit";
import { sealedKeyId } from "../crypto/sealed-box";
import { credentialResultSchema, oauthExchangePayloadSchema, patValidatePayloadSchema } from "./job-payloads";

/**
 * Stores the credential a runner returns from `oauth.exchange` or `pat.validate`, in the same
 * transaction that completes the job. Only sealed boxes addressed to the runner's current key are
 * accepted; the row is keyed by (runner, host, user), so connecting again replaces the old one.
 * Returns false (and stores nothing) when the result does not fit.
 */
export async function storeCredentialFromJob(tx: Tx, job: RunnerJob, result: unknown): Promise<boolean> {
  const parsedPayload = (job.kind === "oauth.exchange" ? oauthExchangePayloadSchema : patValidatePayloadSchema).safeParse(job.payload);
  const parsedResult = credentialResultSchema.safeParse(result);
  if (!parsedPayload.success || !parsedResult.success) return false;
  const payload = parsedPayload.data;
  const credential = parsedResult.data;
  const [runner] = await tx.select({ keyId: runners.keyId }).from(runners).where(eq(runners.id, job.runnerId));
  const boxes = [credential.tokenSealed, credential.refreshTokenSealed].filter((b): b is string => b !== null);
  try {
    if (!runner?.keyId || credential.keyId !== runner.keyId || boxes.some((b) => sealedKeyId(b) !== runner.keyId)) return false;
  } catch {
    return false;
  }
  // The integration may have been deleted (or the method switched off) while the job ran.
  const [integration] = await tx
    .select({ id: scmIntegrations.id, host: scmIntegrations.host, oauthEnabled: scmIntegrations.oauthEnabled, patEnabled: scmIntegrations.patEnabled })
    .from(scmIntegrations)
    .where(and(eq(scmIntegrations.id, payload.integration.integrationId), eq(scmIntegrations.runnerId, job.runnerId)));
  const source = job.kind === "oauth.exchange" ? "oauth" : "pat";
  if (!integration || (source === "oauth" ? !integration.oauthEnabled : !integration.patEnabled)) return false;
  const values = {
    source,
    tokenSealed: credential.tokenSealed,
    refreshTokenSealed: credential.refreshTokenSealed,
    keyId: credential.keyId,
    scopes: credential.scopes,
    subjectLogin: credential.subjectLogin,
    expiresAt: credential.expiresAt ? new Date(credential.expiresAt) : null,
    generation: credential.generation,
    needsReauthReason: null,
    lastValidatedAt: new Date(),
    integrationId: integration.id,
  } as const;
  await tx
    .insert(hostAuthTokens)
    .values({ orgId: job.orgId, runnerId: job.runnerId, host: integration.host, userId: payload.userId, ...values })
    .onConflictDoUpdate({ target: [hostAuthTokens.runnerId, hostAuthTokens.host, hostAuthTokens.userId], set: values });
  await writeAudit(
    tx,
    { orgId: job.orgId, userId: payload.userId, email: `user:${payload.userId}` },
    { action: "git_auth.connected", targetType: "integration", targetId: integration.id, targetLabel: integration.host, after: { source, login: credential.subjectLogin, scopes: credential.scopes } },
  );
  return true;
}
