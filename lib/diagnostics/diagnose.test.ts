import { describe, expect, it } from "vitest";
import type { ScmEvent } from "@/db/schema";
import { diagnose } from "./diagnose";

let n = 0;
function event(over: Partial<ScmEvent>): ScmEvent {
  n += 1;
  return {
    id: `00000000-0000-4000-8000-${String(n).padStart(12, "0")}`,
    orgId: "o",
    at: new Date(1_700_000_000_000 + n * 1000),
    actorType: "system",
    actorId: null,
    runnerId: null,
    integrationId: null,
    userId: null,
    host: "github.com",
    provider: "github",
    operation: "pat.validate",
    stage: "request",
    outcome: "succeeded",
    errorCode: null,
    durationMs: null,
    correlationId: "c",
    jobId: null,
    environmentId: null,
    detail: {},
    ...over,
  };
}

const queued = () => event({ stage: "queued", outcome: "started", actorType: "user" });
const validating = () => event({ stage: "validating", outcome: "started", actorType: "runner" });
const cancelled = (code: string, cause: string) => event({ stage: "deadline", outcome: "cancelled", errorCode: code, detail: { cause, lastStage: cause === "never_picked_up" ? null : "validating" } });
const request = (code: string) => event({ stage: "request", outcome: "failed", errorCode: code, actorType: "user" });

describe("diagnose", () => {
  it("says an operation succeeded, or where it is while in progress", () => {
    expect(diagnose([queued(), event({ stage: "runner", outcome: "succeeded" }), event({ stage: "request" })])).toMatchObject({ state: "succeeded", code: null });
    expect(diagnose([queued(), validating()])).toMatchObject({ state: "in_progress", summary: "In progress: Validating the token at the provider." });
  });

  it("tells why an operation was cancelled: no runner, a runner that went away, or the provider's deadline", () => {
    expect(diagnose([queued(), cancelled("runner_offline", "never_picked_up"), request("runner_offline")])).toMatchObject({ code: "runner_offline", cause: "runner_offline" });
    expect(diagnose([queued(), validating(), cancelled("operation_aborted", "deadline"), request("operation_aborted")])).toMatchObject({ code: "operation_aborted", stage: "validating", cause: "runner_gone" });
    const late = event({ stage: "late_report", outcome: "failed", errorCode: "operation_aborted", actorType: "runner", detail: { message: "The runner stopped at the job's deadline: the provider did not answer in time." } });
    expect(diagnose([queued(), validating(), cancelled("operation_aborted", "deadline"), request("operation_aborted"), late])).toMatchObject({ cause: "provider_timeout", stage: "validating", runnerMessage: expect.stringContaining("did not answer") });
    const stopped = event({ stage: "validating", outcome: "failed", errorCode: "operation_aborted", actorType: "runner", detail: { message: "The runner was stopped while working on this job." } });
    expect(diagnose([queued(), validating(), stopped, request("operation_aborted")])).toMatchObject({ cause: "runner_stopped" });
    const lease = event({ stage: "lease", outcome: "failed", errorCode: "operation_aborted", detail: { cause: "runner_gone", lastStage: "api" } });
    expect(diagnose([queued(), lease])).toMatchObject({ cause: "runner_gone", stage: "api" });
  });

  it("reports the provider's status and the runner's words for other failures", () => {
    const failed = event({ stage: "validating", outcome: "failed", errorCode: "pat_invalid", actorType: "runner", detail: { providerStatus: 401, providerError: "Bad credentials", message: "GitHub did not accept this token." } });
    expect(diagnose([queued(), validating(), failed, request("pat_invalid")])).toMatchObject({
      state: "failed",
      code: "pat_invalid",
      stage: "validating",
      cause: null,
      providerStatus: 401,
      providerError: "Bad credentials",
      runnerMessage: "GitHub did not accept this token.",
      summary: expect.stringContaining("HTTP 401"),
    });
  });
});
