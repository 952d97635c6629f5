import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startSandbox, type OAuthAppDto, type Sandbox } from "@/sandbox";
import { azureDevopsClient } from "./client";
import { authorizeCode, AZURE_ORG, CALLBACK, closedPortUrl, expectProviderError, movedTo, noDeadline, sandboxEndpoints } from "../test-support/sandbox";
import type { ClientEndpoints } from "../types";

const LOGIN = "ado-user";
const SCOPE = "499b84ac-1321-427f-aa17-267ca6975798/.default offline_access";
let sandbox: Sandbox;
let endpoints: ClientEndpoints;
let app: OAuthAppDto;
let email: string;

beforeAll(async () => {
  sandbox = await startSandbox({ autoApprove: true });
  email = (await sandbox.admin.createUser({ provider: "azure-devops", login: LOGIN, organizations: [AZURE_ORG, "fabrikam"] })).email;
  app = await sandbox.admin.registerOAuthApp({ provider: "azure-devops", callbackUrls: [CALLBACK] });
  endpoints = sandboxEndpoints(sandbox, "azure_devops", app);
});

afterEach(async () => {
  await sandbox.admin.clearFaults();
});

afterAll(async () => {
  await sandbox?.close();
});

const base = () => ({ endpoints, clientId: app.clientId, clientSecret: app.clientSecret, signal: noDeadline() });

async function connect() {
  const { code, verifier } = await authorizeCode(endpoints, { client_id: app.clientId, scope: SCOPE });
  return azureDevopsClient.exchangeCode({ ...base(), code, verifier, redirectUri: CALLBACK });
}

describe("Azure DevOps OAuth (Microsoft Entra ID)", () => {
  it("exchanges a code with PKCE and identifies the user through the organization", async () => {
    const tokens = await connect();
    expect(tokens).toMatchObject({ refreshToken: expect.any(String), scopes: ["499b84ac-1321-427f-aa17-267ca6975798/user_impersonation"] });
    const identity = await azureDevopsClient.identify({ endpoints, token: tokens.accessToken, source: "oauth", signal: noDeadline() });
    expect(identity.login).toBe(email);
    // Read from the access token's `exp`, within a second of what the token endpoint said.
    expect(Math.abs(Date.parse(identity.expiresAt!) - Date.parse(tokens.expiresAt!))).toBeLessThan(2000);
  });

  it("maps AADSTS errors: wrong verifier, wrong secret, reply address mismatch", async () => {
    const first = await authorizeCode(endpoints, { client_id: app.clientId, scope: SCOPE });
    const pkce = await expectProviderError(azureDevopsClient.exchangeCode({ ...base(), code: first.code, verifier: "v".repeat(43), redirectUri: CALLBACK }), "oauth_provider_error");
    expect(pkce.detail.providerError).toBe("invalid_grant AADSTS501481");
    const second = await authorizeCode(endpoints, { client_id: app.clientId, scope: SCOPE });
    const client = await expectProviderError(azureDevopsClient.exchangeCode({ ...base(), ...second, clientSecret: "wrong~secret", redirectUri: CALLBACK }), "oauth_client_invalid", [app.clientSecret]);
    expect(client.detail).toEqual({ status: 401, providerError: "invalid_client AADSTS7000215" });
    const third = await authorizeCode(endpoints, { client_id: app.clientId, scope: SCOPE });
    await expectProviderError(azureDevopsClient.exchangeCode({ ...base(), ...third, redirectUri: "http://127.0.0.1:9/other" }), "redirect_uri_mismatch");
  });

  it("refreshes with a new refresh token each time (Entra does not revoke the used one; it is discarded)", async () => {
    const tokens = await connect();
    const refreshed = await azureDevopsClient.refreshToken({ ...base(), refreshToken: tokens.refreshToken! });
    expect(refreshed.rotated).toBe(true);
    expect(refreshed.refreshToken).not.toBe(tokens.refreshToken);
    expect((await azureDevopsClient.identify({ endpoints, token: refreshed.accessToken, source: "oauth", signal: noDeadline() })).login).toBe(email);
    await expectProviderError(azureDevopsClient.refreshToken({ ...base(), refreshToken: "1.Anot-a-refresh-token" }), "credential_needs_reauth");
    await sandbox.admin.revokeToken({ value: refreshed.refreshToken!, grant: true });
    await expectProviderError(azureDevopsClient.refreshToken({ ...base(), refreshToken: refreshed.refreshToken! }), "credential_needs_reauth");
  });

  it("has no revocation API: says where to remove the app", async () => {
    const tokens = await connect();
    const result = await azureDevopsClient.revokeToken({ ...base(), token: tokens.accessToken, source: "oauth" });
    expect(result).toEqual({ revoked: false, manualUrl: "https://myapplications.microsoft.com/" });
  });
});

