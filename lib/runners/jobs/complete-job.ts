import { and, eq, sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { runnerJobs, type RunnerJob } from "@/db/schema";
import { AppError } from "../../errors/app-error";
import { isErrorCode } from "../../errors/catalogue";
import { recordJobCompleted, recordJobStage, recordLateReport, stagePhase } from "../../diagnostics/job-events";
import { JOB_LEASE_SECONDS, type JobResultRequest } from "../protocol";
import { retryDelayMs } from "./backoff";
import { JOB_DONE_CHANNEL, JOBS_CHANNEL } from "./job-notifier";
import { applyJobResult } from "./result-handlers";

/**
 * Records a runner's answer to a job it holds. Only the runner the job belongs to, on the attempt
 * it currently holds, can answer (an answer from an attempt whose lease expired is refused with
 * `job_not_claimed`, so a job is never finished twice). A retryable failure goes back to the queue
 * with backoff until its attempts run out; anything else finishes the job. Waiters are notified.
 */
export async function completeJob(opts: { db: Db; runnerId: string; jobId: string; body: JobResultRequest }): Promise<{ status: "succeeded" | "failed" | "pending" }> {
  let cancelledUnderIt: RunnerJob | null = null;
  try {
    return await finishJob(opts, (job) => (cancelledUnderIt = job));
  } catch (e) {
    // Outside the rolled-back transaction: the runner's account of a job the plane already gave up on.
    if (cancelledUnderIt) await recordLateReport(opts.db, cancelledUnderIt, opts.body);
    throw e;
  }
}

async function finishJob(opts: { db: Db; runnerId: string; jobId: string; body: JobResultRequest }, onLate: (job: RunnerJob) => void): Promise<{ status: "succeeded" | "failed" | "pending" }> {
  return opts.db.transaction(async (tx) => {
    const [job] = await tx
      .select()
      .from(runnerJobs)
      .where(and(eq(runnerJobs.id, opts.jobId), eq(runnerJobs.runnerId, opts.runnerId)))
      .for("update");
    // Another runner's job looks exactly like a job that does not exist.
    if (!job) throw new AppError("not_found");
    if (job.status !== "running" || job.attempts !== opts.body.attempt) {
      const givenUp = job.status === "cancelled" || (job.status === "failed" && job.errorCode === "operation_aborted");
      if (givenUp && job.attempts === opts.body.attempt) onLate(job);
      throw new AppError("job_not_claimed");
    }
    let status: "succeeded" | "failed" | "pending";
    const handled = opts.body.outcome === "succeeded" ? await applyJobResult(tx, job, opts.body.result) : null;
    if (handled && !handled.ok) {
      status = "failed";
      await tx
        .update(runnerJobs)
        .set({ status, errorCode: handled.code, errorMessage: handled.message, finishedAt: sql`now()`, leaseExpiresAt: null })
        .where(eq(runnerJobs.id, job.id));
      await recordJobCompleted(tx, job, { kind: "refused", code: handled.code, message: handled.message });
    } else if (opts.body.outcome === "succeeded") {
      status = "succeeded";
      await tx
        .update(runnerJobs)
        .set({ status, result: (opts.body.result ?? null) as object, finishedAt: sql`now()`, leaseExpiresAt: null, errorCode: null, errorMessage: null })
        .where(eq(runnerJobs.id, job.id));
      await recordJobCompleted(tx, job, { kind: "succeeded", result: opts.body.result });
    } else {
      const { error } = opts.body;
      const code = isErrorCode(error.code) ? error.code : "provider_error";
      const retry = error.retryable && job.attempts < job.maxAttempts;
      status = retry ? "pending" : "failed";
      await tx
        .update(runnerJobs)
        .set({
          status,
          errorCode: code,
          errorMessage: error.message.slice(0, 500),
          result: error.fieldErrors || error.detail ? { fieldErrors: error.fieldErrors ?? null, detail: error.detail ?? null } : null,
          leaseExpiresAt: null,
          nextAt: retry ? new Date(Date.now() + retryDelayMs(job.attempts)) : undefined,
          finishedAt: retry ? null : sql`now()`,
        })
        .where(eq(runnerJobs.id, job.id));
      await recordJobCompleted(tx, job, { kind: "failed", error: { ...error, code }, retrying: retry });
    }
    if (status !== "pending") await tx.execute(sql`select pg_notify(${JOB_DONE_CHANNEL}, ${job.id})`);
    // A retry: the runner's held long-poll last looked at this job while it ran, so wake it to
    // see the retry's due time; otherwise the retry waits for the poll's own timeout (~25 s).
    else await tx.execute(sql`select pg_notify(${JOBS_CHANNEL}, ${job.runnerId})`);
    return { status };
  });
}

/**
 * Records which stage a job is at, for progress shown while people wait, and renews the lease: a
 * runner that keeps reporting (a long clone) keeps its job; one that goes silent loses it.
 */
export async function reportJobProgress(opts: { db: Db; runnerId: string; jobId: string; attempt: number; stage: string; leaseSeconds?: number }): Promise<{ leaseExpiresAt: string }> {
  // Read first: the trail records a stage when it changes, not every lease renewal.
  const [before] = await opts.db.select().from(runnerJobs).where(and(eq(runnerJobs.id, opts.jobId), eq(runnerJobs.runnerId, opts.runnerId)));
  const [updated] = await opts.db
    .update(runnerJobs)
    .set({ progress: opts.stage, leaseExpiresAt: sql`now() + make_interval(secs => ${opts.leaseSeconds ?? JOB_LEASE_SECONDS})` })
    .where(and(eq(runnerJobs.id, opts.jobId), eq(runnerJobs.runnerId, opts.runnerId), eq(runnerJobs.status, "running"), eq(runnerJobs.attempts, opts.attempt)))
    .returning({ leaseExpiresAt: runnerJobs.leaseExpiresAt });
  if (!updated?.leaseExpiresAt) throw new AppError("job_not_claimed");
  if (before && stagePhase(before.progress) !== stagePhase(opts.stage)) await recordJobStage(opts.db, before, opts.stage);
  return { leaseExpiresAt: updated.leaseExpiresAt.toISOString() };
}
