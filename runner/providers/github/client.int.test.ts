import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startSandbox, type OAuthAppDto, type Sandbox } from "@/sandbox";
import { githubClient } from "./client";
import { authorizeCode, CALLBACK, closedPortUrl, expectProviderError, movedTo, noDeadline, sandboxEndpoints } from "../test-support/sandbox";
import type { ClientEndpoints } from "../types";

const LOGIN = "octocat";
const REQUIRED = ["repo", "read:user"];
let sandbox: Sandbox;
let endpoints: ClientEndpoints;
let oauthApp: OAuthAppDto;
let githubApp: OAuthAppDto;

beforeAll(async () => {
  sandbox = await startSandbox({ autoApprove: true });
  endpoints = sandboxEndpoints(sandbox, "github");
  await sandbox.admin.createUser({ provider: "github", login: LOGIN });
  oauthApp = await sandbox.admin.registerOAuthApp({ provider: "github", callbackUrls: [CALLBACK] });
  githubApp = await sandbox.admin.registerOAuthApp({ provider: "github", callbackUrls: [CALLBACK], expiringTokens: true });
  // An organization (no user of that name) enforcing SAML SSO on tokens that are not authorized for it.
  await sandbox.admin.createRepo({ provider: "github", path: "acme/app", collaborators: [{ login: LOGIN, permission: "write" }] });
});

afterEach(async () => {
  await sandbox.admin.clearFaults();
});

afterAll(async () => {
  await sandbox?.close();
});

async function connect(app: OAuthAppDto) {
  const { code, verifier } = await authorizeCode(endpoints, { client_id: app.clientId, scope: "repo read:user" });
  const tokens = await githubClient.exchangeCode({ endpoints, clientId: app.clientId, clientSecret: app.clientSecret, code, verifier, redirectUri: CALLBACK, signal: noDeadline() });
  return { tokens, code, verifier };
}

