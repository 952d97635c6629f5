import type { ScmEvent } from "@/db/schema";
import { isErrorCode, type ErrorCode } from "../errors/catalogue";
import { stageLabel } from "./operations";

/**
 * Why an operation was cut off: `runner_offline` (no runner picked it up), `provider_timeout` (the
 * runner was working and stopped the provider call at the deadline), `runner_stopped` (the runner
 * was shut down mid-operation), `runner_gone` (the runner picked it up and was never heard from
 * again: it died or lost its connection).
 */
export type AbortCause = "runner_offline" | "provider_timeout" | "runner_stopped" | "runner_gone";

export type Diagnosis = {
  state: "succeeded" | "failed" | "in_progress";
  code: ErrorCode | null;
  /** The stage the operation was at when it failed or was cut off. */
  stage: string | null;
  cause: AbortCause | null;
  /** One or two sentences for support: what happened, where, and why. */
  summary: string;
  /** The runner's own words about the failure (user-safe, redacted). */
  runnerMessage: string | null;
  providerStatus: number | null;
  providerError: string | null;
};

type Detail = Record<string, unknown>;
const detailOf = (e: ScmEvent): Detail => (e.detail && typeof e.detail === "object" ? (e.detail as Detail) : {});
const text = (v: unknown) => (typeof v === "string" && v ? v : null);
const failedOutcome = (e: ScmEvent) => e.outcome === "failed" || e.outcome === "cancelled" || e.outcome === "refused";

function causeSentence(cause: AbortCause, stage: string | null): string {
  const at = stage ? ` at the stage "${stageLabel(stage)}"` : "";
  switch (cause) {
    case "runner_offline":
      return "No runner picked the job up before its deadline: the runner is offline, or cannot reach this server.";
    case "provider_timeout":
      return `The runner was working on it${at} when the deadline passed, and cancelled the provider call: the provider did not answer in time.`;
    case "runner_stopped":
      return `The runner was stopped while working on it${at}.`;
    case "runner_gone":
      return `The runner picked it up and was working on it${at}, then stopped answering before the deadline: it went away mid-operation or lost its connection to this server.`;
  }
}

/**
 * Reads one operation's timeline (events in time order) and says how it ended and why. For a
 * cancelled operation ("Failed to create provider - Aborted: operation cancelled", `runner_offline`)
 * it tells the deadline from a runner that went away: a runner that reported anything about the
 * job (its own abort, or a late answer after the plane gave up) was alive; one that never did was not.
 */
export function diagnose(events: ScmEvent[]): Diagnosis {
  const failures = events.filter((e) => failedOutcome(e) && e.errorCode);
  const last = events.at(-1);
  const lastFailure = failures.at(-1);
  const succeeded = events.some((e) => e.outcome === "succeeded" && (e.stage === "request" || e.stage === "runner")) && !failures.some((f) => f.stage === "request");
  const empty = { code: null, stage: null, cause: null, runnerMessage: null, providerStatus: null, providerError: null };
  if (!lastFailure) {
    if (succeeded) return { state: "succeeded", ...empty, summary: "The operation succeeded." };
    return { state: "in_progress", ...empty, summary: last ? `In progress: ${stageLabel(last.stage)}.` : "Nothing recorded." };
  }
  // The code the person saw (the request stage), else the last one recorded.
  const seen = failures.find((f) => f.stage === "request") ?? lastFailure;
  const code = isErrorCode(seen.errorCode) ? seen.errorCode : "provider_error";
  const cancel = events.find((e) => (e.stage === "deadline" || e.stage === "lease") && failedOutcome(e));
  const runnerReports = failures.filter((e) => e.actorType === "runner");
  const report = runnerReports.at(-1) ?? null;
  const reportDetail = report ? detailOf(report) : {};
  const stageFromRunner = report && !["runner", "late_report", "request"].includes(report.stage) ? report.stage : null;
  const stage = text(cancel ? detailOf(cancel).lastStage : null) ?? stageFromRunner ?? (seen.stage === "request" ? null : seen.stage);
  const providerStatus = typeof reportDetail.providerStatus === "number" ? reportDetail.providerStatus : null;
  const base = { code, stage, runnerMessage: text(reportDetail.message), providerStatus, providerError: text(reportDetail.providerError) };

  let cause: AbortCause | null = null;
  if (code === "operation_aborted" || code === "runner_offline") {
    const cancelCause = cancel ? text(detailOf(cancel).cause) : null;
    const abortReport = runnerReports.find((e) => e.errorCode === "operation_aborted");
    if (cancelCause === "never_picked_up" || (code === "runner_offline" && !report)) cause = "runner_offline";
    else if (abortReport && /stopped while|was stopped/i.test(text(detailOf(abortReport).message) ?? "")) cause = "runner_stopped";
    else if (cancelCause === "runner_gone") cause = "runner_gone";
    else if (abortReport || runnerReports.length > 0) cause = "provider_timeout";
    else cause = "runner_gone";
  }
  const where = stage ? ` at the stage "${stageLabel(stage)}"` : "";
  const summary = cause ? causeSentence(cause, stage) : `Failed${where} with ${code}${providerStatus ? ` (the provider answered HTTP ${providerStatus})` : ""}.`;
  return { state: "failed", ...base, cause, summary };
}
