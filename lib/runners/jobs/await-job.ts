import { and, eq, inArray, sql } from "drizzle-orm";
import type { Database, DbOrTx } from "@/db/client";
import { runnerJobs, runners, type RunnerJob } from "@/db/schema";
import { recordJobCancelled } from "../../diagnostics/job-events";
import { JOB_DONE_CHANNEL, jobNotifierFor } from "./job-notifier";

export type JobView = {
  id: string;
  kind: string;
  status: RunnerJob["status"];
  progress: string | null;
  attempts: number;
  result: unknown;
  errorCode: string | null;
  errorMessage: string | null;
  deadlineAt: Date | null;
  createdAt: Date;
  finishedAt: Date | null;
  /** Only when asked for (`withPayload`): plane-side ownership checks. */
  payload?: unknown;
};

function view(job: RunnerJob, withPayload = false): JobView {
  return {
    id: job.id,
    kind: job.kind,
    status: job.status,
    progress: job.progress,
    attempts: job.attempts,
    result: job.result,
    errorCode: job.errorCode,
    errorMessage: job.errorMessage,
    deadlineAt: job.deadlineAt,
    createdAt: job.createdAt,
    finishedAt: job.finishedAt,
    ...(withPayload ? { payload: job.payload } : {}),
  };
}

/**
 * Reads a job of the organization. A job past its deadline that is still open is cancelled here,
 * with `runner_offline` when no runner ever picked it up and `operation_aborted` when one did but
 * did not finish: whoever asks gets the honest reason, even if the runner never comes back.
 */
export async function readJob(opts: { db: DbOrTx; orgId: string; jobId: string; withPayload?: boolean }): Promise<JobView | null> {
  const [job] = await opts.db.select().from(runnerJobs).where(and(eq(runnerJobs.orgId, opts.orgId), eq(runnerJobs.id, opts.jobId)));
  if (!job) return null;
  if ((job.status === "pending" || job.status === "running") && job.deadlineAt && job.deadlineAt.getTime() <= Date.now()) {
    const [cancelled] = await opts.db
      .update(runnerJobs)
      .set({
        status: "cancelled",
        finishedAt: sql`now()`,
        errorCode: job.attempts === 0 ? "runner_offline" : "operation_aborted",
        errorMessage: job.attempts === 0 ? "No runner picked the job up before its deadline." : "The runner did not finish before the deadline.",
        leaseExpiresAt: null,
      })
      .where(and(eq(runnerJobs.id, job.id), inArray(runnerJobs.status, ["pending", "running"])))
      .returning();
    if (cancelled) {
      // When the runner was last seen tells support whether it went away or the provider was slow.
      const [runner] = await opts.db.select({ lastSeenAt: runners.lastSeenAt }).from(runners).where(eq(runners.id, job.runnerId));
      await recordJobCancelled(opts.db, cancelled, { code: cancelled.errorCode ?? "operation_aborted", cause: job.attempts === 0 ? "never_picked_up" : "deadline", runnerLastSeenAt: runner?.lastSeenAt ?? null });
    }
    return view(cancelled ?? job, opts.withPayload);
  }
  return view(job, opts.withPayload);
}

/**
 * Waits until a job finishes or its deadline passes (then cancels it, see `readJob`). For
 * synchronous asks such as Save & Test. Wakes on the job's NOTIFY; re-reads the row as the truth.
 */
export async function awaitJob(opts: { database: Pick<Database, "db" | "listen">; orgId: string; jobId: string; signal?: AbortSignal }): Promise<JobView> {
  const notifier = jobNotifierFor(opts.database);
  await notifier.ready(JOB_DONE_CHANNEL);
  for (;;) {
    const woken = notifier.wait(JOB_DONE_CHANNEL, opts.jobId, 1_000, opts.signal);
    const job = await readJob({ db: opts.database.db, orgId: opts.orgId, jobId: opts.jobId });
    if (!job) throw new Error(`job ${opts.jobId} not found`);
    if (job.status !== "pending" && job.status !== "running") return job;
    if (opts.signal?.aborted) return job;
    await woken;
  }
}