describe("GitHub OAuth", () => {
  it("exchanges a code with PKCE; the OAuth app token identifies the user with its scopes", async () => {
    const { tokens } = await connect(oauthApp);
    expect(tokens).toMatchObject({ accessToken: expect.stringMatching(/^gho_/), refreshToken: null, expiresAt: null, scopes: ["repo", "read:user"] });
    const identity = await githubClient.identify({ endpoints, token: tokens.accessToken, source: "oauth", signal: noDeadline() });
    expect(identity).toEqual({ login: LOGIN, scopes: ["repo", "read:user"], expiresAt: null });
  });

  it("maps a replayed code, a wrong verifier, a wrong client secret and a foreign redirect URI", async () => {
    const { code, verifier } = await connect(oauthApp);
    const base = { endpoints, clientId: oauthApp.clientId, clientSecret: oauthApp.clientSecret, redirectUri: CALLBACK, signal: noDeadline() };
    await expectProviderError(githubClient.exchangeCode({ ...base, code, verifier }), "oauth_provider_error", [code, verifier]);
    const fresh = await authorizeCode(endpoints, { client_id: oauthApp.clientId });
    await expectProviderError(githubClient.exchangeCode({ ...base, code: fresh.code, verifier: "x".repeat(43) }), "oauth_provider_error");
    const secretError = await expectProviderError(githubClient.exchangeCode({ ...base, clientSecret: "wrong-secret-123", ...fresh }), "oauth_client_invalid", [oauthApp.clientSecret]);
    expect(secretError.detail).toEqual({ status: 200, providerError: "incorrect_client_credentials" });
    const other = await authorizeCode(endpoints, { client_id: oauthApp.clientId });
    await expectProviderError(githubClient.exchangeCode({ ...base, ...other, redirectUri: "https://elsewhere.example/cb" }), "redirect_uri_mismatch");
  });

  it("refreshes a GitHub App token with rotation: the old refresh token is refused afterwards", async () => {
    const { tokens } = await connect(githubApp);
    expect(tokens.accessToken).toMatch(/^ghu_/);
    expect(Date.parse(tokens.expiresAt!)).toBeGreaterThan(Date.now() + 7 * 3600_000);
    const base = { endpoints, clientId: githubApp.clientId, clientSecret: githubApp.clientSecret, signal: noDeadline() };
    const refreshed = await githubClient.refreshToken({ ...base, refreshToken: tokens.refreshToken! });
    expect(refreshed.rotated).toBe(true);
    expect(refreshed.refreshToken).not.toBe(tokens.refreshToken);
    expect((await githubClient.identify({ endpoints, token: refreshed.accessToken, source: "oauth", signal: noDeadline() })).login).toBe(LOGIN);
    await expectProviderError(githubClient.refreshToken({ ...base, refreshToken: tokens.refreshToken! }), "credential_needs_reauth", [tokens.refreshToken!]);
    await expectProviderError(githubClient.refreshToken({ ...base, clientSecret: "wrong-secret-123", refreshToken: refreshed.refreshToken! }), "oauth_client_invalid");
  });

  it("revokes the grant at GitHub: the revocation is logged and the token stops working", async () => {
    const { tokens } = await connect(oauthApp);
    const before = sandbox.admin.revocations().length;
    const result = await githubClient.revokeToken({ endpoints, clientId: oauthApp.clientId, clientSecret: oauthApp.clientSecret, token: tokens.accessToken, source: "oauth", signal: noDeadline() });
    expect(result).toEqual({ revoked: true, manualUrl: null });
    expect(sandbox.admin.revocations().slice(before)).toEqual([expect.objectContaining({ provider: "github", kind: "grant", via: "api", clientId: oauthApp.clientId })]);
    await expectProviderError(githubClient.identify({ endpoints, token: tokens.accessToken, source: "oauth", signal: noDeadline() }), "credential_needs_reauth");
    // Revoking again is still truthful: GitHub no longer knows the token, and it is dead.
    expect((await githubClient.revokeToken({ endpoints, clientId: oauthApp.clientId, clientSecret: oauthApp.clientSecret, token: tokens.accessToken, source: "oauth", signal: noDeadline() })).revoked).toBe(true);
  });

  it("says a PAT cannot be revoked through the API, and where to do it", async () => {
    const result = await githubClient.revokeToken({ endpoints, clientId: null, clientSecret: null, token: "ghp_x", source: "pat", signal: noDeadline() });
    expect(result).toEqual({ revoked: false, manualUrl: `${endpoints.webUrl}/settings/tokens` });
  });
});

