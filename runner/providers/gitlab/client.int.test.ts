import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startSandbox, type OAuthAppDto, type Sandbox } from "@/sandbox";
import { gitlabClient } from "./client";
import { authorizeCode, CALLBACK, closedPortUrl, expectProviderError, movedTo, noDeadline, sandboxEndpoints } from "../test-support/sandbox";
import type { ClientEndpoints } from "../types";

const LOGIN = "gitlab-user";
const REQUIRED = ["api", "read_user", "write_repository"];
let sandbox: Sandbox;
let endpoints: ClientEndpoints;
let app: OAuthAppDto;

beforeAll(async () => {
  sandbox = await startSandbox({ autoApprove: true });
  endpoints = sandboxEndpoints(sandbox, "gitlab");
  await sandbox.admin.createUser({ provider: "gitlab", login: LOGIN });
  app = await sandbox.admin.registerOAuthApp({ provider: "gitlab", callbackUrls: [CALLBACK] });
});

afterEach(async () => {
  await sandbox.admin.clearFaults();
});

afterAll(async () => {
  await sandbox?.close();
});

const base = () => ({ endpoints, clientId: app.clientId, clientSecret: app.clientSecret, signal: noDeadline() });

async function connect() {
  const { code, verifier } = await authorizeCode(endpoints, { client_id: app.clientId, scope: "api read_user" });
  return gitlabClient.exchangeCode({ ...base(), code, verifier, redirectUri: CALLBACK });
}

describe("GitLab OAuth", () => {
  it("exchanges a code with PKCE; identify reads the login, scopes and expiry", async () => {
    const tokens = await connect();
    expect(tokens).toMatchObject({ refreshToken: expect.any(String), scopes: ["api", "read_user"] });
    expect(Date.parse(tokens.expiresAt!) - Date.now()).toBeGreaterThan(7000_000);
    const identity = await gitlabClient.identify({ endpoints, token: tokens.accessToken, source: "oauth", signal: noDeadline() });
    expect(identity.login).toBe(LOGIN);
    expect(identity.scopes).toEqual(["api", "read_user"]);
    expect(Date.parse(identity.expiresAt!)).toBeGreaterThan(Date.now());
  });

  it("maps invalid_grant (wrong verifier, replay) and invalid_client", async () => {
    const { code } = await authorizeCode(endpoints, { client_id: app.clientId });
    await expectProviderError(gitlabClient.exchangeCode({ ...base(), code, verifier: "y".repeat(43), redirectUri: CALLBACK }), "oauth_provider_error", [code]);
    const fresh = await authorizeCode(endpoints, { client_id: app.clientId });
    const error = await expectProviderError(gitlabClient.exchangeCode({ ...base(), ...fresh, clientSecret: "gloas-wrong", redirectUri: CALLBACK }), "oauth_client_invalid", [app.clientSecret]);
    expect(error.detail).toEqual({ status: 401, providerError: "invalid_client" });
  });

  it("refreshes with rotation: the old refresh token and the old access token are refused afterwards", async () => {
    const tokens = await connect();
    const refreshed = await gitlabClient.refreshToken({ ...base(), refreshToken: tokens.refreshToken! });
    expect(refreshed.rotated).toBe(true);
    expect(refreshed.accessToken).not.toBe(tokens.accessToken);
    await expectProviderError(gitlabClient.refreshToken({ ...base(), refreshToken: tokens.refreshToken! }), "credential_needs_reauth", [tokens.refreshToken!]);
    await expectProviderError(gitlabClient.identify({ endpoints, token: tokens.accessToken, source: "oauth", signal: noDeadline() }), "credential_needs_reauth");
    expect((await gitlabClient.identify({ endpoints, token: refreshed.accessToken, source: "oauth", signal: noDeadline() })).login).toBe(LOGIN);
  });

  it("retries nothing itself but marks a 5xx during refresh as retryable", async () => {
    const tokens = await connect();
    await sandbox.admin.addFault({ provider: "gitlab", path: "/oauth/token", kind: "status", status: 503, count: 1 });
    expect((await expectProviderError(gitlabClient.refreshToken({ ...base(), refreshToken: tokens.refreshToken! }), "provider_error")).retryable).toBe(true);
    expect((await gitlabClient.refreshToken({ ...base(), refreshToken: tokens.refreshToken! })).rotated).toBe(true);
  });

  it("revokes at /oauth/revoke: logged at the sandbox, and the token and its refresh token stop working", async () => {
    const tokens = await connect();
    const before = sandbox.admin.revocations().length;
    const result = await gitlabClient.revokeToken({ ...base(), token: tokens.accessToken, source: "oauth" });
    expect(result).toEqual({ revoked: true, manualUrl: null });
    expect(sandbox.admin.revocations().slice(before)).toEqual(
      expect.arrayContaining([expect.objectContaining({ provider: "gitlab", kind: "token", via: "api", clientId: app.clientId })]),
    );
    await expectProviderError(gitlabClient.refreshToken({ ...base(), refreshToken: tokens.refreshToken! }), "credential_needs_reauth");
    const wrongClient = await gitlabClient.revokeToken({ ...base(), clientSecret: "gloas-wrong", token: tokens.accessToken, source: "oauth" });
    expect(wrongClient).toEqual({ revoked: false, manualUrl: `${endpoints.webUrl}/-/user_settings/applications`, reason: "oauth_client_invalid" });
  });
});

