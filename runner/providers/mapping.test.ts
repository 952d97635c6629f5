import { describe, expect, it } from "vitest";
import { getProvider, providerIds } from "@/lib/providers";
import { azureDevopsClient, azureFailure } from "./azure-devops/client";
import { bitbucketTokenKind, grantedScopesOf } from "./bitbucket/client";
import { GITHUB_SCOPE_IMPLICATIONS, githubFailure, parseGithubExpiration } from "./github/client";
import { GITLAB_SCOPE_IMPLICATIONS, gitlabFailure } from "./gitlab/client";
import type { HttpAnswer } from "./http";
import { providerClients } from "./index";
import { ProviderError } from "./provider-error";
import { missingScopes } from "./scopes";

function answer(status: number, body: unknown, headers: Record<string, string> = {}, contentType = "application/json"): HttpAnswer {
  return { status, headers: new Headers(headers), contentType, body };
}

const gh = { host: "github.example.com", webUrl: "https://github.example.com", source: "pat" as const };

describe("GitHub", () => {
  it("reads the token expiration header in its UTC and offset forms", () => {
    expect(parseGithubExpiration("2026-05-01 12:00:00 UTC")).toBe("2026-05-01T12:00:00.000Z");
    expect(parseGithubExpiration("2026-05-01 04:00:00 -0800")).toBe("2026-05-01T12:00:00.000Z");
    expect(parseGithubExpiration(null)).toBeNull();
    expect(parseGithubExpiration("soon")).toBeNull();
  });

  it("maps SSO enforcement, bad credentials and rate limits", () => {
    const sso = githubFailure(answer(403, { message: "Resource protected by organization SAML enforcement." }, { "x-github-sso": "required; url=https://github.example.com/orgs/acme/sso?authorization_request=1" }), gh);
    expect(sso).toMatchObject({ code: "sso_authorization_required", detail: { helpUrl: "https://github.example.com/orgs/acme/sso?authorization_request=1" } });
    // A link to another host is not passed on.
    const foreign = githubFailure(answer(403, {}, { "x-github-sso": "required; url=https://evil.example/x" }), gh);
    expect(foreign.detail.helpUrl).toBeUndefined();
    expect(githubFailure(answer(401, { message: "Bad credentials" }), gh)).toMatchObject({ code: "pat_invalid", detail: { status: 401, providerError: "Bad credentials" } });
    expect(githubFailure(answer(401, {}), { ...gh, source: "oauth" }).code).toBe("credential_needs_reauth");
    expect(githubFailure(answer(403, {}, { "x-ratelimit-remaining": "0", "x-ratelimit-reset": "9999999999" }), gh).code).toBe("rate_limited");
    expect(githubFailure(answer(404, undefined, {}, "text/html"), gh).code).toBe("api_unexpected_response");
  });

  it("counts broader classic scopes as covering narrower ones", () => {
    expect(missingScopes(["repo", "user"], ["repo", "read:user", "public_repo"], GITHUB_SCOPE_IMPLICATIONS)).toEqual([]);
    expect(missingScopes(["public_repo"], ["repo", "read:user"], GITHUB_SCOPE_IMPLICATIONS)).toEqual(["repo", "read:user"]);
  });
});

