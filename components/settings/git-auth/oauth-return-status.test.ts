// @vitest-environment happy-dom
import { render, screen, waitFor } from "@testing-library/react";
import { createElement } from "react";
import { describe, expect, it } from "vitest";
import { describeCode } from "@/lib/errors/catalogue";
import { inApp, ManualIntervals, recordingRouter, ScriptedServer, untilIdle, serveScripted } from "@/components/query/test-kit";
import { CONNECTION_JOB_POLL_MS, type ConnectionJob } from "./use-connection-job";
import { OAuthReturnStatus, returnErrorMessage } from "./oauth-return-status";

const intervals = new ManualIntervals().install();
const server = new ScriptedServer();
const WAIT = { timeout: 10_000 };

const job = (patch: Partial<ConnectionJob>): ConnectionJob => ({ id: "job-1", kind: "oauth.exchange", status: "running", progress: null, error: null, finishedAt: null, ...patch });

function show(jobId: string, connected: string[]) {
  const { router } = recordingRouter();
  return render(inApp(router, createElement(OAuthReturnStatus, { jobId, error: null, host: "gitlab.example.com", onConnected: () => connected.push(jobId) })));
}

serveScripted(server);

describe("OAuthReturnStatus", () => {
  it("shows progress while the runner exchanges the authorization, then 'connected', and stops asking", async () => {
    server.answer("/api/git-auth/jobs/job-1", { status: 200, body: job({ status: "pending" }) }, { status: 200, body: job({ status: "succeeded", finishedAt: "2026-01-01T00:00:00.000Z" }) });
    const connected: string[] = [];
    show("job-1", connected);

    expect(await screen.findByText("Exchanging the authorization with the runner for gitlab.example.com…", undefined, WAIT)).toBeTruthy();
    await waitFor(() => expect(server.count("/api/git-auth/jobs/job-1")).toBe(1), WAIT);
    expect(intervals.scheduled()).toEqual([CONNECTION_JOB_POLL_MS]);

    // The page reads the same before and after the first answer: wait for it to land, or the tick
    // joins the request still in flight and the second answer is never asked for.
    await untilIdle();
    intervals.tick();
    expect(await screen.findByText("Connected to gitlab.example.com.", undefined, WAIT)).toBeTruthy();
    expect(screen.getByTestId("oauth-return-status").dataset.state).toBe("connected");
    expect(connected).toEqual(["job-1"]);
    // A finished job is not asked about again.
    expect(intervals.scheduled()).toEqual([]);
    expect(server.count("/api/git-auth/jobs/job-1")).toBe(2);
  });

  it("shows the job's own error when the exchange fails", async () => {
    const error = { code: "redirect_uri_mismatch", title: "t", explanation: "e", remedy: "r" };
    server.answer("/api/git-auth/jobs/job-2", { status: 200, body: job({ id: "job-2", status: "failed", error }) });
    const connected: string[] = [];
    show("job-2", connected);

    await waitFor(() => expect(screen.getByTestId("oauth-return-status").dataset.state).toBe("failed"), WAIT);
    expect(screen.getByRole("alert").textContent).toContain("redirect_uri_mismatch");
    expect(connected).toEqual([]);
    expect(intervals.scheduled()).toEqual([]);
  });

  it("says it could not follow the connection when the status request is refused, without asking again", async () => {
    server.answer("/api/git-auth/jobs/job-3", { status: 404, body: { error: { code: "not_found" } } });
    show("job-3", []);

    expect(await screen.findByText("Could not follow the connection's progress", { exact: false }, WAIT)).toBeTruthy();
    // A 404 will not change by asking: no retry, no polling.
    expect(server.count("/api/git-auth/jobs/job-3")).toBe(1);
    expect(intervals.scheduled()).toEqual([]);
  });

  it("asks again after an answer that may pass (a server error) before showing anything wrong", async () => {
    server.answer("/api/git-auth/jobs/job-4", { status: 503, body: { error: { code: "service_unavailable" } } }, { status: 200, body: job({ id: "job-4", status: "running" }) });
    show("job-4", []);

    await waitFor(() => expect(server.count("/api/git-auth/jobs/job-4")).toBe(2), WAIT);
    expect(await screen.findByText("Exchanging the authorization with the runner for gitlab.example.com…", undefined, WAIT)).toBeTruthy();
    expect(screen.queryByRole("alert")).toBeNull();
  });
});

describe("OAuthReturnStatus after the provider refused", () => {
  // Regression: "Authorization declined" did not say at which host.
  it("names the host the person declined at, and that nothing was connected", async () => {
    const { router } = recordingRouter();
    render(inApp(router, createElement(OAuthReturnStatus, { jobId: null, error: describeCode("oauth_access_denied"), host: "github.com", onConnected: () => {} })));
    const alert = await screen.findByRole("alert", undefined, WAIT);
    expect(alert.textContent).toContain("Authorization declined at github.com: you did not grant access, so nothing was connected.");
    expect(alert.dataset.errorCode).toBe("oauth_access_denied");
  });

  it("names the host for the provider's other errors too", () => {
    expect(returnErrorMessage("redirect_uri_mismatch", "gitlab.example.com")).toBe("Connecting to gitlab.example.com did not finish; nothing was connected.");
    expect(returnErrorMessage("oauth_access_denied", null)).toBeUndefined();
  });
});