describe("GitLab PAT validation", () => {
  const validate = (token: string, extra: { signal?: AbortSignal; endpoints?: ClientEndpoints } = {}) =>
    gitlabClient.validatePat({ endpoints, token, requiredScopes: REQUIRED, signal: noDeadline(), ...extra });

  it("accepts a PAT, reading scopes and expiry from /personal_access_tokens/self", async () => {
    const pat = await sandbox.admin.issuePat({ provider: "gitlab", login: LOGIN, expiresInSeconds: 10 * 86_400 });
    const identity = await validate(pat.value);
    expect(identity.login).toBe(LOGIN);
    expect(identity.scopes).toEqual(expect.arrayContaining(["api", "read_user", "write_repository"]));
    expect(identity.expiresAt).toBe(`${pat.expiresAt!.slice(0, 10)}T00:00:00.000Z`);
    // GitLab reports only the day; a token expiring later today is still given a future expiry.
    const shortLived = await sandbox.admin.issuePat({ provider: "gitlab", login: LOGIN, expiresInSeconds: 3600 });
    expect(Date.parse((await validate(shortLived.value)).expiresAt!)).toBeGreaterThan(Date.now());
    // `api` alone covers read_user and write_repository.
    const apiOnly = await sandbox.admin.issuePat({ provider: "gitlab", login: LOGIN, scopes: ["api"] });
    expect((await validate(apiOnly.value)).scopes).toEqual(["api"]);
  });

  it("tells wrong, expired and revoked PATs apart", async () => {
    await expectProviderError(validate(`glpat-${"b".repeat(20)}`), "pat_invalid");
    const expired = await sandbox.admin.issuePat({ provider: "gitlab", login: LOGIN, expiresInSeconds: -3600 });
    await expectProviderError(validate(expired.value), "pat_expired", [expired.value]);
    const revoked = await sandbox.admin.issuePat({ provider: "gitlab", login: LOGIN });
    await sandbox.admin.revokeToken({ id: revoked.id });
    const error = await expectProviderError(validate(revoked.value), "pat_invalid", [revoked.value]);
    expect(error.message).toContain("revoked");
  });

  it("lists the missing scopes", async () => {
    const readOnly = await sandbox.admin.issuePat({ provider: "gitlab", login: LOGIN, scopes: ["read_repository"] });
    const error = await expectProviderError(validate(readOnly.value), "pat_missing_scopes", [readOnly.value]);
    expect(error.fieldErrors?.token?.[0]).toContain("api, read_user, write_repository");
  });

  it("maps rate limits, unreachable hosts and hangs", async () => {
    const pat = await sandbox.admin.issuePat({ provider: "gitlab", login: LOGIN });
    await sandbox.admin.addFault({ provider: "gitlab", path: "/api/v4/", kind: "status", status: 429, retryAfterSeconds: 30, count: 1 });
    expect(await expectProviderError(validate(pat.value), "rate_limited")).toMatchObject({ retryable: true, detail: { status: 429, retryAfterSeconds: 30 } });
    await expectProviderError(validate(pat.value, { endpoints: movedTo(endpoints, await closedPortUrl()) }), "host_unreachable");
    await sandbox.admin.addFault({ provider: "gitlab", path: "/api/v4/", kind: "hang" });
    await expect(validate(pat.value, { signal: AbortSignal.timeout(300) })).rejects.toMatchObject({ name: "TimeoutError" });
  });
});
