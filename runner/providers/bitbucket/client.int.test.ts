import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startSandbox, type OAuthAppDto, type Sandbox } from "@/sandbox";
import { bitbucketClient } from "./client";
import { authorizeCode, CALLBACK, closedPortUrl, expectProviderError, movedTo, noDeadline, sandboxEndpoints } from "../test-support/sandbox";
import type { ClientEndpoints } from "../types";

const LOGIN = "bb-user";
const EMAIL = "bb-user@example.test";
const REQUIRED = ["read:user:bitbucket", "read:repository:bitbucket", "write:repository:bitbucket"];
let sandbox: Sandbox;
let endpoints: ClientEndpoints;
let app: OAuthAppDto;

beforeAll(async () => {
  sandbox = await startSandbox({ autoApprove: true });
  endpoints = sandboxEndpoints(sandbox, "bitbucket");
  await sandbox.admin.createUser({ provider: "bitbucket", login: LOGIN, email: EMAIL });
  app = await sandbox.admin.registerOAuthApp({ provider: "bitbucket", callbackUrls: [CALLBACK], scopes: ["account", "repository:write"] });
});

afterEach(async () => {
  await sandbox.admin.clearFaults();
});

afterAll(async () => {
  await sandbox?.close();
});

const base = () => ({ endpoints, clientId: app.clientId, clientSecret: app.clientSecret, signal: noDeadline() });

async function connect() {
  const { code, verifier } = await authorizeCode(endpoints, { client_id: app.clientId });
  return bitbucketClient.exchangeCode({ ...base(), code, verifier, redirectUri: CALLBACK });
}

describe("Bitbucket OAuth", () => {
  it("exchanges a code with PKCE (client credentials over Basic) and identifies the user", async () => {
    const tokens = await connect();
    expect(tokens).toMatchObject({ refreshToken: expect.any(String), scopes: ["account", "repository:write"] });
    const identity = await bitbucketClient.identify({ endpoints, token: tokens.accessToken, source: "oauth", signal: noDeadline() });
    expect(identity.login).toBe(LOGIN);
  });

  it("maps invalid_grant and invalid_client", async () => {
    const { code } = await authorizeCode(endpoints, { client_id: app.clientId });
    await expectProviderError(bitbucketClient.exchangeCode({ ...base(), code, verifier: "z".repeat(43), redirectUri: CALLBACK }), "oauth_provider_error");
    const fresh = await authorizeCode(endpoints, { client_id: app.clientId });
    await expectProviderError(bitbucketClient.exchangeCode({ ...base(), ...fresh, clientSecret: "wrong-secret", redirectUri: CALLBACK }), "oauth_client_invalid", [app.clientSecret]);
  });

  it("refreshes without rotation: the refresh token stays the same and keeps working", async () => {
    const tokens = await connect();
    const refreshed = await bitbucketClient.refreshToken({ ...base(), refreshToken: tokens.refreshToken! });
    expect(refreshed).toMatchObject({ rotated: false, refreshToken: tokens.refreshToken });
    expect(refreshed.accessToken).not.toBe(tokens.accessToken);
    expect((await bitbucketClient.refreshToken({ ...base(), refreshToken: tokens.refreshToken! })).rotated).toBe(false);
    await expectProviderError(bitbucketClient.refreshToken({ ...base(), refreshToken: "not-a-refresh-token" }), "credential_needs_reauth");
  });

  it("has no revocation API: points to the page where the person revokes the app", async () => {
    const tokens = await connect();
    const before = sandbox.admin.revocations().length;
    const result = await bitbucketClient.revokeToken({ ...base(), token: tokens.accessToken, source: "oauth" });
    expect(result).toEqual({ revoked: false, manualUrl: `${endpoints.webUrl}/account/settings/app-authorizations/` });
    expect(sandbox.admin.revocations()).toHaveLength(before);
    const pat = await bitbucketClient.revokeToken({ ...base(), token: "ATATT", source: "pat" });
    expect(pat.manualUrl).toBe("https://id.atlassian.com/manage-profile/security/api-tokens");
  });
});

