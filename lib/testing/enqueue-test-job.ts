import crypto from "node:crypto";
import { performance } from "node:perf_hooks";
import type { Database } from "@/db/client";
import { enqueueJob } from "../runners/jobs/enqueue-job";
import { jobNotifierFor } from "../runners/jobs/job-notifier";

/** Wall-clock milliseconds with sub-millisecond resolution, comparable across processes on one host. */
function wallClockMs(): number {
  return performance.timeOrigin + performance.now();
}

/** What the benchmark needs to know about the app process that holds the long-polls. */
export type ChannelState = {
  /** Long-polls (and result waiters) currently parked on the job notifier of this process. */
  waiting: number;
  /** `process.memoryUsage()` of this process, in bytes. */
  memory: NodeJS.MemoryUsage;
  /** Whether a full garbage collection ran just before `memory` was read (needs `--expose-gc`). */
  collected: boolean;
  pid: number;
};

/** The job, when it committed, and the channel as it was just before the job was written. */
export type EnqueuedTestJob = ChannelState & {
  jobId: string;
  /** Wall clock (ms) after the job and its NOTIFY were written, just before the transaction commits. */
  beforeCommitAt: number;
  /** Wall clock (ms) once the commit returned. */
  committedAt: number;
};

/**
 * The channel and this process's memory. With `collect`, and the process started with
 * `--expose-gc`, a full collection runs first, so heap figures are live data rather than garbage
 * that happens not to be collected yet.
 */
export function channelState(database: Pick<Database, "db" | "listen">, opts: { collect?: boolean } = {}): ChannelState {
  const gc = (globalThis as { gc?: () => void }).gc;
  const collected = Boolean(opts.collect && gc);
  if (collected) gc!();
  return { waiting: jobNotifierFor(database).waiting(), memory: process.memoryUsage(), collected, pid: process.pid };
}

/**
 * Writes one job for `runnerId` exactly as product code does (`enqueueJob` in a transaction), and
 * reports when it was committed, so a benchmark can time how long the runner's long-poll takes to
 * deliver it, without the user action that writes jobs in the product (Save & Test) in the way.
 */
export async function enqueueTestJob(
  database: Pick<Database, "db" | "listen">,
  input: { orgId: string; runnerId: string; payload?: unknown },
): Promise<EnqueuedTestJob> {
  // Sampled before the write, which wakes (and so removes) the target runner's poll.
  const state = channelState(database);
  let beforeCommitAt = 0;
  const jobId = await database.db.transaction(async (tx) => {
    const { job } = await enqueueJob(tx, {
      orgId: input.orgId,
      runnerId: input.runnerId,
      kind: "integration.test",
      payload: input.payload ?? {},
      idempotencyKey: `bench-${crypto.randomUUID()}`,
    });
    beforeCommitAt = wallClockMs();
    return job.id;
  });
  const committedAt = wallClockMs();
  return { jobId, beforeCommitAt, committedAt, ...state };
}
