import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { startSandbox, type OAuthAppDto, type Sandbox } from "@/sandbox";
import { githubClient } from "./github/client";
import { gitlabClient } from "./gitlab/client";
import { withFreshCredential } from "./refresh-coordinator";
import { authorizeCode, CALLBACK, expectProviderError, noDeadline, sandboxEndpoints } from "./test-support/sandbox";
import type { ProviderClient } from "./types";

type Stored = { accessToken: string; refreshToken: string | null; expiresAt: string | null; generation: number };

let sandbox: Sandbox;
const apps: Record<"github" | "gitlab", OAuthAppDto> = {} as never;
const clients = { github: githubClient, gitlab: gitlabClient } satisfies Record<string, ProviderClient>;

beforeAll(async () => {
  sandbox = await startSandbox({ autoApprove: true, validateGithub: false });
  await sandbox.admin.createUser({ provider: "github", login: "octocat" });
  await sandbox.admin.createUser({ provider: "gitlab", login: "gitlab-user" });
  apps.github = await sandbox.admin.registerOAuthApp({ provider: "github", callbackUrls: [CALLBACK], expiringTokens: true });
  apps.gitlab = await sandbox.admin.registerOAuthApp({ provider: "gitlab", callbackUrls: [CALLBACK] });
});

afterEach(async () => {
  await sandbox.admin.clearFaults();
});

afterAll(async () => {
  await sandbox?.close();
});

/** A connected credential held the way the runner holds one: in memory, with a load, refresh and save. */
async function credential(provider: "github" | "gitlab") {
  const app = apps[provider];
  const endpoints = sandboxEndpoints(sandbox, provider);
  const client = clients[provider];
  const { code, verifier } = await authorizeCode(endpoints, { client_id: app.clientId, scope: "api read_user" });
  const tokens = await client.exchangeCode({ endpoints, clientId: app.clientId, clientSecret: app.clientSecret, code, verifier, redirectUri: CALLBACK, signal: noDeadline() });
  // Stored as about to expire, so the next use must refresh.
  const store = { current: { ...tokens, expiresAt: new Date(Date.now() + 60_000).toISOString(), generation: 1 } as Stored, saves: [] as Stored[] };
  const load = async () => store.current;
  const refresh = async (current: Stored): Promise<Stored> => {
    const next = await client.refreshToken({ endpoints, clientId: app.clientId, clientSecret: app.clientSecret, refreshToken: current.refreshToken!, signal: noDeadline() });
    return { ...next, generation: current.generation + 1 };
  };
  const save = async (next: Stored) => {
    store.saves.push(next);
    store.current = next;
  };
  return { store, load, refresh, save, endpoints, client, first: tokens };
}

const refreshCount = (provider: "github" | "gitlab") => sandbox.admin.tokenEndpointCounters()[provider].refresh_token;

describe.each(["gitlab", "github"] as const)("withFreshCredential against %s", (provider) => {
  it("N=10 simultaneous uses of an expiring credential → exactly one refresh at the provider, saved before use", async () => {
    const c = await credential(provider);
    const markNeedsReauth = vi.fn(async () => {});
    const before = refreshCount(provider);
    const id = `${provider}-concurrent`;
    const results = await Promise.all(Array.from({ length: 10 }, () => withFreshCredential(id, c.load, c.refresh, c.save, { markNeedsReauth })));
    expect(refreshCount(provider) - before).toBe(1);
    expect(c.store.saves).toHaveLength(1);
    expect(new Set(results.map((r) => r.accessToken))).toEqual(new Set([c.store.current.accessToken]));
    expect(c.store.current.generation).toBe(2);
    expect(markNeedsReauth).not.toHaveBeenCalled();
    const identity = await c.client.identify({ endpoints: c.endpoints, token: results[0]!.accessToken, source: "oauth", signal: noDeadline() });
    expect(identity.login).toBeTruthy();
    // The rotated-away refresh token is dead at the provider; the fresh credential needs no refresh.
    await expectProviderError(
      c.client.refreshToken({ endpoints: c.endpoints, clientId: apps[provider].clientId, clientSecret: apps[provider].clientSecret, refreshToken: c.first.refreshToken!, signal: noDeadline() }),
      "credential_needs_reauth",
    );
    const after = refreshCount(provider);
    await withFreshCredential(id, c.load, c.refresh, c.save, { markNeedsReauth });
    expect(refreshCount(provider)).toBe(after);
  });
});

describe("withFreshCredential failures against GitLab", () => {
  it("a revoked authorization marks the credential once and is not retried in a loop", async () => {
    const c = await credential("gitlab");
    await sandbox.admin.revokeToken({ value: c.store.current.accessToken, grant: true });
    const markNeedsReauth = vi.fn(async () => {});
    const before = refreshCount("gitlab");
    const outcomes = await Promise.allSettled(Array.from({ length: 10 }, () => withFreshCredential("gitlab-revoked", c.load, c.refresh, c.save, { markNeedsReauth })));
    expect(outcomes.every((o) => o.status === "rejected" && (o.reason as { code?: string }).code === "credential_needs_reauth")).toBe(true);
    expect(markNeedsReauth).toHaveBeenCalledTimes(1);
    expect(refreshCount("gitlab") - before).toBe(1);
    // Later uses fail at once, without asking the provider or marking again.
    await expectProviderError(withFreshCredential("gitlab-revoked", c.load, c.refresh, c.save, { markNeedsReauth }), "credential_needs_reauth");
    expect(refreshCount("gitlab") - before).toBe(1);
    expect(markNeedsReauth).toHaveBeenCalledTimes(1);
    expect(c.store.saves).toHaveLength(0);
  });

  it("retries transient token-endpoint failures with backoff, then saves the refreshed credential", async () => {
    const c = await credential("gitlab");
    await sandbox.admin.addFault({ provider: "gitlab", path: "/oauth/token", kind: "status", status: 503, count: 2 });
    const since = Date.now();
    const fresh = await withFreshCredential("gitlab-transient", c.load, c.refresh, c.save, { markNeedsReauth: async () => {}, backoffMs: () => 20 });
    const attempts = sandbox.admin.requests({ provider: "gitlab", since }).filter((r) => r.path === "/oauth/token");
    expect(attempts.map((r) => r.status)).toEqual([503, 503, 200]);
    expect(fresh.generation).toBe(2);
    expect(c.store.saves).toHaveLength(1);
  });

  it("gives up after three transient failures with a retryable error, leaving the credential unmarked", async () => {
    const c = await credential("gitlab");
    await sandbox.admin.addFault({ provider: "gitlab", path: "/oauth/token", kind: "status", status: 502, count: 3 });
    const markNeedsReauth = vi.fn(async () => {});
    const error = await expectProviderError(withFreshCredential("gitlab-down", c.load, c.refresh, c.save, { markNeedsReauth, backoffMs: () => 20 }), "provider_error");
    expect(error.retryable).toBe(true);
    expect(markNeedsReauth).not.toHaveBeenCalled();
    // The refresh token was never spent, so the next use succeeds.
    expect((await withFreshCredential("gitlab-down", c.load, c.refresh, c.save, { markNeedsReauth })).generation).toBe(2);
  });
});
