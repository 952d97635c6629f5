import { and, asc, eq, gte, inArray, isNull, lt, lte, or, sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { runnerJobs, type RunnerJob } from "@/db/schema";
import { recordJobCancelled } from "../../diagnostics/job-events";
import { JOB_LEASE_SECONDS, type JobKind, type RunnerJobMessage } from "../protocol";
import { JOB_DONE_CHANNEL, JOBS_CHANNEL } from "./job-notifier";

/**
 * Settles jobs nobody can finish any more: pending or leased jobs past their deadline are
 * cancelled, and leased jobs whose lease ran out on their last attempt fail with `operation_aborted`
 * (the runner died or hung on them every time). Waiters are notified on commit.
 */
export async function settleStaleJobs(db: Db, runnerId: string): Promise<void> {
  await db.transaction(async (tx) => {
    const cancelled = await tx
      .update(runnerJobs)
      .set({
        status: "cancelled",
        finishedAt: sql`now()`,
        errorCode: sql`case when ${runnerJobs.attempts} = 0 then 'runner_offline' else 'operation_aborted' end`,
        errorMessage: "The deadline passed before the runner finished.",
        leaseExpiresAt: null,
      })
      .where(and(eq(runnerJobs.runnerId, runnerId), inArray(runnerJobs.status, ["pending", "running"]), lt(runnerJobs.deadlineAt, sql`now()`)))
      .returning();
    const abandoned = await tx
      .update(runnerJobs)
      .set({
        status: "failed",
        finishedAt: sql`now()`,
        errorCode: "operation_aborted",
        errorMessage: "The runner stopped answering while working on this job, on every attempt.",
        leaseExpiresAt: null,
      })
      .where(
        and(
          eq(runnerJobs.runnerId, runnerId),
          eq(runnerJobs.status, "running"),
          lt(runnerJobs.leaseExpiresAt, sql`now()`),
          gte(runnerJobs.attempts, runnerJobs.maxAttempts),
        ),
      )
      .returning();
    for (const { id } of [...cancelled, ...abandoned]) await tx.execute(sql`select pg_notify(${JOB_DONE_CHANNEL}, ${id})`);
    for (const job of cancelled) await recordJobCancelled(tx, job, { code: job.errorCode ?? "operation_aborted", cause: job.attempts === 0 ? "never_picked_up" : "deadline" });
    for (const job of abandoned) await recordJobCancelled(tx, job, { code: "operation_aborted", cause: "runner_gone" });
  });
}

/**
 * Claims up to `limit` due jobs of one runner, oldest first: pending ones whose retry time has come
 * and leased ones whose lease ran out (their runner died mid-job). `FOR UPDATE SKIP LOCKED` lets
 * concurrent polls of the same runner share the work without handing a job out twice.
 * `leaseSeconds` is how long the runner holds each claimed job (tests shorten it).
 */
export async function claimJobs(db: Db, runnerId: string, limit = 10, leaseSeconds = JOB_LEASE_SECONDS): Promise<RunnerJob[]> {
  const due = db
    .select({ id: runnerJobs.id })
    .from(runnerJobs)
    .where(
      and(
        eq(runnerJobs.runnerId, runnerId),
        or(
          and(eq(runnerJobs.status, "pending"), lte(runnerJobs.nextAt, sql`now()`)),
          and(eq(runnerJobs.status, "running"), lt(runnerJobs.leaseExpiresAt, sql`now()`), lt(runnerJobs.attempts, runnerJobs.maxAttempts)),
        ),
        or(isNull(runnerJobs.deadlineAt), sql`${runnerJobs.deadlineAt} > now()`),
      ),
    )
    .orderBy(asc(runnerJobs.createdAt))
    .limit(limit)
    .for("update", { skipLocked: true });
  return db
    .update(runnerJobs)
    .set({
      status: "running",
      attempts: sql`${runnerJobs.attempts} + 1`,
      leaseExpiresAt: sql`now() + make_interval(secs => ${leaseSeconds})`,
      progress: null,
    })
    .where(inArray(runnerJobs.id, due))
    .returning();
}

/**
 * Hands back jobs claimed for a poll whose runner hung up before the answer was written: they are
 * pending again, due now, and the claim does not count as an attempt. Wakes the runner's polls.
 */
export async function releaseClaimedJobs(db: Db, runnerId: string, jobs: RunnerJob[]): Promise<void> {
  if (jobs.length === 0) return;
  await db.transaction(async (tx) => {
    await tx
      .update(runnerJobs)
      .set({ status: "pending", attempts: sql`greatest(${runnerJobs.attempts} - 1, 0)`, leaseExpiresAt: null, nextAt: sql`now()` })
      .where(and(eq(runnerJobs.runnerId, runnerId), eq(runnerJobs.status, "running"), inArray(runnerJobs.id, jobs.map((j) => j.id))));
    await tx.execute(sql`select pg_notify(${JOBS_CHANNEL}, ${runnerId})`);
  });
}

/** The wire form of a claimed job. */
export function toJobMessage(job: RunnerJob): RunnerJobMessage {
  return {
    id: job.id,
    kind: job.kind as JobKind,
    payload: job.payload,
    idempotencyKey: job.idempotencyKey,
    attempt: job.attempts,
    leaseExpiresAt: (job.leaseExpiresAt ?? new Date()).toISOString(),
    deadlineAt: job.deadlineAt ? job.deadlineAt.toISOString() : null,
    correlationId: job.correlationId,
  };
}
