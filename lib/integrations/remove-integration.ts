import { and, eq, inArray, sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { runnerJobs, scmIntegrations } from "@/db/schema";
import { writeAudit } from "../audit/write-audit";
import { integrationSubject } from "../diagnostics/integration-subject";
import { traceOperation } from "../diagnostics/trace-operation";
import { AppError } from "../errors/app-error";
import { assertRole, type Actor } from "../users/actor";
import { auditSnapshot } from "./audit-snapshot";
import { countIntegrationImpact } from "./count-integration-impact";

/**
 * Removes an integration (admins) with every user credential for it (the foreign key cascades in
 * the same statement) and cancels its unfinished tests. Returns how many users lost their connection.
 */
export async function removeIntegration(opts: { db: Db; actor: Actor; integrationId: string }): Promise<{ host: string; users: number }> {
  const known = await integrationSubject(opts.db, opts.actor.orgId, opts.integrationId);
  const subject = { orgId: opts.actor.orgId, actorId: opts.actor.userId, operation: "integration.remove", ...known };
  return traceOperation(opts.db, subject, () => deleteIntegration(opts), (r) => ({ detail: { disconnectedUsers: r.users } }));
}

async function deleteIntegration(opts: { db: Db; actor: Actor; integrationId: string }): Promise<{ host: string; users: number }> {
  assertRole(opts.actor, "admin");
  return opts.db.transaction(async (tx) => {
    const [before] = await tx
      .select()
      .from(scmIntegrations)
      .where(and(eq(scmIntegrations.orgId, opts.actor.orgId), eq(scmIntegrations.id, opts.integrationId)))
      .for("update");
    if (!before) throw new AppError("not_found");
    const impact = await countIntegrationImpact({ db: tx, actor: opts.actor, integrationId: before.id });
    await tx.delete(scmIntegrations).where(eq(scmIntegrations.id, before.id));
    await tx
      .update(runnerJobs)
      .set({ status: "cancelled", errorCode: "not_found", errorMessage: "The integration was removed.", finishedAt: sql`now()`, leaseExpiresAt: null })
      .where(
        and(
          eq(runnerJobs.runnerId, before.runnerId),
          eq(runnerJobs.kind, "integration.test"),
          inArray(runnerJobs.status, ["pending", "running"]),
          sql`${runnerJobs.payload}->>'integrationId' = ${before.id}`,
        ),
      );
    await writeAudit(tx, opts.actor, {
      action: "integration.removed",
      targetType: "scm_integration",
      targetId: before.id,
      targetLabel: before.host,
      before: { runnerId: before.runnerId, ...auditSnapshot(before), connectedUsers: impact.users },
    });
    return { host: before.host, users: impact.users };
  });
}
