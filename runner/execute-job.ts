import type { RunnerKeyPair } from "@/lib/crypto/sealed-box";
import { log } from "@/runner/log";
import type { JobError, JobResultRequest, RunnerJobMessage } from "@/lib/runners/protocol";
import { handlerFor, undeliveredResultHandlerFor } from "./jobs/registry";
import { JobAborted, JobFailure, type AbortCause, type JobContext, type RunnerServices } from "./jobs/types";
import { PlaneError, type PlaneClient } from "./plane-client";
import { sleep } from "./sleep";

/** A job being worked on; abort its controller with a JobAborted to stop it. */
export type RunningJob = { job: RunnerJobMessage; controller: AbortController; done: Promise<void> };

const ABORTED: Record<Exclude<AbortCause, "released">, JobError> = {
  deadline: { code: "operation_aborted", message: "The runner stopped at the job's deadline: the provider did not answer in time.", retryable: false },
  lease: { code: "operation_aborted", message: "The runner's hold on this job ran out before it finished.", retryable: true },
  shutdown: { code: "operation_aborted", message: "The runner was stopped while working on this job.", retryable: true },
};

/** A lease shorter than this is treated as this long when pacing heartbeats. */
const MIN_LEASE_MS = 3_000;

/** How many times a result is re-sent while the plane is unreachable, and the pause before each. */
const RESULT_RETRY_DELAYS_MS = [250, 500, 1_000, 2_000, 4_000];

function abortCause(signal: AbortSignal): AbortCause | null {
  if (!signal.aborted) return null;
  return signal.reason instanceof JobAborted ? signal.reason.why : "shutdown";
}

function toJobError(e: unknown, signal: AbortSignal, job: RunnerJobMessage): JobError | null {
  if (e instanceof JobFailure) return e.toJobError();
  const cause = abortCause(signal);
  if (cause === "released") return null;
  if (cause) return ABORTED[cause];
  // A bug or an unforeseen failure: logged here (redacted), never sent as raw text.
  log.error("job.crashed", { jobId: job.id, kind: job.kind, error: e instanceof Error ? e.message : String(e) });
  return { code: "internal_error", message: "The runner failed unexpectedly while working on this job.", retryable: false };
}

/** Arms a timer that aborts the job at an ISO time of the plane's clock. */
function abortAt(iso: string | null, clockOffsetMs: number, controller: AbortController, cause: AbortCause): () => void {
  if (!iso) return () => {};
  const ms = Date.parse(iso) - (Date.now() + clockOffsetMs);
  const timer = setTimeout(() => controller.abort(new JobAborted(cause)), Math.min(Math.max(ms, 0), 2 ** 31 - 1));
  return () => clearTimeout(timer);
}

/**
 * What became of a reported outcome: `taken` (the plane kept it), `refused` (it answered that it
 * did not: the attempt was over, the job cancelled, or a success it could not use), or `lost` (it
 * never answered, after every retry).
 */
type Delivery = "taken" | "refused" | "lost";

async function report(client: PlaneClient, job: RunnerJobMessage, body: JobResultRequest): Promise<Delivery> {
  for (let i = 0; ; i++) {
    try {
      const answer = await client.result(job.id, body);
      if (body.outcome === "succeeded" && answer.status === "failed") {
        log.warn("job.result_not_used", { jobId: job.id, attempt: job.attempt });
        return "refused";
      }
      return "taken";
    } catch (e) {
      if (e instanceof PlaneError) {
        // job_not_claimed: our attempt is over (deadline passed, or the lease ran out and the job
        // went to another attempt). The plane keeps exactly one answer; ours is not it.
        log.warn(e.code === "job_not_claimed" ? "job.result_refused" : "job.result_rejected", { jobId: job.id, attempt: job.attempt, errorCode: e.code });
        return "refused";
      }
      const delay = RESULT_RETRY_DELAYS_MS[i];
      if (delay === undefined) {
        log.error("job.result_lost", { jobId: job.id, attempt: job.attempt, reason: (e as Error).message });
        return "lost";
      }
      await sleep(delay);
    }
  }
}

/** How long undoing an undelivered result (revoking a token) may take. */
const UNDO_TIMEOUT_MS = 30_000;

/** Undoes a result the plane did not take, where its kind has something to undo; never throws. */
async function undoUndelivered(job: RunnerJobMessage, result: unknown, ctx: JobContext): Promise<void> {
  const undo = undeliveredResultHandlerFor(job.kind);
  if (!undo) return;
  try {
    await undo(job.payload, result, { ...ctx, signal: AbortSignal.timeout(UNDO_TIMEOUT_MS), progress: async () => {} });
  } catch (e) {
    log.error("job.undelivered_result_not_undone", { jobId: job.id, kind: job.kind, error: e instanceof Error ? e.message : String(e) });
  }
}

/**
 * Runs one claimed job: the handler for its kind gets an AbortSignal that fires at the job's
 * deadline, when the lease runs out (the plane hands it to another attempt then), or when the
 * runner stops; progress stages go to the plane as they happen. Each progress report renews the
 * lease (the lease timer follows the plane's answer), and once a job has reported a stage it is
 * re-sent every lease/3, so a long clone keeps its job while the runner lives. The result or a
 * typed error is reported once, re-sent while the plane is unreachable. A result the plane does
 * not take (refused, never answered, or finished after the job was aborted) is undone where its
 * kind can be: an OAuth exchange's token is revoked. `waitForSlot` bounds concurrency.
 */
