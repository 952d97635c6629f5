import { and, eq, inArray, min, sql } from "drizzle-orm";
import type { Database, Db } from "@/db/client";
import { runnerJobs, runners } from "@/db/schema";
import { MAX_POLL_WAIT_SECONDS, type RunnerJobMessage } from "../protocol";
import { claimJobs, releaseClaimedJobs, settleStaleJobs, toJobMessage } from "./claim-jobs";
import { JOBS_CHANNEL, jobNotifierFor } from "./job-notifier";

/**
 * The runner's long-poll: returns due jobs at once, or waits up to `waitSeconds` for one. It wakes
 * on the NOTIFY written with a new job (within milliseconds, not a polling interval), and on its own
 * when a retry or an expired lease comes due. Marks the runner as seen.
 */
export async function pollJobs(opts: {
  database: Pick<Database, "db" | "listen">;
  runnerId: string;
  waitSeconds: number;
  signal?: AbortSignal;
  /** How long the runner holds each job it is handed (default `JOB_LEASE_SECONDS`). */
  leaseSeconds?: number;
}): Promise<RunnerJobMessage[]> {
  const { db } = opts.database;
  const notifier = jobNotifierFor(opts.database);
  const waitMs = Math.min(Math.max(opts.waitSeconds, 0), MAX_POLL_WAIT_SECONDS) * 1000;
  const until = Date.now() + waitMs;
  // A runner that hung up while its request queued behind others costs no queries.
  if (opts.signal?.aborted) return [];
  await notifier.ready(JOBS_CHANNEL);
  // Every held poll runs this loop again each time it re-arms (a thousand runners: dozens a
  // second). An idle runner's poll costs one statement (mark seen and look at its jobs): claiming
  // and settling run only when that finds open jobs, and a poll woken by a new job claims it at once.
  let notified = false;
  for (let first = true; ; first = false) {
    const remaining = Math.max(0, until - Date.now());
    // The wait ran out: the runner's next poll, sent at once, looks at the table again.
    if (!first && !notified && remaining === 0) return [];
    // Start waiting before looking at the table, so a job committed in between still wakes us.
    const stop = new AbortController();
    const onAbort = () => stop.abort();
    opts.signal?.addEventListener("abort", onAbort, { once: true });
    const woken = notifier.wait(JOBS_CHANNEL, opts.runnerId, remaining, stop.signal);
    const inspected: Inspection | null = notified ? null : await inspectJobs(db, opts.runnerId);
    if (inspected?.stale) await settleStaleJobs(db, opts.runnerId);
    const claimed = !inspected || inspected.open > 0 ? await claimJobs(db, opts.runnerId, undefined, opts.leaseSeconds) : [];
    if (claimed.length > 0 || remaining === 0 || opts.signal?.aborted) {
      stop.abort();
      opts.signal?.removeEventListener("abort", onAbort);
      // The runner hung up while we claimed: nobody would receive these, so hand them back now
      // rather than let them wait out their lease and cost an attempt.
      if (opts.signal?.aborted && claimed.length > 0) {
        await releaseClaimedJobs(db, opts.runnerId, claimed);
        return [];
      }
      return claimed.map(toJobMessage);
    }
    // Nothing due: sleep until notified, or until a retry or an expired lease comes due.
    const nextDue: number | null = (inspected ?? (await inspectJobs(db, opts.runnerId))).nextDueMs;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const due: Promise<"due"> | null = nextDue !== null && nextDue < remaining ? new Promise((resolve) => (timer = setTimeout(() => resolve("due"), nextDue))) : null;
    notified = (await (due ? Promise.race([woken, due]) : woken)) === "notified";
    clearTimeout(timer);
    stop.abort();
    opts.signal?.removeEventListener("abort", onAbort);
    if (opts.signal?.aborted) return [];
  }
}

type Inspection = {
  /** Pending and running jobs of the runner (none: there is nothing to claim). */
  open: number;
  /** Milliseconds until this runner's next retry or lease expiry, if any. */
  nextDueMs: number | null;
  /** Whether `settleStaleJobs` has anything to do (the same conditions, read without locking). */
  stale: boolean;
};

/**
 * Marks the runner as seen (it is polling) and reads its open jobs: how many, when the next one
 * comes due, and whether any needs settling. One statement: the update runs as a CTE.
 */
async function inspectJobs(db: Db, runnerId: string): Promise<Inspection> {
  const seen = db.$with("seen").as(db.update(runners).set({ lastSeenAt: sql`now()` }).where(eq(runners.id, runnerId)).returning({ id: runners.id }));
  const [row] = await db
    .with(seen)
    .select({
      open: sql<number>`count(*)::int`,
      next: min(sql<Date>`case when ${runnerJobs.status} = 'pending' then ${runnerJobs.nextAt} else ${runnerJobs.leaseExpiresAt} end`),
      stale: sql<number>`(count(*) filter (where ${runnerJobs.deadlineAt} < now() or (${runnerJobs.status} = 'running' and ${runnerJobs.leaseExpiresAt} < now() and ${runnerJobs.attempts} >= ${runnerJobs.maxAttempts})))::int`,
    })
    .from(runnerJobs)
    .where(and(eq(runnerJobs.runnerId, runnerId), inArray(runnerJobs.status, ["pending", "running"])));
  return {
    open: Number(row?.open ?? 0),
    nextDueMs: row?.next ? Math.max(50, new Date(row.next).getTime() - Date.now() + 20) : null,
    stale: Number(row?.stale ?? 0) > 0,
  };
}
