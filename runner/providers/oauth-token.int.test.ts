import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startSandbox, type OAuthAppDto, type Sandbox } from "@/sandbox";
import { replaceResolver } from "../net/egress";
import { azureDevopsClient } from "./azure-devops/client";
import { bitbucketClient } from "./bitbucket/client";
import { githubClient } from "./github/client";
import { gitlabClient } from "./gitlab/client";
import { authorizeCode, CALLBACK, closedPortUrl, expectProviderError, movedTo, noDeadline, sandboxEndpoints } from "./test-support/sandbox";
import type { ClientEndpoints } from "./types";

/**
 * The token endpoint as oauth4webapi calls it, against the sandbox: each way oauth4webapi reports a
 * failure (an OAuth error body, GitHub's 200 with `error`, a WWW-Authenticate challenge, an answer
 * that is not a token answer), and the transport's own (timeouts, lost connections, the egress
 * policy), each mapped to the catalogue code the product words for people.
 */

const ENTRA_TOKEN = "/oauth2/v2.0/token$";
let sandbox: Sandbox;
const apps = {} as Record<"github" | "gitlab" | "bitbucket" | "azure", OAuthAppDto>;
const endpoints = {} as Record<"github" | "gitlab" | "bitbucket" | "azure", ClientEndpoints>;

beforeAll(async () => {
  sandbox = await startSandbox({ autoApprove: true });
  await sandbox.admin.createUser({ provider: "github", login: "octocat" });
  await sandbox.admin.createUser({ provider: "azure-devops", login: "ado-user", organizations: ["contoso"] });
  await sandbox.admin.createUser({ provider: "bitbucket", login: "bb-user" });
  apps.github = await sandbox.admin.registerOAuthApp({ provider: "github", callbackUrls: [CALLBACK] });
  apps.gitlab = await sandbox.admin.registerOAuthApp({ provider: "gitlab", callbackUrls: [CALLBACK] });
  apps.bitbucket = await sandbox.admin.registerOAuthApp({ provider: "bitbucket", callbackUrls: [CALLBACK], scopes: ["account", "repository:write"] });
  apps.azure = await sandbox.admin.registerOAuthApp({ provider: "azure-devops", callbackUrls: [CALLBACK] });
  endpoints.github = sandboxEndpoints(sandbox, "github");
  endpoints.gitlab = sandboxEndpoints(sandbox, "gitlab");
  endpoints.bitbucket = sandboxEndpoints(sandbox, "bitbucket");
  endpoints.azure = sandboxEndpoints(sandbox, "azure_devops", apps.azure);
});

afterEach(async () => {
  await sandbox.admin.clearFaults();
});

afterAll(async () => {
  await sandbox?.close();
});

const SECRETS = ["code-canary-2f9e", "verifier-canary-7c1d".padEnd(43, "v"), "refresh-canary-5b3a"];
const [CODE, VERIFIER, REFRESH] = SECRETS as [string, string, string];

function exchange(client: typeof githubClient, which: keyof typeof apps, extra: Partial<{ endpoints: ClientEndpoints; timeoutMs: number; signal: AbortSignal; clientSecret: string }> = {}) {
  return client.exchangeCode({ endpoints: endpoints[which], clientId: apps[which].clientId, clientSecret: apps[which].clientSecret, code: CODE, verifier: VERIFIER, redirectUri: CALLBACK, signal: noDeadline(), ...extra });
}

function refresh(client: typeof githubClient, which: keyof typeof apps, extra: Partial<{ endpoints: ClientEndpoints }> = {}) {
  return client.refreshToken({ endpoints: endpoints[which], clientId: apps[which].clientId, clientSecret: apps[which].clientSecret, refreshToken: REFRESH, signal: noDeadline(), ...extra });
}

