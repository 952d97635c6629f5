import type { EnqueuedTestJob } from "../../lib/testing/enqueue-test-job";
import type { HttpClient } from "./http";
import { wallClockMs, type ReceivedJob, type RunnerFleet } from "./runner-fleet";
import { medianSorted, ms, percentileSorted, round } from "./stats";

export const ENQUEUE_PATH = "/api/test/enqueue-job";

export type PickupSample = {
  runner: number;
  /** Job committed (app clock, just before COMMIT) → its long-poll answer fully received (bench clock). The budgeted figure. */
  pickupMs: number;
  /** Bench sends the enqueue request → the long-poll answer with the job received: adds HTTP and routing of the enqueue request. */
  endToEndMs: number;
  /** Round trip of the enqueue request itself. */
  enqueueMs: number;
  /** Long-polls parked on the app's notifier when the job was written (from the app). */
  waiting: number;
  heapUsed: number;
  /** The app's commit timestamp fell outside the enqueue request's send/receive window (clock disagreement). */
  clockSkew: boolean;
};

/** Routes jobs arriving on any runner's long-poll to whoever waits for that job id. */
export class Arrivals {
  private readonly arrived = new Map<string, ReceivedJob>();
  private readonly waiters = new Map<string, (job: ReceivedJob) => void>();

  readonly onJob = (job: ReceivedJob): void => {
    const waiter = this.waiters.get(job.jobId);
    if (waiter) waiter(job);
    else this.arrived.set(job.jobId, job);
  };

  /** The job's arrival, or null if it has not arrived within `ms`. */
  wait(jobId: string, ms: number): Promise<ReceivedJob | null> {
    const early = this.arrived.get(jobId);
    if (early) {
      this.arrived.delete(jobId);
      return Promise.resolve(early);
    }
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.waiters.delete(jobId);
        resolve(null);
      }, ms);
      this.waiters.set(jobId, (job) => {
        clearTimeout(timer);
        this.waiters.delete(jobId);
        resolve(job);
      });
    });
  }
}

export type PickupRun = {
  samples: PickupSample[];
  late: number;
  lost: number;
  wrongRunner: number;
  ackErrors: number;
  /** Enqueue requests that failed or timed out (the app too busy to answer in 30 s). */
  enqueueErrors: number;
  /** Stopped early after consecutive enqueue failures. */
  gaveUp: boolean;
  firstProblem: string | null;
};

const GIVE_UP_AFTER = 3;

/**
 * Writes `warmup + samples` jobs one at a time, each to the runner `pick` returns once that
 * runner's long-poll is parked, and times how long each takes to reach the runner. A job that
 * takes longer than `lateAfterMs` counts as late (a missed wake-up that only the poll's own
 * timeout caught) and is still measured; one that never arrives within `lostAfterMs` is lost.
 * Every received job is acknowledged, as a runner would, so no lease expiry re-delivers it. A failed
 * enqueue request is counted; after three in a row the run stops and reports what it has.
 */