describe("GitLab", () => {
  const gl = { host: "gitlab.example.com", source: "pat" as const };
  const invalidToken = (description: string) => answer(401, { error: "invalid_token", error_description: description });

  it("tells expired, revoked and unknown tokens apart", () => {
    expect(gitlabFailure(invalidToken("Token is expired. You can either do re-authorization or token refresh."), gl).code).toBe("pat_expired");
    expect(gitlabFailure(invalidToken("Token was revoked. You have to re-authorize from the user."), gl)).toMatchObject({ code: "pat_invalid", message: expect.stringContaining("revoked") });
    expect(gitlabFailure(answer(401, { message: "401 Unauthorized" }), gl).code).toBe("pat_invalid");
    expect(gitlabFailure(invalidToken("Token is expired."), { ...gl, source: "oauth" }).code).toBe("credential_needs_reauth");
    expect(gitlabFailure(answer(403, { error: "insufficient_scope", scope: "api read_api read_user" }), gl).code).toBe("pat_missing_scopes");
  });

  it("counts `api` as covering profile and repository access", () => {
    expect(missingScopes(["api"], ["api", "read_user", "write_repository"], GITLAB_SCOPE_IMPLICATIONS)).toEqual([]);
    expect(missingScopes(["read_repository"], ["api", "read_user", "write_repository"], GITLAB_SCOPE_IMPLICATIONS)).toEqual(["api", "read_user", "write_repository"]);
  });
});

describe("Bitbucket", () => {
  it("tells API tokens, app passwords and access tokens apart by prefix", () => {
    expect(bitbucketTokenKind("ATATT3xFfGF0abc")).toBe("api_token");
    expect(bitbucketTokenKind("ATBBxyz")).toBe("app_password");
    expect(bitbucketTokenKind("ATCTT3xFfGN0abc")).toBe("access_token");
    expect(bitbucketTokenKind("something-else")).toBe("unknown");
  });

  it("reads the granted scopes from a 403", () => {
    const lacking = answer(403, { type: "error", error: { message: "Your credentials lack one or more required privilege scopes.", detail: { granted: ["read:user:bitbucket"], required: ["read:repository:bitbucket"] } } });
    expect(grantedScopesOf(lacking)).toEqual(["read:user:bitbucket"]);
    expect(grantedScopesOf(answer(403, { type: "error", error: { message: "Forbidden" } }))).toBeNull();
  });
});

describe("Azure DevOps", () => {
  const az = { host: "dev.azure.com", source: "pat" as const };

  it("reads the 203 sign-in page and a redirect to sign-in as an invalid PAT", () => {
    expect(azureFailure(answer(203, undefined, {}, "text/html; charset=utf-8"), az)).toMatchObject({ code: "pat_invalid", detail: { status: 203 } });
    expect(azureFailure(answer(302, undefined, { location: "https://login.example/" }, ""), az).code).toBe("pat_invalid");
    expect(azureFailure(answer(401, { typeKey: "UnauthorizedRequestException" }), az)).toMatchObject({ code: "pat_invalid", detail: { providerError: "UnauthorizedRequestException" } });
    expect(azureFailure(answer(203, undefined, {}, "text/html"), { ...az, source: "oauth" }).code).toBe("credential_needs_reauth");
  });

  it("on Azure DevOps Services, asks for the organization before sending the PAT anywhere", async () => {
    const endpoints = getProvider("azure_devops").endpoints({ host: "dev.azure.com", baseUrl: "https://dev.azure.com" });
    const error = await azureDevopsClient
      .validatePat({ endpoints, token: "p".repeat(52), requiredScopes: [], signal: new AbortController().signal })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({ code: "validation_failed", fieldErrors: { organization: [expect.any(String)] } });
  });
});

describe("registry", () => {
  it("has a client for every provider, and git credentials agree with lib/providers' git user names", () => {
    expect(Object.keys(providerClients).sort()).toEqual([...providerIds].sort());
    for (const id of providerIds) {
      const client = providerClients[id];
      expect(client.id).toBe(id);
      for (const source of ["oauth", "pat"] as const) {
        expect(client.gitCredentials(source, "someone", "t0ken")).toEqual({ username: getProvider(id).gitUsername(source, "someone"), password: "t0ken" });
      }
    }
    expect(providerClients.github.gitCredentials("oauth", null, "t").username).toBe("x-access-token");
    expect(providerClients.gitlab.gitCredentials("oauth", null, "t").username).toBe("oauth2");
    expect(providerClients.bitbucket.gitCredentials("oauth", null, "t").username).toBe("x-token-auth");
  });
});