describe("oauth4webapi's failures, mapped", () => {
  it("an OAuth error in a 4xx body (ResponseBodyError): the refused client, the refused refresh token, Entra's AADSTS number", async () => {
    const client = await expectProviderError(exchange(bitbucketClient, "bitbucket", { clientSecret: "wrong-secret-0000" }), "oauth_client_invalid", [...SECRETS, apps.bitbucket.clientSecret]);
    expect(client.detail).toEqual({ status: 400, providerError: "invalid_client" });
    const reauth = await expectProviderError(refresh(gitlabClient, "gitlab"), "credential_needs_reauth", SECRETS);
    expect(reauth).toMatchObject({ retryable: false, detail: { status: 400, providerError: "invalid_grant" } });
    await sandbox.admin.addFault({
      provider: "azure-devops",
      host: "entra",
      pathRegex: ENTRA_TOKEN,
      kind: "status",
      status: 400,
      body: { error: "invalid_grant", error_description: "AADSTS700082: The refresh token has expired due to inactivity.", error_codes: [700082] },
      count: 1,
    });
    const entra = await expectProviderError(refresh(azureDevopsClient, "azure"), "credential_needs_reauth", SECRETS);
    expect(entra.detail).toEqual({ status: 400, providerError: "invalid_grant AADSTS700082" });
  });

  it("GitHub's error answered with HTTP 200 (an OperationProcessingError to oauth4webapi) is read from the body", async () => {
    const code = await expectProviderError(exchange(githubClient, "github"), "oauth_provider_error", SECRETS);
    expect(code.detail).toEqual({ status: 200, providerError: "bad_verification_code" });
    expect(code.message).toMatch(/authorization code/);
    const secret = await expectProviderError(exchange(githubClient, "github", { clientSecret: "wrong-secret-0000" }), "oauth_client_invalid", [...SECRETS, apps.github.clientSecret]);
    expect(secret.detail).toEqual({ status: 200, providerError: "incorrect_client_credentials" });
  });

  it("a WWW-Authenticate challenge (WWWAuthenticateChallengeError) is a refused client, with the challenge's error when it names one", async () => {
    await sandbox.admin.addFault({ provider: "bitbucket", host: "web", path: "/site/oauth2/access_token", kind: "status", status: 401, count: 1 });
    const basic = await expectProviderError(exchange(bitbucketClient, "bitbucket"), "oauth_client_invalid", SECRETS);
    expect(basic.detail).toEqual({ status: 401, providerError: "basic" });
    await sandbox.admin.addFault({
      provider: "gitlab",
      path: "/oauth/token",
      kind: "status",
      status: 401,
      body: { message: "401 Unauthorized" },
      headers: { "WWW-Authenticate": 'Bearer realm="Doorkeeper", error="invalid_client", error_description="Client authentication failed"' },
      count: 1,
    });
    const bearer = await expectProviderError(refresh(gitlabClient, "gitlab"), "oauth_client_invalid", SECRETS);
    expect(bearer.detail).toEqual({ status: 401, providerError: "invalid_client" });
  });

  it("server errors are provider_error and retryable, HTML or an OAuth body alike; a rate limit says how long to wait", async () => {
    await sandbox.admin.addFault({ provider: "gitlab", path: "/oauth/token", kind: "status", status: 503, count: 1 });
    expect(await expectProviderError(exchange(gitlabClient, "gitlab"), "provider_error", SECRETS)).toMatchObject({ retryable: true, detail: { status: 503 } });
    await sandbox.admin.addFault({ provider: "azure-devops", host: "entra", pathRegex: ENTRA_TOKEN, kind: "status", status: 500, count: 1 });
    expect(await expectProviderError(refresh(azureDevopsClient, "azure"), "provider_error", SECRETS)).toMatchObject({
      retryable: true,
      detail: { status: 500, providerError: "temporarily_unavailable AADSTS90033" },
    });
    await sandbox.admin.addFault({ provider: "azure-devops", host: "entra", pathRegex: ENTRA_TOKEN, kind: "status", status: 429, retryAfterSeconds: 9, count: 1 });
    expect(await expectProviderError(exchange(azureDevopsClient, "azure"), "rate_limited", SECRETS)).toMatchObject({ retryable: true, detail: { status: 429, retryAfterSeconds: 9 } });
  });

  it("an answer without an access token, or with a token oauth4webapi does not accept, is not the provider's token API", async () => {
    await sandbox.admin.addFault({ provider: "github", host: "web", path: "/login/oauth/access_token", kind: "status", status: 200, body: { token_type: "bearer", scope: "repo" }, count: 1 });
    const missing = await expectProviderError(exchange(githubClient, "github"), "api_unexpected_response", SECRETS);
    expect(missing.message).toMatch(/without an access token/);
    await sandbox.admin.addFault({ provider: "bitbucket", host: "web", path: "/site/oauth2/access_token", kind: "status", status: 200, body: { access_token: "at-1", token_type: "mac" }, count: 1 });
    expect((await expectProviderError(refresh(bitbucketClient, "bitbucket"), "api_unexpected_response", [...SECRETS, "at-1"])).detail.status).toBe(200);
    await sandbox.admin.addFault({ provider: "gitlab", path: "/oauth/token", kind: "status", status: 200, body: ["not", "an", "object"], count: 1 });
    expect((await expectProviderError(exchange(gitlabClient, "gitlab"), "api_unexpected_response", SECRETS)).detail).toEqual({ status: 200, providerError: "OAUTH_INVALID_RESPONSE" });
  });

  it("no answer: a per-request timeout and a refused connection are host_unreachable (retryable); the caller's deadline is thrown as is", async () => {
    await sandbox.admin.addFault({ provider: "github", host: "web", path: "/login/oauth/access_token", kind: "hang" });
    expect(await expectProviderError(exchange(githubClient, "github", { timeoutMs: 300 }), "host_unreachable", SECRETS)).toMatchObject({ retryable: true, detail: { providerError: "TIMEOUT" } });
    await expect(exchange(githubClient, "github", { signal: AbortSignal.timeout(300) })).rejects.toMatchObject({ name: "TimeoutError" });
    await sandbox.admin.clearFaults();
    const refused = await expectProviderError(exchange(bitbucketClient, "bitbucket", { endpoints: movedTo(endpoints.bitbucket, await closedPortUrl()) }), "host_unreachable", SECRETS);
    expect(refused).toMatchObject({ retryable: true, detail: { status: null, providerError: "ECONNREFUSED" } });
  });
});

