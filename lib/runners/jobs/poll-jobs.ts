import { and, eq, inArray, min, sql } from "drizzle-orm";
import type { Database } from "@/db/client";
import { runnerJobs, runners } from "@/db/schema";
import { MAX_POLL_WAIT_SECONDS, type RunnerJobMessage } from "../protocol";
import { claimJobs, settleStaleJobs, toJobMessage } from "./claim-jobs";
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
}): Promise<RunnerJobMessage[]> {
  const { db } = opts.database;
  const notifier = jobNotifierFor(opts.database);
  const waitMs = Math.min(Math.max(opts.waitSeconds, 0), MAX_POLL_WAIT_SECONDS) * 1000;
  const until = Date.now() + waitMs;
  await db.update(runners).set({ lastSeenAt: sql`now()` }).where(eq(runners.id, opts.runnerId));
  await settleStaleJobs(db, opts.runnerId);
  await notifier.ready(JOBS_CHANNEL);
  for (;;) {
    // Start waiting before looking at the table, so a job committed in between still wakes us.
    const stop = new AbortController();
    const onAbort = () => stop.abort();
    opts.signal?.addEventListener("abort", onAbort, { once: true });
    const remaining = Math.max(0, until - Date.now());
    const nextDue = remaining > 0 ? await nextDueInMs(opts.database, opts.runnerId) : null;
    const woken = notifier.wait(JOBS_CHANNEL, opts.runnerId, Math.min(remaining, nextDue ?? remaining), stop.signal);
    const claimed = await claimJobs(db, opts.runnerId);
    if (claimed.length > 0 || remaining === 0 || opts.signal?.aborted) {
      stop.abort();
      opts.signal?.removeEventListener("abort", onAbort);
      return claimed.map(toJobMessage);
    }
    const outcome = await woken;
    opts.signal?.removeEventListener("abort", onAbort);
    if (outcome === "aborted") return [];
  }
}

/** Milliseconds until this runner's next retry or lease expiry, if any. */
async function nextDueInMs(database: Pick<Database, "db">, runnerId: string): Promise<number | null> {
  const [row] = await database.db
    .select({
      next: min(sql<Date>`case when ${runnerJobs.status} = 'pending' then ${runnerJobs.nextAt} else ${runnerJobs.leaseExpiresAt} end`),
    })
    .from(runnerJobs)
    .where(and(eq(runnerJobs.runnerId, runnerId), inArray(runnerJobs.status, ["pending", "running"])));
  if (!row?.next) return null;
  return Math.max(50, new Date(row.next).getTime() - Date.now() + 20);
}
