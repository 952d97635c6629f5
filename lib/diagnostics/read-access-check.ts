import type { DbOrTx } from "@/db/client";
import { AppError } from "../errors/app-error";
import { isErrorCode, type ErrorCode } from "../errors/catalogue";
import { readJob } from "../runners/jobs/await-job";
import { assertRole, type Actor } from "../users/actor";
import { accessCheckResultSchema, runnerAccessStepIds, type RunnerAccessStepId } from "./access-check-protocol";
import type { AccessStepView } from "./access-check-steps";
import { sanitizeText } from "./sanitize-detail";

export type AccessCheckStatus = {
  checkId: string;
  done: boolean;
  /** The runner's steps (token, scopes, repository); the plane's were returned when the check started. */
  steps: AccessStepView[];
  /** Set when the job itself failed (runner offline, deadline, an old runner). */
  errorCode: ErrorCode | null;
};

const asCode = (v: unknown): ErrorCode | null => (v === null || v === undefined ? null : isErrorCode(v) ? v : "provider_error");

/**
 * A running or finished Check access job (admins and support), as steps: while it runs, the step
 * the runner reported is `running` and the ones before it `passed`; once done, each step's outcome,
 * with the runner's notes re-sanitized. A job that failed as a whole (deadline, runner offline)
 * fails the step it was on. Other kinds of job look like missing ones.
 */
export async function readAccessCheck(opts: { db: DbOrTx; actor: Actor; checkId: string }): Promise<AccessCheckStatus> {
  assertRole(opts.actor, "admin", "support");
  const job = await readJob({ db: opts.db, orgId: opts.actor.orgId, jobId: opts.checkId });
  if (!job || job.kind !== "access.check") throw new AppError("not_found");
  const done = job.status !== "pending" && job.status !== "running";
  const current = runnerAccessStepIds.indexOf((job.progress ?? "") as RunnerAccessStepId);
  const parsed = job.status === "succeeded" ? accessCheckResultSchema.safeParse(job.result) : null;
  let failed = false;
  const steps: AccessStepView[] = runnerAccessStepIds.map((id, i) => {
    if (parsed?.success) {
      const step = parsed.data.steps.find((s) => s.id === id);
      if (!step || failed) return { id, state: "skipped", code: null, note: null, durationMs: null };
      if (!step.ok) failed = true;
      const facts = [step.note, step.providerStatus ? `Provider answered HTTP ${step.providerStatus}` : null, step.providerError ? `(${step.providerError})` : null].filter(Boolean).join(" ");
      return { id, state: step.ok ? "passed" : "failed", code: step.ok ? null : (asCode(step.code) ?? "provider_error"), note: facts ? sanitizeText(facts) : null, durationMs: step.durationMs === undefined ? null : Math.round(step.durationMs) };
    }
    const at = Math.max(current, 0);
    if (!done) return { id, state: i < current ? "passed" : i === current ? "running" : "waiting", code: null, note: null, durationMs: null };
    if (i < at) return { id, state: "passed", code: null, note: null, durationMs: null };
    if (i === at) return { id, state: "failed", code: asCode(job.errorCode) ?? "internal_error", note: job.errorMessage ? sanitizeText(job.errorMessage) : null, durationMs: null };
    return { id, state: "skipped", code: null, note: null, durationMs: null };
  });
  return { checkId: job.id, done, steps, errorCode: job.status === "succeeded" ? null : asCode(job.errorCode) };
}