describe("oauth4webapi's successes, per provider quirk", () => {
  it("Entra's id_token (openid requested) needs no OIDC validation: the exchange and the refresh succeed", async () => {
    const scopes = ["openid", "499b84ac-1321-427f-aa17-267ca6975798/.default", "offline_access"];
    const { code, verifier } = await authorizeCode(endpoints.azure, { client_id: apps.azure.clientId, scope: scopes.join(" ") });
    const base = { endpoints: endpoints.azure, clientId: apps.azure.clientId, clientSecret: apps.azure.clientSecret, signal: noDeadline(), scopes };
    const tokens = await azureDevopsClient.exchangeCode({ ...base, code, verifier, redirectUri: CALLBACK });
    expect(tokens).toMatchObject({ accessToken: expect.any(String), refreshToken: expect.any(String), scopes: ["499b84ac-1321-427f-aa17-267ca6975798/user_impersonation"] });
    const refreshed = await azureDevopsClient.refreshToken({ ...base, refreshToken: tokens.refreshToken! });
    expect(refreshed.rotated).toBe(true);
  });

  it("Bitbucket (client_secret_basic, `scopes` in the answer): a refresh that returns the same refresh token is no rotation", async () => {
    const { code, verifier } = await authorizeCode(endpoints.bitbucket, { client_id: apps.bitbucket.clientId });
    const base = { endpoints: endpoints.bitbucket, clientId: apps.bitbucket.clientId, clientSecret: apps.bitbucket.clientSecret, signal: noDeadline() };
    const tokens = await bitbucketClient.exchangeCode({ ...base, code, verifier, redirectUri: CALLBACK });
    const refreshed = await bitbucketClient.refreshToken({ ...base, refreshToken: tokens.refreshToken! });
    expect(refreshed).toMatchObject({ rotated: false, refreshToken: tokens.refreshToken, scopes: ["account", "repository:write"] });
    expect(Date.parse(refreshed.expiresAt!)).toBeGreaterThan(Date.now());
  });
});

describe("the egress policy applies to the token endpoint", () => {
  it("a token endpoint whose name resolves to a private address is refused before anything is sent", async () => {
    const asked: string[] = [];
    const restore = replaceResolver(async (hostname) => {
      asked.push(hostname);
      return [{ address: "10.20.30.40", family: 4 }];
    });
    try {
      const moved = { ...endpoints.gitlab, tokenUrl: "https://gitlab.internal.example/oauth/token" };
      const error = await expectProviderError(exchange(gitlabClient, "gitlab", { endpoints: moved }), "host_address_refused", SECRETS);
      expect(error.message).toMatch(/private network/);
      expect(error.detail).toMatchObject({ status: null, providerError: "EGRESS_REFUSED" });
      expect(asked).toEqual(["gitlab.internal.example"]);
    } finally {
      restore();
    }
    const metadata = { ...endpoints.github, tokenUrl: "https://169.254.169.254/login/oauth/access_token" };
    await expectProviderError(exchange(githubClient, "github", { endpoints: metadata }), "host_address_refused", SECRETS);
  });

  it("the loopback sandbox on a runner without SCM_ALLOW_LOOPBACK_HOSTS: refused, and the sandbox sees no request", async () => {
    const setting = process.env.SCM_ALLOW_LOOPBACK_HOSTS;
    const since = Date.now();
    process.env.SCM_ALLOW_LOOPBACK_HOSTS = "0";
    try {
      const error = await expectProviderError(exchange(githubClient, "github"), "host_address_refused", SECRETS);
      expect(error.message).toMatch(/SCM_ALLOW_LOOPBACK_HOSTS/);
    } finally {
      process.env.SCM_ALLOW_LOOPBACK_HOSTS = setting;
    }
    expect(sandbox.admin.requests({ provider: "github", since }).filter((r) => r.path === "/login/oauth/access_token")).toEqual([]);
  });

  it("a plain HTTP token endpoint off loopback is refused before it is resolved: codes and secrets go only over HTTPS", async () => {
    const asked: string[] = [];
    const restore = replaceResolver(async (hostname) => {
      asked.push(hostname);
      return [{ address: "203.0.113.7", family: 4 }];
    });
    try {
      const plain = { ...endpoints.github, tokenUrl: "http://github.example.com/login/oauth/access_token" };
      const error = await expectProviderError(exchange(githubClient, "github", { endpoints: plain }), "host_invalid", [...SECRETS, apps.github.clientSecret]);
      expect(error.message).toMatch(/HTTPS/);
      expect(asked).toEqual([]);
    } finally {
      restore();
    }
  });
});
