// @vitest-environment happy-dom
import { renderHook, waitFor } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { LiveQueryProvider } from "@/components/query/live-query-provider";
import { ManualIntervals, ScriptedServer, serveScripted } from "@/components/query/test-kit";
import { AppError, errorBody } from "@/lib/errors/app-error";
import type { JobStatusView } from "@/lib/integrations/read-job-status";
import type { CheckOutcome } from "@/lib/integrations/test-outcome";
import { JOB_POLL_MS, useJobStatus } from "./use-job-status";

const intervals = new ManualIntervals().install();
const server = new ScriptedServer();
const WAIT = { timeout: 10_000 };

const check = (id: CheckOutcome["id"]): CheckOutcome => ({ id, ok: true, code: null, field: null, durationMs: 5 });
const view = (patch: Partial<JobStatusView>): JobStatusView => ({ jobId: "t-1", kind: "integration.test", status: "running", stage: "reachable", done: false, ok: null, checks: [], errorCode: null, fieldErrors: null, ...patch });

serveScripted(server);

describe("useJobStatus (Save & Test progress)", () => {
  it("follows each check while the job runs and stops once it is done", async () => {
    server.answer(
      "/api/jobs/t-1",
      { status: 200, body: view({ stage: "reachable" }) },
      { status: 200, body: view({ stage: "api", checks: [check("reachable")] }) },
      { status: 200, body: view({ status: "succeeded", stage: null, done: true, ok: true, checks: [check("reachable"), check("api")] }) },
    );
    const { result } = renderHook(() => useJobStatus("t-1"), { wrapper: LiveQueryProvider });

    await waitFor(() => expect(result.current.data?.stage).toBe("reachable"), WAIT);
    expect(intervals.scheduled()).toEqual([JOB_POLL_MS]);
    intervals.tick();
    await waitFor(() => expect(result.current.data?.stage).toBe("api"), WAIT);
    intervals.tick();
    await waitFor(() => expect(result.current.data?.done).toBe(true), WAIT);
    expect(result.current.data?.ok).toBe(true);
    expect(intervals.scheduled()).toEqual([]);
    expect(server.count("/api/jobs/t-1")).toBe(3);
  });

  it("gives the catalogue code of a refused request and stops", async () => {
    server.answer("/api/jobs/t-2", { status: 403, body: errorBody(new AppError("forbidden")) });
    const { result } = renderHook(() => useJobStatus("t-2"), { wrapper: LiveQueryProvider });

    await waitFor(() => expect(result.current.error?.code).toBe("forbidden"), WAIT);
    expect(intervals.scheduled()).toEqual([]);
    expect(server.count("/api/jobs/t-2")).toBe(1);
  });

  it("asks nothing without a job", () => {
    const { result } = renderHook(() => useJobStatus(null), { wrapper: LiveQueryProvider });
    expect(result.current.data).toBeUndefined();
    expect(result.current.fetchStatus).toBe("idle");
    expect(intervals.scheduled()).toEqual([]);
  });
});
