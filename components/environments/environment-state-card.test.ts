// @vitest-environment happy-dom
import { render, screen, waitFor } from "@testing-library/react";
import { createElement } from "react";
import { describe, expect, it } from "vitest";
import { getQueryClient } from "@/components/query/client";
import { invalidateLive } from "@/components/query/invalidate";
import { queryKeys } from "@/components/query/keys";
import { inApp, ManualIntervals, recordingRouter, ScriptedServer, serveScripted } from "@/components/query/test-kit";
import type { EnvironmentState } from "@/lib/environments/environment-state";
import { EnvironmentStateCard } from "./environment-state-card";
import { ENVIRONMENT_POLL_MS, type EnvironmentSnapshot } from "./use-environment-state";

const intervals = new ManualIntervals().install();
const server = new ScriptedServer();
const WAIT = { timeout: 10_000 };

const snapshot = (id: string, status: EnvironmentState, progress: string | null = null): EnvironmentSnapshot => ({ id, status, progress, errorCode: null });

function show(environmentId: string, status: EnvironmentState) {
  const { router, calls } = recordingRouter();
  render(inApp(router, createElement(EnvironmentStateCard, { environmentId, status, error: null, progress: null })));
  return calls;
}

serveScripted(server);

describe("EnvironmentStateCard", () => {
  it("shows the clone's progress while it is created, then reloads the page once it is ready and stops asking", async () => {
    server.answer("/api/environments/env-1", { status: 200, body: snapshot("env-1", "creating", "receiving_objects: 45%") }, { status: 200, body: snapshot("env-1", "ready") });
    const calls = show("env-1", "creating");
    // Shown before the live part has loaded, and the same heading after (focus moved to it stays).
    const heading = screen.getByRole("heading", { name: /Status/ });
    expect(screen.getByText("Creating…")).toBeTruthy();

    expect(await screen.findByText("Creating: receiving objects: 45%…", undefined, WAIT)).toBeTruthy();
    expect(screen.getByRole("heading", { name: /Status/ })).toBe(heading);
    expect(calls).toEqual([]);
    expect(intervals.scheduled()).toEqual([ENVIRONMENT_POLL_MS]);

    intervals.tick();
    await waitFor(() => expect(calls).toEqual(["refresh"]), WAIT);
    expect(screen.queryByText(/^Creating:/)).toBeNull();
    expect(intervals.scheduled()).toEqual([]);
    expect(server.count("/api/environments/env-1")).toBe(2);
  });

  it("takes the person back to the list once the environment is gone (404), without retrying", async () => {
    server.answer("/api/environments/env-2", { status: 404, body: { error: { code: "not_found" } } });
    const calls = show("env-2", "deleting");

    await waitFor(() => expect(calls).toEqual(["push /environments"]), WAIT);
    expect(await screen.findByText("Environment deleted", undefined, WAIT)).toBeTruthy();
    expect(server.count("/api/environments/env-2")).toBe(1);
    expect(intervals.scheduled()).toEqual([]);
  });

  it("asks again at once, not at its next interval, when a mutation invalidates the environment", async () => {
    server.answer("/api/environments/env-3", { status: 200, body: snapshot("env-3", "deleting") });
    const calls = show("env-3", "deleting");
    expect(await screen.findByText("Deleting…", undefined, WAIT)).toBeTruthy();
    await waitFor(() => expect(server.count("/api/environments/env-3")).toBe(1), WAIT);

    server.answer("/api/environments/env-3", { status: 200, body: snapshot("env-3", "deleted") });
    await invalidateLive(queryKeys.environments.detail("env-3"));

    await waitFor(() => expect(calls).toEqual(["push /environments"]), WAIT);
    expect(server.count("/api/environments/env-3")).toBe(2);
  });

  it("does not follow an environment that is neither being created nor deleted", async () => {
    server.answer("/api/environments/env-4", { status: 200, body: snapshot("env-4", "ready") });
    show("env-4", "ready");
    expect(screen.getByTestId("environment-state").dataset.status).toBe("ready");
    // Mounted with its effects run: a followed environment would be fetching by now.
    expect(getQueryClient().isFetching()).toBe(0);
    expect(intervals.scheduled()).toEqual([]);
  });
});
