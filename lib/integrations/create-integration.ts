import { and, eq } from "drizzle-orm";
import type { Db } from "@/db/client";
import { runners, scmIntegrations } from "@/db/schema";
import { writeAudit } from "../audit/write-audit";
import { isUniqueViolation } from "../db-errors";
import { hostOfInput, traceOperation } from "../diagnostics/trace-operation";
import { AppError } from "../errors/app-error";
import { assertRole, type Actor } from "../users/actor";
import { auditSnapshot } from "./audit-snapshot";
import { checkScopes } from "./check-scopes";
import { enqueueIntegrationTest } from "./enqueue-integration-test";
import { resolveLocation } from "./resolve-location";
import type { CreateIntegrationInput } from "./schemas";
import { verifySealedSecret } from "./verify-sealed-secret";

export type SaveIntegrationResult = {
  integrationId: string;
  /** The Save & Test job to follow, when a test was asked for. */
  jobId: string | null;
  /** Users whose connection the save removed, per method. */
  disconnected: { oauth: number; pat: number };
};

/**
 * Adds a Git provider integration to one of the organization's runners (admins). The host is
 * validated and must be new on the runner (`host_taken`); an OAuth client secret is accepted only
 * sealed to the runner's current key (`sealed_secret_invalid`). With `test`, the Save & Test job is
 * written in the same transaction. Nothing is stored when anything fails.
 */
export async function createIntegration(opts: { db: Db; actor: Actor; input: CreateIntegrationInput; allowLoopback: boolean }): Promise<SaveIntegrationResult> {
  const { actor, input } = opts;
  const subject = { orgId: actor.orgId, actorId: actor.userId, operation: "integration.create", runnerId: input.runnerId, provider: input.provider, host: hostOfInput(input.host), detail: { oauth: input.oauthEnabled, personalTokens: input.patEnabled, test: input.test } };
  return traceOperation(opts.db, subject, () => insertIntegration(opts), (r) => ({ integrationId: r.integrationId, jobId: r.jobId }));
}

async function insertIntegration(opts: { db: Db; actor: Actor; input: CreateIntegrationInput; allowLoopback: boolean }): Promise<SaveIntegrationResult> {
  assertRole(opts.actor, "admin");
  const { input, actor } = opts;
  const location = resolveLocation(input, { allowLoopback: opts.allowLoopback });
  const oauthScopes = checkScopes(input.provider, "oauth", input.oauthScopes);
  const patScopes = checkScopes(input.provider, "pat", input.patScopes);
  try {
    return await opts.db.transaction(async (tx) => {
      const [runner] = await tx
        .select({ id: runners.id, keyId: runners.keyId })
        .from(runners)
        .where(and(eq(runners.orgId, actor.orgId), eq(runners.id, input.runnerId)))
        .for("update");
      if (!runner) throw new AppError("not_found");

      let secret: { sealed: string; keyId: string } | null = null;
      if (input.oauthEnabled) {
        if (!input.oauthClientSecretSealed) {
          if (!runner.keyId) throw new AppError("runner_not_registered", { fieldErrors: { oauthClientSecret: ["The runner has not registered yet, so the secret cannot be sealed to it"] } });
          throw new AppError("validation_failed", { fieldErrors: { oauthClientSecret: ["Enter the OAuth application's client secret"] } });
        }
        const { keyId } = verifySealedSecret({ sealed: input.oauthClientSecretSealed, sealedForHost: input.oauthSecretHost, runnerKeyId: runner.keyId, host: location.host });
        secret = { sealed: input.oauthClientSecretSealed, keyId };
      }

      const [taken] = await tx
        .select({ id: scmIntegrations.id })
        .from(scmIntegrations)
        .where(and(eq(scmIntegrations.runnerId, runner.id), eq(scmIntegrations.host, location.host)));
      if (taken) throw new AppError("host_taken", { fieldErrors: { host: [`This runner already has an integration for ${location.host}`] } });

      const revision = new Date();
      const [created] = await tx
        .insert(scmIntegrations)
        .values({
          id: input.integrationId,
          orgId: actor.orgId,
          runnerId: runner.id,
          provider: input.provider,
          ...location,
          oauthEnabled: input.oauthEnabled,
          oauthClientId: input.oauthClientId,
          oauthClientSecretSealed: secret?.sealed ?? null,
          oauthSecretKeyId: secret?.keyId ?? null,
          oauthScopes,
          patEnabled: input.patEnabled,
          patScopes,
          allowPrivateHosts: input.allowPrivateHosts,
          createdAt: revision,
          updatedAt: revision,
        })
        .returning();
      if (!created) throw new Error("insert returned no row");
      const job = input.test ? await enqueueIntegrationTest(tx, { integration: created, revision }) : null;
      await writeAudit(tx, actor, { action: "integration.created", targetType: "scm_integration", targetId: created.id, targetLabel: created.host, after: { runnerId: runner.id, ...auditSnapshot(created) } });
      return { integrationId: created.id, jobId: job?.jobId ?? null, disconnected: { oauth: 0, pat: 0 } };
    });
  } catch (e) {
    if (isUniqueViolation(e, "scm_integrations_runner_host_key")) throw new AppError("host_taken", { fieldErrors: { host: [`This runner already has an integration for ${location.host}`] } });
    if (isUniqueViolation(e, "scm_integrations_pkey")) throw new AppError("validation_failed", { message: "This form was already saved. Reload the page to edit the integration." });
    throw e;
  }
}
