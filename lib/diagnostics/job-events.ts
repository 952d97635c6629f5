import type { DbOrTx } from "@/db/client";
import type { RunnerJob } from "@/db/schema";
import type { JobError } from "../runners/protocol";
import { operationOfJob } from "./operations";
import { recordEvent, type ScmEventInput } from "./record-event";

type JobRow = Pick<RunnerJob, "id" | "orgId" | "runnerId" | "kind" | "payload" | "attempts" | "correlationId" | "createdAt" | "progress">;

type Json = Record<string, unknown>;
const obj = (v: unknown): Json | null => (v && typeof v === "object" && !Array.isArray(v) ? (v as Json) : null);
const str = (v: unknown): string | null => (typeof v === "string" ? v : null);

/**
 * Who and what a job concerns, read from its payload: the integration (and so host and provider),
 * and the person it is for. Only non-secret fields are read; sealed boxes are never looked at.
 */
export function jobSubject(job: Pick<RunnerJob, "kind" | "payload">): Pick<ScmEventInput, "integrationId" | "host" | "provider" | "userId"> & { operation: string; detail: Json } {
  const payload = obj(job.payload) ?? {};
  // `integration.test` carries the integration's fields at the top level; user jobs nest them.
  const integration = obj(payload.integration) ?? payload;
  const detail: Json = {};
  if (str(payload.repoPath)) detail.repository = payload.repoPath;
  if (str(payload.environmentId)) detail.environmentId = payload.environmentId;
  return {
    operation: operationOfJob(job.kind),
    integrationId: str(integration.integrationId),
    host: str(integration.host),
    provider: str(integration.provider),
    userId: str(payload.userId) ?? str(payload.ownerId),
    detail,
  };
}

function base(job: JobRow): Omit<ScmEventInput, "stage" | "outcome"> {
  const { detail, ...subject } = jobSubject(job);
  return { orgId: job.orgId, runnerId: job.runnerId, jobId: job.id, correlationId: job.correlationId, ...subject, detail };
}

const sinceCreated = (job: JobRow) => Date.now() - job.createdAt.getTime();

/** A job was written for the runner (in the enqueuing transaction: it exists iff the job does). */
export function recordJobQueued(tx: DbOrTx, job: JobRow): Promise<boolean> {
  return recordEvent(tx, { ...base(job), stage: "queued", outcome: "started" });
}

/**
 * The phase of a progress stage: clone progress comes as `receiving_objects: 45%`, and the trail
 * keeps one event per phase, not one per percentage.
 */
export function stagePhase(stage: string | null): string | null {
  return stage === null ? null : (stage.split(":")[0]?.trim() ?? stage);
}

/** The runner reports it started a stage (a Save & Test check, a provider call, the clone). */
export function recordJobStage(db: DbOrTx, job: JobRow, stage: string): Promise<boolean> {
  const b = base(job);
  return recordEvent(db, { ...b, actorType: "runner", actorId: null, stage: stagePhase(stage) ?? stage, outcome: "started", detail: { ...b.detail, attempt: job.attempts } });
}

/** The provider-side facts a runner reports with a failure (status, provider error id, wait), flattened. */
export function providerFacts(detail: unknown): Json {
  const d = obj(detail);
  if (!d) return {};
  const { status, ...rest } = d;
  return { ...(status !== undefined ? { providerStatus: status } : {}), ...rest };
}

/** The first failed check of a result that lists checks or steps (Save & Test, Check access). */
function firstFailedCheck(result: unknown): { id: string; code: string | null; detail: Json } | null {
  const r = obj(result);
  const list = Array.isArray(r?.checks) ? r.checks : Array.isArray(r?.steps) ? r.steps : null;
  for (const item of list ?? []) {
    const check = obj(item);
    if (check && check.ok === false) {
      const { providerStatus, providerError } = check;
      const message = str(check.message) ?? str(check.note);
      return { id: str(check.id) ?? "check", code: str(check.code) ?? "provider_error", detail: { message, providerStatus, providerError } };
    }
  }
  return null;
}

export type JobCompletion =
  | { kind: "succeeded"; result: unknown }
  /** The runner succeeded but the plane could not keep its result. */
  | { kind: "refused"; code: string; message: string }
  | { kind: "failed"; error: JobError; retrying: boolean };

/**
 * A runner's answer to a job, in the transaction that records it: success (or the first failing
 * check of a test), a result the plane refused, or a typed failure with the provider's redacted
 * facts, and whether it will be retried.
 */
export function recordJobCompleted(tx: DbOrTx, job: JobRow, completion: JobCompletion): Promise<boolean> {
  const b = base(job);
  const common = { ...b, actorType: "runner" as const, actorId: null, durationMs: sinceCreated(job) };
  if (completion.kind === "succeeded") {
    const failed = firstFailedCheck(completion.result);
    return recordEvent(tx, failed ? { ...common, stage: failed.id, outcome: "failed", errorCode: failed.code, detail: { ...b.detail, ...failed.detail } } : { ...common, stage: "runner", outcome: "succeeded" });
  }
  if (completion.kind === "refused") {
    return recordEvent(tx, { ...common, stage: "store", outcome: "failed", errorCode: completion.code, detail: { ...b.detail, message: completion.message } });
  }
  const { error, retrying } = completion;
  return recordEvent(tx, {
    ...common,
    stage: stagePhase(job.progress) ?? "runner",
    outcome: "failed",
    errorCode: error.code,
    detail: { ...b.detail, message: error.message, attempt: job.attempts, retrying, ...providerFacts(error.detail) },
  });
}

/**
 * Why a job was cancelled: `never_picked_up` (no runner claimed it), `deadline` (a runner was
 * working on it when the deadline passed), `runner_gone` (its runner stopped answering on every attempt).
 */
export type CancelCause = "never_picked_up" | "deadline" | "runner_gone";

/** The plane gave up on a job (deadline or abandoned lease); `job` is the row as it was before. */
export function recordJobCancelled(db: DbOrTx, job: JobRow, opts: { code: string; cause: CancelCause; runnerLastSeenAt?: Date | null }): Promise<boolean> {
  const b = base(job);
  return recordEvent(db, {
    ...b,
    actorType: "system",
    actorId: null,
    stage: opts.cause === "runner_gone" ? "lease" : "deadline",
    outcome: opts.cause === "runner_gone" ? "failed" : "cancelled",
    errorCode: opts.code,
    durationMs: sinceCreated(job),
    detail: {
      ...b.detail,
      cause: opts.cause,
      attempts: job.attempts,
      // The stage the runner last reported: where the operation was when it was cut off.
      lastStage: stagePhase(job.progress),
      ...(opts.runnerLastSeenAt ? { runnerLastSeenAt: opts.runnerLastSeenAt.toISOString() } : {}),
    },
  });
}

/**
 * A runner answered a job the plane had already cancelled: proof that the runner was alive, and
 * its own account of why it stopped (e.g. it aborted the provider call at the deadline).
 */
export function recordLateReport(db: DbOrTx, job: JobRow, report: { outcome: "succeeded" } | { outcome: "failed"; error: JobError }): Promise<boolean> {
  const b = base(job);
  return recordEvent(db, {
    ...b,
    actorType: "runner",
    actorId: null,
    stage: "late_report",
    outcome: report.outcome === "succeeded" ? "succeeded" : "failed",
    errorCode: report.outcome === "failed" ? report.error.code : null,
    durationMs: sinceCreated(job),
    detail: { ...b.detail, attempt: job.attempts, ...(report.outcome === "failed" ? { message: report.error.message, ...providerFacts(report.error.detail) } : {}) },
  });
}
