import { eq } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { scmIntegrations, type ScmIntegration } from "@/db/schema";
import { enqueueJob } from "../runners/jobs/enqueue-job";
import { integrationTestPayloadSchema } from "../runners/protocol";
import { pendingOutcome } from "./test-outcome";

/** How long Save & Test waits for the runner before reporting `runner_offline` or `operation_aborted`. */
export const INTEGRATION_TEST_DEADLINE_MS = 20_000;

/**
 * Writes the `integration.test` job for the integration as just saved, in the caller's transaction
 * (the test exists if and only if the save commits), and marks the integration's last test as
 * pending on that job. The idempotency key names the saved revision, so a retried save of the same
 * revision never tests twice. The client secret travels only as the sealed box already stored.
 */
export async function enqueueIntegrationTest(
  tx: DbOrTx,
  opts: { integration: ScmIntegration; revision: Date; correlationId?: string },
): Promise<{ jobId: string }> {
  const i = opts.integration;
  const payload = integrationTestPayloadSchema.parse({
    integrationId: i.id,
    provider: i.provider,
    host: i.host,
    baseUrl: i.baseUrl,
    issuerUrl: i.issuerUrl,
    virtualDirectory: i.virtualDirectory,
    allowPrivateHosts: i.allowPrivateHosts,
    oauth: i.oauthEnabled && i.oauthClientId && i.oauthClientSecretSealed ? { clientId: i.oauthClientId, clientSecretSealed: i.oauthClientSecretSealed } : null,
    patEnabled: i.patEnabled,
  });
  const { job } = await enqueueJob(tx, {
    orgId: i.orgId,
    runnerId: i.runnerId,
    kind: "integration.test",
    payload,
    idempotencyKey: `integration.test:${i.id}:${opts.revision.getTime()}`,
    deadlineAt: new Date(Date.now() + INTEGRATION_TEST_DEADLINE_MS),
    maxAttempts: 3,
    correlationId: opts.correlationId ?? null,
  });
  await tx.update(scmIntegrations).set({ lastTestResult: pendingOutcome(job.id), lastTestOk: null }).where(eq(scmIntegrations.id, i.id));
  return { jobId: job.id };
}
