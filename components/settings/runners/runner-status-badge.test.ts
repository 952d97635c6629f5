// @vitest-environment happy-dom
import { render, screen, waitFor } from "@testing-library/react";
import { createElement } from "react";
import { describe, expect, it } from "vitest";
import { getQueryClient } from "@/components/query/client";
import { invalidateLive } from "@/components/query/invalidate";
import { queryKeys } from "@/components/query/keys";
import { inApp, ManualIntervals, recordingRouter, ScriptedServer, serveScripted } from "@/components/query/test-kit";
import type { LiveRunner } from "./live-runner";
import { RunnerStatusBadge } from "./runner-status-badge";
import { ShownRunnersProvider } from "./shown-runners";
import { RUNNER_STATUS_POLL_MS } from "./use-runner-status";

const intervals = new ManualIntervals().install();
const server = new ScriptedServer();
const WAIT = { timeout: 10_000 };
const RENDERED_AT = "2026-03-01T10:00:00.000Z";
const LATER = "2026-03-01T10:00:10.000Z";

const runner = (id: string, patch: Partial<LiveRunner> = {}): LiveRunner => ({ id, status: "offline", lastSeenAt: "2026-03-01T09:00:00.000Z", version: "1.0.0", keyId: "k1", fingerprint: "fp", ...patch });
const statusOf = (id: string) => document.querySelector(`[data-testid="badge-${id}"] [data-runner-status]`)?.getAttribute("data-runner-status");

function badge(r: LiveRunner) {
  return createElement("span", { key: r.id, "data-testid": `badge-${r.id}` }, createElement(RunnerStatusBadge, { initial: r, renderedAt: RENDERED_AT }));
}

serveScripted(server);

describe("RunnerStatusBadge", () => {
  it("starts from what the server rendered without asking again at once, then follows the runner every interval", async () => {
    server.answer("/api/runners/status", { status: 200, body: { now: LATER, runners: [runner("r-1", { status: "online", lastSeenAt: LATER })] } });
    const { router } = recordingRouter();
    render(inApp(router, badge(runner("r-1"))));

    expect(statusOf("r-1")).toBe("offline");
    // The live part arrives after the first render (a chunk of its own) and asks nothing at once.
    await waitFor(() => expect(intervals.scheduled()).toEqual([RUNNER_STATUS_POLL_MS]), WAIT);
    expect(getQueryClient().isFetching()).toBe(0);
    expect(server.requests).toEqual([]);

    intervals.tick();
    await waitFor(() => expect(statusOf("r-1")).toBe("online"), WAIT);
    expect(screen.getByText("Online")).toBeTruthy();
    expect(server.requests).toEqual(["/api/runners/status?ids=r-1"]);
  });

  it("shows the runner's state at once when Save & Test invalidates it, not at the next poll", async () => {
    server.answer("/api/runners/status", { status: 200, body: { now: LATER, runners: [runner("r-2", { status: "online", lastSeenAt: LATER })] } });
    const { router } = recordingRouter();
    render(inApp(router, badge(runner("r-2"))));
    expect(statusOf("r-2")).toBe("offline");
    await waitFor(() => expect(intervals.scheduled()).toEqual([RUNNER_STATUS_POLL_MS]), WAIT);

    await invalidateLive(queryKeys.runners.status("r-2"));
    await waitFor(() => expect(statusOf("r-2")).toBe("online"), WAIT);
  });

  it("refreshes the page when the runner re-keys", async () => {
    server.answer("/api/runners/status", { status: 200, body: { now: LATER, runners: [runner("r-3", { status: "online", keyId: "k2" })] } });
    const { router, calls } = recordingRouter();
    render(inApp(router, badge(runner("r-3"))));
    await waitFor(() => expect(intervals.scheduled()).toEqual([RUNNER_STATUS_POLL_MS]), WAIT);

    intervals.tick();
    await waitFor(() => expect(calls).toEqual(["refresh"]), WAIT);
  });

  it("stops following after a refused request", async () => {
    server.answer("/api/runners/status", { status: 403, body: { error: { code: "forbidden" } } });
    const { router } = recordingRouter();
    render(inApp(router, badge(runner("r-4"))));
    await waitFor(() => expect(intervals.scheduled()).toEqual([RUNNER_STATUS_POLL_MS]), WAIT);

    intervals.tick();
    await waitFor(() => expect(intervals.scheduled()).toEqual([]), WAIT);
    expect(statusOf("r-4")).toBe("offline");
    expect(server.requests).toHaveLength(1);
  });
});

describe("ShownRunnersProvider", () => {
  it("asks about every runner it shows in one request, shared by their badges", async () => {
    server.answer("/api/runners/status", {
      status: 200,
      body: { now: LATER, runners: [runner("a", { status: "online" }), runner("b", { status: "unregistered", lastSeenAt: null })] },
    });
    const { router } = recordingRouter();
    render(inApp(router, createElement(ShownRunnersProvider, { ids: ["a", "b"] }, badge(runner("a")), badge(runner("b")))));

    // One interval for the page, none for the badges.
    await waitFor(() => expect(intervals.scheduled()).toEqual([RUNNER_STATUS_POLL_MS]), WAIT);
    intervals.tick();
    await waitFor(() => expect([statusOf("a"), statusOf("b")]).toEqual(["online", "unregistered"]), WAIT);
    expect(server.requests).toEqual([`/api/runners/status?${new URLSearchParams({ ids: "a,b" })}`]);
  });
});