export function startJob(opts: {
  job: RunnerJobMessage;
  client: PlaneClient;
  keys: RunnerKeyPair;
  runnerId: string;
  services: RunnerServices;
  clockOffsetMs: number;
  waitForSlot: (signal: AbortSignal) => Promise<() => void>;
}): RunningJob {
  const { job, client } = opts;
  const controller = new AbortController();
  const disarmDeadline = abortAt(job.deadlineAt, opts.clockOffsetMs, controller, "deadline");
  let disarmLease = abortAt(job.leaseExpiresAt, opts.clockOffsetMs, controller, "lease");
  const leaseMs = Math.max(MIN_LEASE_MS, Date.parse(job.leaseExpiresAt) - (Date.now() + opts.clockOffsetMs));
  const heartbeatMs = Math.floor(leaseMs / 3);
  let lastStage: string | null = null;
  let lastSentAt = 0;
  /** Set once the job is done: no late answer re-arms the lease timer. */
  let settled = false;

  const send = async (stage: string) => {
    lastSentAt = Date.now();
    try {
      const { leaseExpiresAt } = await client.progress(job.id, job.attempt, stage, controller.signal);
      if (leaseExpiresAt && !controller.signal.aborted && !settled) {
        disarmLease();
        disarmLease = abortAt(leaseExpiresAt, opts.clockOffsetMs, controller, "lease");
      }
    } catch (e) {
      if (e instanceof PlaneError && (e.code === "job_not_claimed" || e.code === "not_found")) controller.abort(new JobAborted("released"));
      // Anything else only costs the progress display (the next report renews the lease); the job goes on.
    }
  };
  // Stages go out one at a time, the latest one winning: a burst of stages (clone percentages)
  // costs one request, and a handler may go on without waiting for the plane. Each caller's
  // promise settles once its stage, or a later one that replaced it, has been sent.
  let queued: string | null = null;
  let waiting: Array<() => void> = [];
  let flushing: Promise<void> | null = null;
  const flush = async () => {
    while (queued !== null) {
      const stage = queued;
      const covered = waiting;
      queued = null;
      waiting = [];
      await send(stage);
      for (const done of covered) done();
    }
    flushing = null;
  };
  const enqueue = (stage: string): Promise<void> => {
    queued = stage;
    const sent = new Promise<void>((resolve) => waiting.push(resolve));
    flushing ??= flush();
    return sent;
  };
  const heartbeat = setInterval(() => {
    if (lastStage !== null && flushing === null && Date.now() - lastSentAt >= heartbeatMs * 0.9) void enqueue(lastStage);
  }, heartbeatMs);

  const done = (async () => {
    const started = performance.now();
    let release: (() => void) | null = null;
    let body: JobResultRequest | null = null;
    let ctx: JobContext | null = null;
    /** What the handler returned, delivered or not: undone below when the plane does not take it. */
    let produced: { result: unknown } | null = null;
    try {
      release = await opts.waitForSlot(controller.signal);
      if (controller.signal.aborted) throw controller.signal.reason;
      log.info("job.started", { jobId: job.id, kind: job.kind, attempt: job.attempt, correlationId: job.correlationId });
      const handler = handlerFor(job.kind);
      if (!handler) throw new JobFailure("runner_job_unsupported", `This runner (an older version) cannot do "${job.kind}" jobs.`);
      ctx = {
        ...opts.services,
        jobId: job.id,
        attempt: job.attempt,
        runnerId: opts.runnerId,
        keys: opts.keys,
        signal: controller.signal,
        leaseMs,
        progress: (stage) => {
          if (stage !== lastStage) log.info("job.stage", { jobId: job.id, stage });
          lastStage = stage;
          return enqueue(stage);
        },
      };
      const result = await handler(job.payload, ctx);
      produced = { result };
      // A handler that finished after its signal fired may hold a partial answer: report the abort.
      if (controller.signal.aborted) throw controller.signal.reason;
      body = { attempt: job.attempt, outcome: "succeeded", result };
    } catch (e) {
      const error = toJobError(e, controller.signal, job);
      if (error) body = { attempt: job.attempt, outcome: "failed", error };
    } finally {
      release?.();
      clearInterval(heartbeat);
      // The last stage reaches the plane before the result (it would refuse one after it); a stage
      // sent during the handler's own work usually has, so this rarely waits.
      await flushing;
      settled = true;
      disarmDeadline();
      disarmLease();
    }
    const durationMs = Math.round(performance.now() - started);
    const outcome = body === null ? "released" : body.outcome === "succeeded" ? "succeeded" : abortCause(controller.signal) ? "aborted" : "failed";
    log.info("job.finished", { jobId: job.id, kind: job.kind, attempt: job.attempt, outcome, errorCode: body?.outcome === "failed" ? body.error.code : undefined, durationMs });
    const delivery = body ? await report(client, job, body) : "refused";
    if (produced && ctx && (body?.outcome !== "succeeded" || delivery !== "taken")) await undoUndelivered(job, produced.result, ctx);
  })();
  return { job, controller, done };
}
