import { and, eq, sql } from "drizzle-orm";
import type { Tx } from "@/db/client";
import { environments, type RunnerJob } from "@/db/schema";
import { environmentCreatePayloadSchema, environmentCreateResultSchema, environmentDeletePayloadSchema } from "../git-auth/job-payloads";

/**
 * Marks an environment ready when the runner reports the clone done (in the job's transaction),
 * with where the clone is and the OS user it runs as. One being deleted meanwhile stays so.
 */
export async function markEnvironmentReady(tx: Tx, job: RunnerJob, result: unknown): Promise<void> {
  const payload = environmentCreatePayloadSchema.safeParse(job.payload);
  const parsed = environmentCreateResultSchema.safeParse(result);
  if (!payload.success) return;
  await tx
    .update(environments)
    .set({
      status: "ready",
      readyAt: sql`now()`,
      branch: parsed.success ? parsed.data.branch : null,
      clonePath: parsed.success ? (parsed.data.clonePath ?? null) : null,
      osUser: parsed.success ? (parsed.data.osUser ?? null) : null,
      progress: null,
      errorCode: null,
    })
    .where(and(eq(environments.id, payload.data.environmentId), sql`${environments.status} not in ('deleting', 'deleted')`));
}

/** Marks an environment deleted when its runner reports the clone and OS user gone. */
export async function markEnvironmentDeleted(tx: Tx, job: RunnerJob): Promise<void> {
  const payload = environmentDeletePayloadSchema.safeParse(job.payload);
  if (!payload.success) return;
  await tx.update(environments).set({ status: "deleted", deletedAt: sql`now()`, progress: null }).where(eq(environments.id, payload.data.environmentId));
}
