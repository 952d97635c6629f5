// @vitest-environment happy-dom
import { render, screen, waitFor, within } from "@testing-library/react";
import { createElement } from "react";
import { describe, expect, it } from "vitest";
import { getQueryClient } from "@/components/query/client";
import { invalidateLive } from "@/components/query/invalidate";
import { queryKeys } from "@/components/query/keys";
import { inApp, ManualIntervals, recordingRouter, ScriptedServer, untilIdle, serveScripted } from "@/components/query/test-kit";
import { CONNECTION_JOB_POLL_MS, type ConnectionJob } from "@/components/settings/git-auth/use-connection-job";
import type { EnvironmentState } from "@/lib/environments/environment-state";
import { describeCode } from "@/lib/errors/catalogue";
import type { StatusProps } from "./environment-status-view";
import { EnvironmentStatus } from "./environment-status";
import { ENVIRONMENT_POLL_MS, type EnvironmentSnapshot } from "./use-environment-state";

const intervals = new ManualIntervals().install();
const server = new ScriptedServer();
const WAIT = { timeout: 10_000 };

const cloneJob = (patch: Partial<ConnectionJob>): ConnectionJob => ({ id: "job-1", kind: "environment.create", status: "running", progress: null, error: null, finishedAt: null, ...patch });
const snapshot = (id: string, status: EnvironmentState): EnvironmentSnapshot => ({ id, status, progress: null, errorCode: null });

/** One row's status in the list, as the page renders it. */
function row(patch: Partial<StatusProps> & Pick<StatusProps, "environmentId" | "status">) {
  const { router, calls } = recordingRouter();
  render(inApp(router, createElement("div", { "data-testid": "row" }, createElement(EnvironmentStatus, { branch: null, progress: null, errorCode: null, entry: null, jobId: null, ...patch }))));
  return calls;
}
const announced = () => within(screen.getByTestId("row")).getByRole("status").textContent;

serveScripted(server);

describe("EnvironmentStatus (a row of the environments list)", () => {
  it("shows the clone's stage as the runner reports it, reloads the list once the clone ends, and stops asking", async () => {
    server.answer(
      "/api/git-auth/jobs/job-1",
      { status: 200, body: cloneJob({ progress: "receiving_objects: 45%" }) },
      { status: 200, body: cloneJob({ status: "succeeded", finishedAt: "2026-03-01T10:00:00.000Z" }) },
    );
    const calls = row({ environmentId: "env-1", status: "creating", progress: "queued", jobId: "job-1" });

    // The server's stage first, then the runner's.
    expect(announced()).toBe("Waiting for the runner…");
    await waitFor(() => expect(announced()).toBe("Receiving objects 45%…"), WAIT);
    expect(intervals.scheduled()).toEqual([CONNECTION_JOB_POLL_MS]);
    expect(calls).toEqual([]);

    intervals.tick();
    await waitFor(() => expect(calls).toEqual(["refresh"]), WAIT);
    expect(announced()).toBe("Finishing…");
    expect(intervals.scheduled()).toEqual([]);
    expect(server.count("/api/git-auth/jobs/job-1")).toBe(2);
  });

  it("shows the clone job's typed failure, as the status route described it", async () => {
    const { code, entry } = describeCode("repository_permission_denied");
    server.answer("/api/git-auth/jobs/job-2", { status: 200, body: cloneJob({ id: "job-2", status: "failed", error: { code, ...entry } }) });
    const calls = row({ environmentId: "env-2", status: "creating", jobId: "job-2" });

    expect(await screen.findByText(entry.title, undefined, WAIT)).toBeTruthy();
    expect(screen.getByText(entry.remedy)).toBeTruthy();
    expect(document.querySelector("[data-error-code]")?.getAttribute("data-error-code")).toBe(code);
    await waitFor(() => expect(calls).toEqual(["refresh"]), WAIT);
  });

  it("follows a row being deleted until it is gone, then reloads the list", async () => {
    server.answer("/api/environments/env-3", { status: 200, body: snapshot("env-3", "deleting") }, { status: 200, body: snapshot("env-3", "deleted") });
    const calls = row({ environmentId: "env-3", status: "deleting" });

    await waitFor(() => expect(server.count("/api/environments/env-3")).toBe(1), WAIT);
    await untilIdle();
    expect(announced()).toBe("Deleting…");
    expect(intervals.scheduled()).toEqual([ENVIRONMENT_POLL_MS]);

    intervals.tick();
    await waitFor(() => expect(announced()).toBe("Deleted"), WAIT);
    expect(calls).toEqual(["refresh"]);
    expect(intervals.scheduled()).toEqual([]);
  });

  it("asks again at once when a mutation invalidates the environment", async () => {
    server.answer("/api/environments/env-4", { status: 200, body: snapshot("env-4", "deleting") });
    const calls = row({ environmentId: "env-4", status: "deleting" });
    await waitFor(() => expect(server.count("/api/environments/env-4")).toBe(1), WAIT);
    await untilIdle();

    server.answer("/api/environments/env-4", { status: 404, body: { error: { code: "not_found", entry: describeCode("not_found").entry } } });
    await invalidateLive(queryKeys.environments.detail("env-4"));
    // Gone for this person (404): deleted, without waiting for the next interval.
    await waitFor(() => expect(calls).toEqual(["refresh"]), WAIT);
    expect(announced()).toBe("Deleted");
    expect(server.count("/api/environments/env-4")).toBe(2);
  });

  it("follows nothing for a settled row", () => {
    row({ environmentId: "env-5", status: "ready", branch: "main" });
    expect(screen.getByText("Ready")).toBeTruthy();
    expect(screen.getByText("main")).toBeTruthy();
    expect(getQueryClient().isFetching()).toBe(0);
    expect(intervals.scheduled()).toEqual([]);
    expect(server.requests).toEqual([]);
  });
});
