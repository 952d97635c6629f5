// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen, waitFor } from "@testing-library/react";
import { createElement } from "react";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { getQueryClient } from "@/components/query/client";
import { queryKeys } from "@/components/query/keys";
import { inApp, ManualIntervals, recordingRouter, resetLiveQueries, ScriptedServer, untilIdle } from "@/components/query/test-kit";
import type { ConnectionJob } from "@/components/settings/git-auth/use-connection-job";
import { generateKeyPair } from "@/lib/crypto/sealed-box";
import type { AuthorizationTarget } from "@/lib/environments/authorization-target";
import { ReconnectPanel } from "./reconnect-panel";
import type { EnvironmentSnapshot } from "./use-environment-state";

// The server actions are the prompt's network edge (a POST to the plane): each test says what they answer.
const actions = vi.hoisted(() => ({ connectPatAction: vi.fn(), startOAuthAction: vi.fn() }));
vi.mock("@/app/(settings)/settings/git-authentications/actions", () => actions);

const intervals = new ManualIntervals().install();
const server = new ScriptedServer();
const WAIT = { timeout: 10_000 };
const ENV_ID = "env-1";
let publicKey: string;

const target = (): AuthorizationTarget => ({
  integrationId: "int-1",
  runnerId: "runner-1",
  runnerName: "build-01",
  runnerPublicKey: publicKey,
  host: "github.com",
  baseUrl: "https://github.com",
  issuerUrl: null,
  virtualDirectory: null,
  provider: "github",
  providerName: "GitHub",
  oauthEnabled: true,
  patEnabled: true,
  patScopes: null,
});
const exchange = (patch: Partial<ConnectionJob>): ConnectionJob => ({ id: "job-1", kind: "oauth.exchange", status: "running", progress: null, error: null, finishedAt: null, ...patch });

/** What the page followed of the environment earlier in the tab (it was being created). */
const cachedState = queryKeys.environments.leaving(ENV_ID, "creating");
function seedCachedState() {
  const earlier: EnvironmentSnapshot = { id: ENV_ID, status: "needs_reconnect", progress: null, errorCode: null };
  getQueryClient().setQueryData(cachedState, earlier);
  expect(getQueryClient().getQueryState(cachedState)?.isInvalidated).toBe(false);
}

function panel(opts: { show: boolean; jobId?: string | null }) {
  const { router, calls } = recordingRouter();
  render(
    inApp(
      router,
      createElement(ReconnectPanel, { environmentId: ENV_ID, target: target(), show: opts.show, userId: "user-1", repository: "acme/app", returning: { jobId: opts.jobId ?? null, error: null, host: opts.jobId ? "github.com" : null } }),
    ),
  );
  return calls;
}

beforeAll(async () => {
  publicKey = (await generateKeyPair()).publicKey;
  await server.start();
});
afterAll(() => server.close());
beforeEach(() => actions.connectPatAction.mockReset());
afterEach(() => {
  cleanup();
  resetLiveQueries();
  server.reset();
});

describe("ReconnectPanel", () => {
  it("after OAuth brings the owner back: follows the exchange, then marks the environment's live state stale and reloads the page", async () => {
    server.answer("/api/git-auth/jobs/job-1", { status: 200, body: exchange({}) }, { status: 200, body: exchange({ status: "succeeded", finishedAt: "2026-03-01T10:00:00.000Z" }) });
    seedCachedState();
    const calls = panel({ show: false, jobId: "job-1" });

    expect(await screen.findByText("Exchanging the authorization with the runner for github.com…", undefined, WAIT)).toBeTruthy();
    await waitFor(() => expect(server.count("/api/git-auth/jobs/job-1")).toBe(1), WAIT);
    await untilIdle();
    expect(calls).toEqual([]);

    intervals.tick();
    expect(await screen.findByText("Connected to github.com.", undefined, WAIT)).toBeTruthy();
    expect(calls).toEqual(["refresh"]);
    // The query client is imported on demand (no react-query on the page's first load): the invalidation lands once it has.
    await waitFor(() => expect(getQueryClient().getQueryState(cachedState)?.isInvalidated).toBe(true), WAIT);
  });

  it("reconnects with a token from the prompt, then marks the environment's live state stale and reloads the page", async () => {
    actions.connectPatAction.mockResolvedValue({ ok: true, data: { login: "octocat", scopes: ["repo"] } });
    seedCachedState();
    const calls = panel({ show: true });

    expect(await screen.findByRole("heading", { name: "Reconnect your GitHub account for github.com" }, WAIT)).toBeTruthy();
    fireEvent.change(screen.getByTestId("pat-token"), { target: { value: "ghp_reconnectToken0123456789" } });
    fireEvent.click(screen.getByRole("button", { name: "Reconnect" }));

    await waitFor(() => expect(calls).toEqual(["refresh"]), WAIT);
    expect((actions.connectPatAction.mock.calls[0] as [null, { repository?: string }])[1].repository).toBe("acme/app");
    // The query client is imported on demand (no react-query on the page's first load): the invalidation lands once it has.
    await waitFor(() => expect(getQueryClient().getQueryState(cachedState)?.isInvalidated).toBe(true), WAIT);
    // Nothing to follow: the token was checked by the action itself.
    expect(server.requests).toEqual([]);
  });

  it("shows nothing to someone who need not reconnect, and follows nothing", () => {
    panel({ show: false });
    expect(screen.queryByTestId("authorization-prompt")).toBeNull();
    expect(screen.queryByTestId("oauth-return-status")).toBeNull();
    expect(intervals.scheduled()).toEqual([]);
    expect(server.requests).toEqual([]);
  });
});
