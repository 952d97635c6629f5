import { and, eq } from "drizzle-orm";
import type { Db } from "@/db/client";
import { hostAuthTokens, runners, scmIntegrations } from "@/db/schema";
import { writeAudit } from "../audit/write-audit";
import { integrationSubject } from "../diagnostics/integration-subject";
import { traceOperation } from "../diagnostics/trace-operation";
import { AppError } from "../errors/app-error";
import { assertRole, type Actor } from "../users/actor";
import { auditSnapshot } from "./audit-snapshot";
import { checkScopes } from "./check-scopes";
import type { SaveIntegrationResult } from "./create-integration";
import { enqueueIntegrationTest } from "./enqueue-integration-test";
import { deploymentOf, resolveLocation } from "./resolve-location";
import type { UpdateIntegrationInput } from "./schemas";
import { verifySealedSecret } from "./verify-sealed-secret";

/**
 * Changes an integration's auth methods, scopes and Azure DevOps location fields (admins). The
 * stored client secret is kept unless a new sealed one is given (replacing it is explicit); with
 * OAuth on, a stored secret sealed to a key the runner no longer has must be entered again.
 * Cascades run in the same transaction: turning PATs off deletes the integration's PAT-sourced
 * credentials, turning OAuth off deletes the OAuth-sourced ones (and the client secret).
 */
export async function updateIntegration(opts: { db: Db; actor: Actor; input: UpdateIntegrationInput; allowLoopback: boolean }): Promise<SaveIntegrationResult> {
  const { actor, input } = opts;
  const known = await integrationSubject(opts.db, actor.orgId, input.integrationId);
  const subject = { orgId: actor.orgId, actorId: actor.userId, operation: "integration.update", ...known, detail: { oauth: input.oauthEnabled, personalTokens: input.patEnabled, test: input.test } };
  return traceOperation(opts.db, subject, () => saveIntegration(opts), (r) => ({ jobId: r.jobId, detail: { disconnectedUsers: r.disconnected } }));
}

async function saveIntegration(opts: { db: Db; actor: Actor; input: UpdateIntegrationInput; allowLoopback: boolean }): Promise<SaveIntegrationResult> {
  assertRole(opts.actor, "admin");
  const { input, actor } = opts;
  return opts.db.transaction(async (tx) => {
    const [row] = await tx
      .select({ integration: scmIntegrations, runnerKeyId: runners.keyId })
      .from(scmIntegrations)
      .innerJoin(runners, eq(runners.id, scmIntegrations.runnerId))
      .where(and(eq(scmIntegrations.orgId, actor.orgId), eq(scmIntegrations.id, input.integrationId)))
      .for("update");
    if (!row) throw new AppError("not_found");
    const before = row.integration;

    const location = resolveLocation(
      { provider: before.provider, deployment: deploymentOf(before.provider, before.host), host: before.baseUrl, issuerUrl: input.issuerUrl, virtualDirectory: input.virtualDirectory, allowPrivateHosts: input.allowPrivateHosts },
      { allowLoopback: opts.allowLoopback },
    );
    const oauthScopes = checkScopes(before.provider, "oauth", input.oauthScopes, before.oauthScopes);
    const patScopes = checkScopes(before.provider, "pat", input.patScopes, before.patScopes);

    let secret: { sealed: string | null; keyId: string | null } = { sealed: null, keyId: null };
    if (input.oauthEnabled) {
      if (input.oauthClientSecretSealed) {
        const { keyId } = verifySealedSecret({ sealed: input.oauthClientSecretSealed, sealedForHost: input.oauthSecretHost, runnerKeyId: row.runnerKeyId, host: before.host });
        secret = { sealed: input.oauthClientSecretSealed, keyId };
      } else if (before.oauthClientSecretSealed && before.oauthSecretKeyId && before.oauthSecretKeyId === row.runnerKeyId) {
        secret = { sealed: before.oauthClientSecretSealed, keyId: before.oauthSecretKeyId };
      } else if (before.oauthClientSecretSealed) {
        throw new AppError("sealed_secret_invalid", { fieldErrors: { oauthClientSecret: ["The runner was registered again with a new key: enter the client secret again"] } });
      } else if (!row.runnerKeyId) {
        throw new AppError("runner_not_registered", { fieldErrors: { oauthClientSecret: ["The runner has not registered yet, so the secret cannot be sealed to it"] } });
      } else {
        throw new AppError("validation_failed", { fieldErrors: { oauthClientSecret: ["Enter the OAuth application's client secret"] } });
      }
    }

    const disconnected = { oauth: 0, pat: 0 };
    if (before.patEnabled && !input.patEnabled) {
      const gone = await tx
        .delete(hostAuthTokens)
        .where(and(eq(hostAuthTokens.integrationId, before.id), eq(hostAuthTokens.source, "pat")))
        .returning({ userId: hostAuthTokens.userId });
      disconnected.pat = new Set(gone.map((t) => t.userId)).size;
    }
    if (before.oauthEnabled && !input.oauthEnabled) {
      const gone = await tx
        .delete(hostAuthTokens)
        .where(and(eq(hostAuthTokens.integrationId, before.id), eq(hostAuthTokens.source, "oauth")))
        .returning({ userId: hostAuthTokens.userId });
      disconnected.oauth = new Set(gone.map((t) => t.userId)).size;
    }

    const revision = new Date();
    const [after] = await tx
      .update(scmIntegrations)
      .set({
        issuerUrl: location.issuerUrl,
        virtualDirectory: location.virtualDirectory,
        oauthEnabled: input.oauthEnabled,
        // Turning OAuth off keeps the (public) client id and scopes, so turning it back on needs only the secret.
        oauthClientId: input.oauthClientId ?? before.oauthClientId,
        oauthClientSecretSealed: secret.sealed,
        oauthSecretKeyId: secret.keyId,
        oauthScopes,
        patEnabled: input.patEnabled,
        patScopes,
        allowPrivateHosts: input.allowPrivateHosts,
        updatedAt: revision,
        // The last test described the previous settings.
        lastTestedAt: null,
        lastTestOk: null,
        lastTestResult: null,
      })
      .where(eq(scmIntegrations.id, before.id))
      .returning();
    if (!after) throw new Error("update returned no row");
    const job = input.test ? await enqueueIntegrationTest(tx, { integration: after, revision }) : null;
    await writeAudit(tx, actor, {
      action: "integration.updated",
      targetType: "scm_integration",
      targetId: after.id,
      targetLabel: after.host,
      before: auditSnapshot(before),
      after: { ...auditSnapshot(after), secretReplaced: Boolean(input.oauthEnabled && input.oauthClientSecretSealed), disconnectedUsers: disconnected },
    });
    return { integrationId: after.id, jobId: job?.jobId ?? null, disconnected };
  });
}
