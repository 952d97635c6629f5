import { and, eq, sql } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { runnerJobs, type RunnerJob } from "@/db/schema";
import { currentCorrelation } from "../../diagnostics/correlation";
import { recordJobQueued } from "../../diagnostics/job-events";
import type { JobKind } from "../protocol";
import { JOBS_CHANNEL } from "./job-notifier";

export type EnqueueJobInput = {
  orgId: string;
  runnerId: string;
  kind: JobKind;
  payload: unknown;
  /** Same key, same job: a retried request never creates a second one. */
  idempotencyKey: string;
  /** When set, nobody waits for the result after this time and the job is cancelled if not done. */
  deadlineAt?: Date | null;
  maxAttempts?: number;
  /** Ties the job to the action that caused it in Diagnostics; defaults to the current action's id. */
  correlationId?: string | null;
};

/**
 * Writes a job in the caller's transaction (the outbox: the job exists if and only if the change
 * that caused it commits) and notifies the runner's long-poll, which PostgreSQL delivers on commit.
 * Returns the existing job when the idempotency key was used before.
 */
export async function enqueueJob(tx: DbOrTx, input: EnqueueJobInput): Promise<{ job: RunnerJob; created: boolean }> {
  const [inserted] = await tx
    .insert(runnerJobs)
    .values({
      orgId: input.orgId,
      runnerId: input.runnerId,
      kind: input.kind,
      payload: input.payload as object,
      idempotencyKey: input.idempotencyKey,
      deadlineAt: input.deadlineAt ?? null,
      maxAttempts: input.maxAttempts ?? 5,
      correlationId: input.correlationId ?? currentCorrelation()?.correlationId ?? null,
    })
    .onConflictDoNothing({ target: [runnerJobs.runnerId, runnerJobs.idempotencyKey] })
    .returning();
  if (inserted) {
    await tx.execute(sql`select pg_notify(${JOBS_CHANNEL}, ${input.runnerId})`);
    await recordJobQueued(tx, inserted);
    return { job: inserted, created: true };
  }
  const [existing] = await tx
    .select()
    .from(runnerJobs)
    .where(and(eq(runnerJobs.runnerId, input.runnerId), eq(runnerJobs.idempotencyKey, input.idempotencyKey)));
  if (!existing) throw new Error("idempotent job vanished");
  return { job: existing, created: false };
}
