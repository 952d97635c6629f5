import { and, eq } from "drizzle-orm";
import type { Tx } from "@/db/client";
import { hostAuthTokens, runners, scmIntegrations, type HostAuthToken, type RunnerJob, type ScmIntegration } from "@/db/schema";
import { writeAudit } from "../audit/write-audit";
import { sealedKeyId } from "../crypto/sealed-box";
import { getProvider } from "../providers";
import { enqueueJob } from "../runners/jobs/enqueue-job";
import { integrationRef } from "./integration-ref";
import { credentialResultSchema, oauthExchangePayloadSchema, patValidatePayloadSchema, type TokenRevokePayload } from "./job-payloads";
import { revokesAtProvider } from "./manual-revoke-url";

/**
 * Stores the credential a runner returns from `oauth.exchange` or `pat.validate`, in the same
 * transaction that completes the job. Only sealed boxes addressed to the runner's current key are
 * accepted; the row is keyed by (runner, host, user), so connecting again replaces the old one, and
 * the token it held is revoked at the provider (a `token.revoke` job in the same transaction, for
 * this token alone) rather than left valid there. The user name a PAT is used with (Bitbucket:
 * the account email, personal data) is kept on the row only, never in the audit log. Returns false
 * (and stores nothing) when the result does not fit.
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
    .select()
    .from(scmIntegrations)
    .where(and(eq(scmIntegrations.id, payload.integration.integrationId), eq(scmIntegrations.runnerId, job.runnerId)));
  const source = job.kind === "oauth.exchange" ? "oauth" : "pat";
  if (!integration || (source === "oauth" ? !integration.oauthEnabled : !integration.patEnabled)) return false;
  const [replaced] = await tx
    .select()
    .from(hostAuthTokens)
    .where(and(eq(hostAuthTokens.runnerId, job.runnerId), eq(hostAuthTokens.host, integration.host), eq(hostAuthTokens.userId, payload.userId)))
    .for("update");
  const values = {
    source,
    tokenSealed: credential.tokenSealed,
    refreshTokenSealed: credential.refreshTokenSealed,
    keyId: credential.keyId,
    scopes: credential.scopes,
    subjectLogin: credential.subjectLogin,
    // Only a PAT is used with one; an OAuth reconnect drops what an earlier PAT was used with.
    patUsername: source === "pat" ? (credential.patUsername ?? null) : null,
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
  if (replaced) await revokeReplacedToken(tx, job, integration, replaced);
  await writeAudit(
    tx,
    { orgId: job.orgId, userId: payload.userId, email: `user:${payload.userId}` },
    { action: "git_auth.connected", targetType: "integration", targetId: integration.id, targetLabel: integration.host, after: { source, login: credential.subjectLogin, scopes: credential.scopes } },
  );
  return true;
}

/**
 * Queues the revocation of a credential a reconnect replaced, where the provider can revoke it
 * (OAuth on GitHub and GitLab, with a client secret): a PAT is the person's own and stays theirs.
 */
async function revokeReplacedToken(tx: Tx, job: RunnerJob, integration: ScmIntegration, replaced: HostAuthToken): Promise<void> {
  const provider = getProvider(integration.provider);
  if (!revokesAtProvider(provider, { oauthEnabled: integration.oauthEnabled, hasClientSecret: integration.oauthClientSecretSealed !== null }, replaced.source)) return;
  // Its boxes name the integration they were sealed for; one removed and added again cannot open them.
  if (replaced.integrationId !== integration.id) return;
  const payload: TokenRevokePayload = {
    integration: integrationRef(integration),
    userId: replaced.userId,
    source: replaced.source,
    tokenSealed: replaced.tokenSealed,
    refreshTokenSealed: replaced.refreshTokenSealed,
    generation: replaced.generation,
    replaced: true,
  };
  await enqueueJob(tx, { orgId: job.orgId, runnerId: job.runnerId, kind: "token.revoke", payload, idempotencyKey: `revoke-replaced:${replaced.id}:${job.id}`, maxAttempts: 8 });
}