describe("GitHub PAT validation", () => {
  const validate = (token: string, extra: { repository?: string; signal?: AbortSignal; timeoutMs?: number; endpoints?: ClientEndpoints } = {}) =>
    githubClient.validatePat({ endpoints, token, requiredScopes: REQUIRED, signal: noDeadline(), ...extra });

  it("accepts a classic PAT with its scopes and expiry, and a fine-grained PAT (no scopes to check)", async () => {
    const classic = await sandbox.admin.issuePat({ provider: "github", login: LOGIN, scopes: ["repo", "user"], expiresInSeconds: 30 * 86_400 });
    const identity = await validate(classic.value);
    expect(identity.login).toBe(LOGIN);
    expect(identity.scopes).toEqual(["repo", "user"]);
    expect(Math.abs(Date.parse(identity.expiresAt!) - Date.parse(classic.expiresAt!))).toBeLessThan(1000);
    const fine = await sandbox.admin.issuePat({ provider: "github", login: LOGIN, kind: "fine-grained", repositories: { "acme/app": "write" } });
    expect(await validate(fine.value, { repository: "acme/app" })).toEqual({ login: LOGIN, scopes: null, expiresAt: null });
  });

  it("refuses wrong, expired and revoked PATs as pat_invalid (GitHub answers all three alike)", async () => {
    await expectProviderError(validate(`ghp_${"a".repeat(36)}`), "pat_invalid");
    const expired = await sandbox.admin.issuePat({ provider: "github", login: LOGIN, expiresInSeconds: -60 });
    await expectProviderError(validate(expired.value), "pat_invalid", [expired.value]);
    const revoked = await sandbox.admin.issuePat({ provider: "github", login: LOGIN });
    await sandbox.admin.revokeToken({ id: revoked.id });
    const error = await expectProviderError(validate(revoked.value), "pat_invalid", [revoked.value]);
    expect(error.fieldErrors?.token).toHaveLength(1);
    await expectProviderError(validate("not a token"), "pat_invalid");
  });

  it("lists the missing scopes", async () => {
    const readOnly = await sandbox.admin.issuePat({ provider: "github", login: LOGIN, scopes: ["public_repo", "user:email"] });
    const error = await expectProviderError(validate(readOnly.value), "pat_missing_scopes", [readOnly.value]);
    expect(error.message).toContain("repo, read:user");
    expect(error.fieldErrors?.token?.[0]).toContain("repo, read:user");
  });

  it("recognizes SAML SSO enforcement (X-GitHub-SSO: required) on the repository and on /user", async () => {
    const unauthorized = await sandbox.admin.issuePat({ provider: "github", login: LOGIN, ssoUnauthorizedOrgs: ["acme"] });
    const error = await expectProviderError(validate(unauthorized.value, { repository: "acme/app" }), "sso_authorization_required", [unauthorized.value]);
    expect(error.detail.helpUrl).toMatch(new RegExp(`^${endpoints.webUrl}/orgs/acme/sso`));
    await sandbox.admin.addFault({ provider: "github", host: "web", path: "/api/v3/user", kind: "sso_required" });
    const good = await sandbox.admin.issuePat({ provider: "github", login: LOGIN });
    await expectProviderError(validate(good.value), "sso_authorization_required");
  });

  it("reports a repository the token cannot reach", async () => {
    const fine = await sandbox.admin.issuePat({ provider: "github", login: LOGIN, kind: "fine-grained", repositories: {} });
    await expectProviderError(validate(fine.value, { repository: "acme/app" }), "repository_not_found");
  });

  it("maps rate limits (429 and 403 with an exhausted quota) and server errors to retryable errors", async () => {
    const pat = await sandbox.admin.issuePat({ provider: "github", login: LOGIN });
    await sandbox.admin.addFault({ provider: "github", host: "web", path: "/api/v3/user", kind: "status", status: 403, retryAfterSeconds: 42, count: 1 });
    const limited = await expectProviderError(validate(pat.value), "rate_limited");
    expect(limited).toMatchObject({ retryable: true, detail: { status: 403, retryAfterSeconds: 42 } });
    await sandbox.admin.addFault({ provider: "github", host: "web", path: "/api/v3/user", kind: "status", status: 429, retryAfterSeconds: 7, count: 1 });
    expect((await expectProviderError(validate(pat.value), "rate_limited")).detail.retryAfterSeconds).toBe(7);
    await sandbox.admin.addFault({ provider: "github", host: "web", path: "/api/v3/user", kind: "status", status: 502, count: 1 });
    expect((await expectProviderError(validate(pat.value), "provider_error")).retryable).toBe(true);
  });

  it("reports an unreachable host, a per-request timeout, and stops at the caller's deadline", async () => {
    const pat = await sandbox.admin.issuePat({ provider: "github", login: LOGIN });
    const closed = await expectProviderError(validate(pat.value, { endpoints: movedTo(endpoints, await closedPortUrl()) }), "host_unreachable");
    expect(closed).toMatchObject({ retryable: true, detail: { providerError: "ECONNREFUSED" } });
    await sandbox.admin.addFault({ provider: "github", host: "web", path: "/api/v3/user", kind: "hang" });
    const started = performance.now();
    await expect(validate(pat.value, { signal: AbortSignal.timeout(300) })).rejects.toMatchObject({ name: "TimeoutError" });
    expect(performance.now() - started).toBeLessThan(1500);
    const timedOut = await expectProviderError(validate(pat.value, { timeoutMs: 300 }), "host_unreachable");
    expect(timedOut).toMatchObject({ retryable: true, detail: { providerError: "TIMEOUT" } });
  });
});