describe("Bitbucket API token validation", () => {
  const validate = (token: string, extra: { username?: string | null; signal?: AbortSignal; endpoints?: ClientEndpoints } = {}) =>
    bitbucketClient.validatePat({ endpoints, token, username: EMAIL, requiredScopes: REQUIRED, signal: noDeadline(), ...extra });

  it("accepts an API token used with the account email", async () => {
    const token = await sandbox.admin.issuePat({ provider: "bitbucket", login: LOGIN });
    expect(token.value).toMatch(/^ATAT/);
    expect(await validate(token.value)).toEqual({ login: LOGIN, scopes: null, expiresAt: null });
  });

  it("needs the email, and refuses the token with another email", async () => {
    const token = await sandbox.admin.issuePat({ provider: "bitbucket", login: LOGIN });
    const missing = await expectProviderError(validate(token.value, { username: null }), "validation_failed");
    expect(missing.fieldErrors?.username).toHaveLength(1);
    await expectProviderError(validate(token.value, { username: "someone@example.test" }), "pat_invalid", [token.value]);
  });

  it("refuses wrong, expired and revoked tokens", async () => {
    await expectProviderError(validate(`ATATT3xFfGF0${"c".repeat(60)}`), "pat_invalid");
    const expired = await sandbox.admin.issuePat({ provider: "bitbucket", login: LOGIN, expiresInSeconds: -60 });
    await expectProviderError(validate(expired.value), "pat_invalid", [expired.value]);
    const revoked = await sandbox.admin.issuePat({ provider: "bitbucket", login: LOGIN });
    await sandbox.admin.revokeToken({ id: revoked.id });
    await expectProviderError(validate(revoked.value), "pat_invalid", [revoked.value]);
  });

  it("refuses app passwords and access tokens by their prefix, before sending them anywhere", async () => {
    const since = Date.now();
    const appPassword = await expectProviderError(validate(`ATBB${"d".repeat(28)}`), "unsupported_credential_type");
    expect(appPassword.message).toContain("app password");
    await expectProviderError(validate(`ATCTT3xFfGN0${"e".repeat(60)}`), "unsupported_credential_type");
    expect(sandbox.admin.requests({ provider: "bitbucket", since })).toHaveLength(0);
  });

  it("lists missing scopes from what Bitbucket says the token was granted", async () => {
    const noRepo = await sandbox.admin.issuePat({ provider: "bitbucket", login: LOGIN, scopes: ["read:user:bitbucket"] });
    const error = await expectProviderError(validate(noRepo.value), "pat_missing_scopes", [noRepo.value]);
    expect(error.fieldErrors?.token?.[0]).toContain("read:repository:bitbucket, write:repository:bitbucket");
    const noAccount = await sandbox.admin.issuePat({ provider: "bitbucket", login: LOGIN, scopes: ["write:repository:bitbucket"] });
    expect((await expectProviderError(validate(noAccount.value), "pat_missing_scopes")).message).toContain("read:user:bitbucket");
  });

  it("maps rate limits, unreachable hosts and hangs", async () => {
    const token = await sandbox.admin.issuePat({ provider: "bitbucket", login: LOGIN });
    await sandbox.admin.addFault({ provider: "bitbucket", host: "api", kind: "status", status: 429, retryAfterSeconds: 5, count: 1 });
    expect(await expectProviderError(validate(token.value), "rate_limited")).toMatchObject({ retryable: true, detail: { retryAfterSeconds: 5 } });
    await expectProviderError(validate(token.value, { endpoints: movedTo(endpoints, await closedPortUrl()) }), "host_unreachable");
    await sandbox.admin.addFault({ provider: "bitbucket", host: "api", kind: "hang" });
    await expect(validate(token.value, { signal: AbortSignal.timeout(300) })).rejects.toMatchObject({ name: "TimeoutError" });
  });
});
