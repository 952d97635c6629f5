// @vitest-environment happy-dom
import { render, screen, waitFor } from "@testing-library/react";
import { createElement } from "react";
import { describe, expect, it } from "vitest";
import { getQueryClient } from "@/components/query/client";
import { inApp, ManualIntervals, recordingRouter, ScriptedServer, untilIdle, serveScripted } from "@/components/query/test-kit";
import { describeCode } from "@/lib/errors/catalogue";
import { GitAuthReturn } from "./git-auth-return";
import type { ReturnError } from "./oauth-return-status";
import { CONNECTION_JOB_POLL_MS, type ConnectionJob } from "./use-connection-job";

const intervals = new ManualIntervals().install();
const server = new ScriptedServer();
const WAIT = { timeout: 10_000 };

const job = (patch: Partial<ConnectionJob>): ConnectionJob => ({ id: "job-1", kind: "oauth.exchange", status: "pending", progress: null, error: null, finishedAt: null, ...patch });

function page(props: { jobId: string | null; error: ReturnError | null; host: string | null }) {
  const { router, calls } = recordingRouter();
  const view = render(inApp(router, createElement(GitAuthReturn, props)));
  return { calls, view };
}

serveScripted(server);

describe("GitAuthReturn (Settings > Git Authentications after the provider)", () => {
  it("follows the OAuth exchange to 'connected', then reloads the rows once and stops asking", async () => {
    server.answer("/api/git-auth/jobs/job-1", { status: 200, body: job({ status: "running" }) }, { status: 200, body: job({ status: "succeeded", finishedAt: "2026-03-01T10:00:00.000Z" }) });
    window.history.replaceState(null, "", "/settings/git-authentications?integration=int-1&connecting=job-1");
    const { calls } = page({ jobId: "job-1", error: null, host: "github.com" });

    expect(await screen.findByText("Exchanging the authorization with the runner for github.com…", undefined, WAIT)).toBeTruthy();
    await waitFor(() => expect(server.count("/api/git-auth/jobs/job-1")).toBe(1), WAIT);
    await untilIdle();
    expect(intervals.scheduled()).toEqual([CONNECTION_JOB_POLL_MS]);
    expect(calls).toEqual([]);

    intervals.tick();
    expect(await screen.findByText("Connected to github.com.", undefined, WAIT)).toBeTruthy();
    expect(calls).toEqual(["refresh"]);
    // The callback's query is gone, so a reload does not follow the job again.
    expect(window.location.search).toBe("");
    expect(intervals.scheduled()).toEqual([]);
    expect(server.count("/api/git-auth/jobs/job-1")).toBe(2);
  });

  it("shows the provider's refusal with the host, and asks the runner nothing", async () => {
    const { calls } = page({ jobId: null, error: describeCode("oauth_access_denied"), host: "gitlab.example.com" });

    const alert = await screen.findByRole("alert", undefined, WAIT);
    expect(alert.textContent).toContain("Authorization declined at gitlab.example.com");
    expect(alert.textContent).toContain(describeCode("oauth_access_denied").entry.remedy);
    expect(server.requests).toEqual([]);
    expect(calls).toEqual([]);
  });

  it("shows nothing and follows nothing when the page was not opened by the provider's return", () => {
    const { view } = page({ jobId: null, error: null, host: null });
    expect(view.container.textContent).toBe("");
    expect(getQueryClient().isFetching()).toBe(0);
    expect(intervals.scheduled()).toEqual([]);
  });
});