export async function measurePickups(opts: {
  control: HttpClient;
  controlHeaders: Record<string, string>;
  fleet: RunnerFleet;
  arrivals: Arrivals;
  orgId: string;
  runnerIds: string[];
  pick: () => Promise<number>;
  warmup: number;
  samples: number;
  /** Minimum time between the starts of two jobs (spreads the run over the poll timeout wave). */
  spacingMs?: number;
  lateAfterMs: number;
  lostAfterMs: number;
  log?: (m: string) => void;
}): Promise<PickupRun> {
  const run: PickupRun = { samples: [], late: 0, lost: 0, wrongRunner: 0, ackErrors: 0, enqueueErrors: 0, gaveUp: false, firstProblem: null };
  const problem = (m: string) => (run.firstProblem ??= m);
  let consecutiveFailures = 0;
  for (let n = 0; n < opts.warmup + opts.samples; n++) {
    const started = Date.now();
    const runner = await opts.pick();
    const sentAt = wallClockMs();
    const res = await opts.control
      .request("POST", ENQUEUE_PATH, {
        headers: { ...opts.controlHeaders, "content-type": "application/json" },
        body: JSON.stringify({ orgId: opts.orgId, runnerId: opts.runnerIds[runner], payload: { n } }),
      })
      .catch((e: unknown) => ({ status: 0, body: e instanceof Error ? e.message : String(e) }));
    const repliedAt = wallClockMs();
    if (res.status !== 200) {
      run.enqueueErrors += 1;
      problem(`POST ${ENQUEUE_PATH}: ${res.status ? `answered ${res.status}: ` : ""}${res.body.slice(0, 200)}`);
      consecutiveFailures += 1;
      if (consecutiveFailures >= GIVE_UP_AFTER) {
        run.gaveUp = true;
        break;
      }
      continue;
    }
    consecutiveFailures = 0;
    const enqueued = JSON.parse(res.body) as EnqueuedTestJob;
    const job = await opts.arrivals.wait(enqueued.jobId, opts.lostAfterMs);
    if (!job) {
      run.lost += 1;
      problem(`job ${enqueued.jobId} for runner ${runner} never arrived`);
      continue;
    }
    if (job.runner !== runner) {
      run.wrongRunner += 1;
      problem(`job ${enqueued.jobId} for runner ${runner} arrived at runner ${job.runner}`);
    }
    const pickupMs = job.receivedAt - enqueued.beforeCommitAt;
    if (pickupMs > opts.lateAfterMs) {
      run.late += 1;
      problem(`job ${enqueued.jobId} took ${Math.round(pickupMs)} ms`);
    }
    await opts.fleet.ack(job.runner, job.jobId, job.attempt).catch((e: unknown) => {
      run.ackErrors += 1;
      problem(e instanceof Error ? e.message : String(e));
    });
    if (n >= opts.warmup) {
      run.samples.push({
        runner,
        pickupMs,
        endToEndMs: job.receivedAt - sentAt,
        enqueueMs: repliedAt - sentAt,
        waiting: enqueued.waiting,
        heapUsed: enqueued.memory.heapUsed,
        // 1 ms of slack: the two processes' clocks are read at different resolutions.
        clockSkew: enqueued.beforeCommitAt < sentAt - 1 || enqueued.beforeCommitAt > repliedAt + 1,
      });
    }
    if ((n + 1) % 50 === 0) opts.log?.(`${n + 1} jobs, last picked up in ${pickupMs.toFixed(1)} ms with ${enqueued.waiting} polls parked`);
    const rest = (opts.spacingMs ?? 0) - (Date.now() - started);
    if (rest > 0) await new Promise((r) => setTimeout(r, rest));
  }
  return run;
}

/** The figures of one run, for the table and the JSON line. */
export function pickupFigures(run: PickupRun) {
  const sorted = (pick: (s: PickupSample) => number) => run.samples.map(pick).sort((a, b) => a - b);
  const pickup = sorted((s) => s.pickupMs);
  const e2e = sorted((s) => s.endToEndMs);
  const enqueue = sorted((s) => s.enqueueMs);
  const waiting = sorted((s) => s.waiting);
  return {
    samples: run.samples.length,
    pickup_median_ms: round(medianSorted(pickup)),
    pickup_p99_ms: round(percentileSorted(pickup, 99)),
    pickup_max_ms: round(pickup.at(-1) ?? NaN),
    e2e_median_ms: round(medianSorted(e2e)),
    e2e_p99_ms: round(percentileSorted(e2e, 99)),
    enqueue_request_median_ms: round(medianSorted(enqueue)),
    held_at_enqueue_min: waiting[0] ?? 0,
    held_at_enqueue_median: medianSorted(waiting),
    late: run.late,
    lost: run.lost,
    wrong_runner: run.wrongRunner,
    ack_errors: run.ackErrors,
    enqueue_errors: run.enqueueErrors,
    gave_up: run.gaveUp,
    clock_skewed_samples: run.samples.filter((s) => s.clockSkew).length,
  };
}

export type PickupFigures = ReturnType<typeof pickupFigures>;

/** Table rows for one run. */
export function pickupRows(f: PickupFigures, lateAfterMs: number): Array<[string, string]> {
  return [
    ["  pickup (commit → runner)", `median ${ms(f.pickup_median_ms)} · p99 ${ms(f.pickup_p99_ms)} · max ${ms(f.pickup_max_ms)} · n=${f.samples}`],
    ["  end to end", `median ${ms(f.e2e_median_ms)} · p99 ${ms(f.e2e_p99_ms)} (the enqueue request's own round trip: median ${ms(f.enqueue_request_median_ms)})`],
    [
      "  late / lost / misrouted",
      `${f.late} / ${f.lost} / ${f.wrong_runner} (late = over ${lateAfterMs / 1000} s) · enqueue failures ${f.enqueue_errors}${f.gave_up ? " (gave up)" : ""} · ack errors ${f.ack_errors} · clock-skewed samples ${f.clock_skewed_samples}`,
    ],
  ];
}