describe("Azure DevOps PAT validation", () => {
  const validate = (token: string, extra: { signal?: AbortSignal; endpoints?: ClientEndpoints } = {}) =>
    azureDevopsClient.validatePat({ endpoints, token, requiredScopes: ["vso.code_write"], signal: noDeadline(), ...extra });

  it("accepts a PAT scoped to the integration's organization", async () => {
    const pat = await sandbox.admin.issuePat({ provider: "azure-devops", login: LOGIN, organizations: [AZURE_ORG] });
    expect(await validate(pat.value)).toEqual({ login: email, scopes: null, expiresAt: null });
  });

  it("refuses a PAT valid for all accessible organizations", async () => {
    const global = await sandbox.admin.issuePat({ provider: "azure-devops", login: LOGIN });
    expect(global.global).toBe(true);
    const error = await expectProviderError(validate(global.value), "unsupported_credential_type", [global.value]);
    expect(error.fieldErrors?.token?.[0]).toContain("all accessible organizations");
  });

  it("refuses wrong (203 sign-in page), expired, revoked and other-organization PATs", async () => {
    const wrong = await expectProviderError(validate("q".repeat(84)), "pat_invalid");
    expect(wrong.detail.status).toBe(203);
    const expired = await sandbox.admin.issuePat({ provider: "azure-devops", login: LOGIN, organizations: [AZURE_ORG], expiresInSeconds: -60 });
    await expectProviderError(validate(expired.value), "pat_invalid", [expired.value]);
    const revoked = await sandbox.admin.issuePat({ provider: "azure-devops", login: LOGIN, organizations: [AZURE_ORG] });
    await sandbox.admin.revokeToken({ id: revoked.id });
    await expectProviderError(validate(revoked.value), "pat_invalid", [revoked.value]);
    const elsewhere = await sandbox.admin.issuePat({ provider: "azure-devops", login: LOGIN, organizations: ["fabrikam"] });
    expect((await expectProviderError(validate(elsewhere.value), "pat_invalid")).detail.status).toBe(401);
  });

  it("maps rate limits, unreachable hosts and hangs", async () => {
    const pat = await sandbox.admin.issuePat({ provider: "azure-devops", login: LOGIN, organizations: [AZURE_ORG] });
    await sandbox.admin.addFault({ provider: "azure-devops", host: "web", kind: "status", status: 429, retryAfterSeconds: 3, count: 1 });
    expect(await expectProviderError(validate(pat.value), "rate_limited")).toMatchObject({ retryable: true, detail: { retryAfterSeconds: 3 } });
    await expectProviderError(validate(pat.value, { endpoints: movedTo(endpoints, await closedPortUrl()) }), "host_unreachable");
    await sandbox.admin.addFault({ provider: "azure-devops", host: "web", kind: "hang" });
    await expect(validate(pat.value, { signal: AbortSignal.timeout(300) })).rejects.toMatchObject({ name: "TimeoutError" });
  });
});
