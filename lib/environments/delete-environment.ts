import { and, eq, inArray, sql } from "drizzle-orm";
import type { Db, DbOrTx } from "@/db/client";
import { environments, runnerJobs } from "@/db/schema";
import { recordEvent } from "../diagnostics/record-event";
import { AppError } from "../errors/app-error";
import type { EnvironmentDeletePayload } from "../git-auth/job-payloads";
import { enqueueJob } from "../runners/jobs/enqueue-job";
import { hasRole, type Actor } from "../users/actor";

/** An environment to delete: its id, owner and runner. */
type Deletable = { id: string; orgId: string; ownerId: string; runnerId: string; host: string; jobId: string | null };

/**
 * Marks an environment as being deleted and writes its `environment.delete` job, in the caller's
 * transaction: from the commit on, the plane refuses its git credentials and agent calls
 * (`environment_deleted`), whatever the runner is doing; the runner then stops serving it and
 * removes its clone and OS user, and the job's result marks it deleted. A clone job not yet picked
 * up is cancelled. Idempotent (one delete job per environment).
 */
export async function enqueueEnvironmentDelete(tx: DbOrTx, env: Deletable): Promise<{ jobId: string }> {
  const payload: EnvironmentDeletePayload = { environmentId: env.id, ownerId: env.ownerId };
  const { job } = await enqueueJob(tx, { orgId: env.orgId, runnerId: env.runnerId, kind: "environment.delete", payload, idempotencyKey: `environment-delete:${env.id}`, maxAttempts: 10 });
  await tx.update(environments).set({ status: "deleting", deleteJobId: job.id, progress: null }).where(eq(environments.id, env.id));
  if (env.jobId) {
    await tx
      .update(runnerJobs)
      .set({ status: "cancelled", errorCode: "environment_deleted", finishedAt: sql`now()` })
      .where(and(eq(runnerJobs.id, env.jobId), eq(runnerJobs.status, "pending")));
  }
  return { jobId: job.id };
}

/**
 * Deletes an environment (its owner, or an admin): see `enqueueEnvironmentDelete`. Another
 * person's environment is `not_found` to a member, as an unknown id is. Deleting one already
 * being deleted returns its delete job.
 */
export async function deleteEnvironment(opts: { db: Db; actor: Actor; environmentId: string }): Promise<{ jobId: string }> {
  return opts.db.transaction(async (tx) => {
    const [env] = await tx
      .select({ id: environments.id, orgId: environments.orgId, ownerId: environments.ownerId, runnerId: environments.runnerId, host: environments.host, jobId: environments.jobId, status: environments.status, deleteJobId: environments.deleteJobId })
      .from(environments)
      .where(
        and(
          eq(environments.orgId, opts.actor.orgId),
          eq(environments.id, opts.environmentId),
          hasRole(opts.actor, "admin") ? undefined : eq(environments.ownerId, opts.actor.userId),
        ),
      )
      .for("update");
    if (!env || env.status === "deleted") throw new AppError("not_found");
    if (env.status === "deleting" && env.deleteJobId) return { jobId: env.deleteJobId };
    const result = await enqueueEnvironmentDelete(tx, env);
    await recordEvent(tx, { orgId: env.orgId, userId: env.ownerId, runnerId: env.runnerId, host: env.host, environmentId: env.id, operation: "environment.delete", stage: "request", outcome: "started", jobId: result.jobId, detail: { environmentId: env.id } });
    return result;
  });
}

/** Deletes every environment of a user being removed (in the removal's transaction). */
export async function deleteEnvironmentsOfOwner(tx: DbOrTx, opts: { orgId: string; ownerId: string }): Promise<number> {
  const owned = await tx
    .select({ id: environments.id, orgId: environments.orgId, ownerId: environments.ownerId, runnerId: environments.runnerId, host: environments.host, jobId: environments.jobId })
    .from(environments)
    .where(and(eq(environments.orgId, opts.orgId), eq(environments.ownerId, opts.ownerId), inArray(environments.status, ["creating", "ready", "failed", "needs_authorization", "deleting"])));
  for (const env of owned) await enqueueEnvironmentDelete(tx, env);
  return owned.length;
}
