import { describe, expect, it } from "vitest";
import { getProvider } from "@/lib/providers";
import { exchangeWithStyle, parseTokenBody, refreshWithStyle } from "./oauth-token";
import { classifyTokenError, readTokenError, tokenEndpointFailure } from "./oauth-token-failure";
import { allowsPlainHttp } from "./oauth-token-transport";
import { ProviderError } from "./provider-error";

describe("token endpoint error mapping", () => {
  it.each([
    ["authorization_code", "incorrect_client_credentials", null, "oauth_client_invalid", false],
    ["authorization_code", "invalid_client", "AADSTS7000215", "oauth_client_invalid", false],
    ["authorization_code", "unauthorized_client", "AADSTS700016", "oauth_client_invalid", false],
    ["authorization_code", "redirect_uri_mismatch", null, "redirect_uri_mismatch", false],
    ["authorization_code", "invalid_grant", "AADSTS500112", "redirect_uri_mismatch", false],
    ["authorization_code", "bad_verification_code", null, "oauth_provider_error", false],
    ["authorization_code", "invalid_grant", null, "oauth_provider_error", false],
    ["authorization_code", "unsupported_grant_type", null, "oauth_provider_error", false],
    ["authorization_code", "temporarily_unavailable", null, "provider_error", true],
    ["refresh_token", "invalid_grant", "AADSTS700082", "credential_needs_reauth", false],
    ["refresh_token", "bad_refresh_token", null, "credential_needs_reauth", false],
    ["refresh_token", "interaction_required", "AADSTS50076", "credential_needs_reauth", false],
    ["refresh_token", "incorrect_client_credentials", null, "oauth_client_invalid", false],
    ["refresh_token", "server_error", null, "provider_error", true],
    ["refresh_token", "invalid_request", null, "provider_error", false],
  ] as const)("%s: %s (%s) → %s", (grant, error, subcode, code, retryable) => {
    expect(classifyTokenError(grant, { error, subcode })).toMatchObject({ code, retryable });
  });

  it("reads Entra's AADSTS number from error_codes or the description, and ignores odd error values", () => {
    expect(readTokenError({ error: "invalid_grant", error_codes: [70008] })).toEqual({ error: "invalid_grant", subcode: "AADSTS70008" });
    expect(readTokenError({ error: "invalid_client", error_description: "AADSTS7000215: Invalid client secret provided." })).toEqual({
      error: "invalid_client",
      subcode: "AADSTS7000215",
    });
    expect(readTokenError({ error: "gho_EchoedSecretValue" })).toEqual({ error: null, subcode: null });
    expect(readTokenError(null)).toEqual({ error: null, subcode: null });
  });
});

describe("token answers", () => {
  const now = Date.parse("2026-01-01T00:00:00Z");

  it("reads GitHub's comma-separated scopes, GitLab's spaces and Bitbucket's `scopes`, and expires_in", () => {
    expect(parseTokenBody({ access_token: "a", scope: "repo,read:user", token_type: "bearer" }, now)).toEqual({ accessToken: "a", refreshToken: null, expiresAt: null, scopes: ["repo", "read:user"] });
    expect(parseTokenBody({ access_token: "a", refresh_token: "r", expires_in: 7200, scope: "api read_user" }, now)).toEqual({
      accessToken: "a",
      refreshToken: "r",
      expiresAt: "2026-01-01T02:00:00.000Z",
      scopes: ["api", "read_user"],
    });
    expect(parseTokenBody({ access_token: "a", scopes: "account repository:write", expires_in: "3599" }, now)?.scopes).toEqual(["account", "repository:write"]);
  });

  it("finds no tokens in an error answer", () => {
    expect(parseTokenBody({ error: "bad_verification_code" })).toBeNull();
    expect(parseTokenBody({ access_token: "" })).toBeNull();
    expect(parseTokenBody(null)).toBeNull();
  });
});

describe("plain HTTP at the token endpoint", () => {
  it("is allowed on loopback hosts only (the provider sandbox), whatever the scheme's case or a trailing dot", () => {
    for (const url of ["http://127.0.0.1:4101/oauth/token", "http://127.9.9.9/t", "http://[::1]:8080/t", "http://localhost:3000/t", "http://sandbox.localhost/t", "HTTP://LOCALHOST./t"]) {
      expect(allowsPlainHttp(url), url).toBe(true);
    }
    for (const url of ["http://github.example.com/login/oauth/access_token", "http://10.0.0.5/t", "http://169.254.169.254/t", "http://localhost.example.com/t", "https://127.0.0.1/t", "not a url"]) {
      expect(allowsPlainHttp(url), url).toBe(false);
    }
  });
});

describe("failures without an answer", () => {
  const ctx = { grant: "authorization_code" as const, tokenUrl: "https://git.example.com/oauth/token", answer: null, secrets: [] };

  it("passes the transport's ProviderError and the caller's cancellation through unchanged", () => {
    const refused = new ProviderError("host_address_refused", "refused");
    expect(tokenEndpointFailure(refused, ctx)).toBe(refused);
    const reason = new DOMException("The operation was aborted due to timeout", "TimeoutError");
    expect(tokenEndpointFailure(reason, ctx)).toBe(reason);
  });
});

describe("calls refused before any request", () => {
  const endpoints = getProvider("gitlab").endpoints({ host: "gitlab.example.com", baseUrl: "https://gitlab.example.com" });
  const base = { endpoints, clientId: "client-1", clientSecret: "secret-1", code: "code-1", verifier: "v".repeat(43), redirectUri: "https://plane.example/cb", signal: new AbortController().signal };
  const style = { clientAuth: "body" } as const;

  it("an integration without a client secret, an attempt without a verifier, a connection without a refresh token", async () => {
    await expect(exchangeWithStyle({ ...base, clientSecret: "" }, style)).rejects.toMatchObject({ code: "oauth_client_invalid" });
    await expect(exchangeWithStyle({ ...base, verifier: "" }, style)).rejects.toMatchObject({ code: "oauth_provider_error" });
    await expect(refreshWithStyle({ ...base, refreshToken: "" }, style)).rejects.toMatchObject({ code: "credential_needs_reauth" });
  });

  it("a token endpoint that is not a URL, or not HTTP at all", async () => {
    await expect(exchangeWithStyle({ ...base, endpoints: { ...endpoints, tokenUrl: "not a url" } }, style)).rejects.toMatchObject({ code: "host_invalid" });
    await expect(exchangeWithStyle({ ...base, endpoints: { ...endpoints, tokenUrl: "ftp://gitlab.example.com/oauth/token" } }, style)).rejects.toMatchObject({ code: "host_invalid" });
  });
});
