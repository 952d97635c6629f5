import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSandbox, type Sandbox } from "../index";
import { basic } from "./support/oauth-client";

let sandbox: Sandbox;

beforeAll(async () => {
  sandbox = await startSandbox();
  await sandbox.admin.createUser({ provider: "github", login: "octocat" });
  await sandbox.admin.createUser({ provider: "gitlab", login: "gitlab-user" });
  await sandbox.admin.createUser({ provider: "bitbucket", login: "bb-user", email: "bb-user@example.com" });
  await sandbox.admin.createUser({ provider: "azure-devops", login: "ado-user", email: "ado@contoso.test", organizations: ["contoso", "fabrikam"] });
  await sandbox.admin.createRepo({ provider: "github", path: "acme/widgets", collaborators: [{ login: "octocat", permission: "write" }] });
});

afterAll(async () => {
  await sandbox?.close();
});

const get = (url: string, authorization?: string) => fetch(url, { headers: authorization ? { authorization } : {} });

describe("GitHub PATs", () => {
  it("a classic PAT lists its scopes in X-OAuth-Scopes and its expiry", async () => {
    const pat = await sandbox.admin.issuePat({ provider: "github", login: "octocat", scopes: ["repo", "read:user"], expiresInSeconds: 86_400 });
    expect(pat.value).toMatch(/^ghp_[A-Za-z0-9]{36}$/);
    const response = await get(`${sandbox.urls.github.api}/user`, `token ${pat.value}`);
    expect(response.status).toBe(200);
    expect(response.headers.get("x-oauth-scopes")).toBe("repo, read:user");
    expect(response.headers.get("github-authentication-token-expiration")).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC$/);
    expect(response.headers.get("x-ratelimit-limit")).toBe("5000");
    expect(((await response.json()) as { login: string }).login).toBe("octocat");
  });

  it("a fine-grained PAT carries no scopes header, on github.com and Enterprise Server layouts", async () => {
    const pat = await sandbox.admin.issuePat({ provider: "github", login: "octocat", kind: "fine-grained", repositories: { "acme/widgets": "read" } });
    expect(pat.value).toMatch(/^github_pat_/);
    for (const base of [sandbox.urls.github.api, sandbox.urls.github.enterpriseApi]) {
      const response = await get(`${base}/user`, `Bearer ${pat.value}`);
      expect(response.status).toBe(200);
      expect(response.headers.get("x-oauth-scopes")).toBeNull();
      expect(response.headers.get("x-github-enterprise-version")).toBe(base === sandbox.urls.github.api ? null : "3.17.0");
    }
  });

  it("expired, revoked and unknown tokens get 401 Bad credentials", async () => {
    const expired = await sandbox.admin.issuePat({ provider: "github", login: "octocat", expiresInSeconds: -60 });
    const revoked = await sandbox.admin.issuePat({ provider: "github", login: "octocat" });
    await sandbox.admin.revokeToken({ id: revoked.id });
    for (const value of [expired.value, revoked.value, "ghp_000000000000000000000000000000000000"]) {
      const response = await get(`${sandbox.urls.github.api}/user`, `token ${value}`);
      expect(response.status).toBe(401);
      expect(await response.json()).toEqual({ message: "Bad credentials", documentation_url: "https://docs.github.com/rest", status: "401" });
    }
  });

  it("a token not authorized for an organization's SAML SSO gets 403 with X-GitHub-SSO", async () => {
    const pat = await sandbox.admin.issuePat({ provider: "github", login: "octocat", ssoUnauthorizedOrgs: ["acme"] });
    const response = await get(`${sandbox.urls.github.api}/repos/acme/widgets`, `token ${pat.value}`);
    expect(response.status).toBe(403);
    expect(response.headers.get("x-github-sso")).toMatch(/^required; url=http:\/\/127\.0\.0\.1:\d+\/orgs\/acme\/sso\?authorization_request=/);
    // The same token still works where SSO is not enforced.
    expect((await get(`${sandbox.urls.github.api}/user`, `token ${pat.value}`)).status).toBe(200);
  });
});

describe("GitLab PATs", () => {
  const self = () => `${sandbox.urls.gitlab.web}/api/v4/personal_access_tokens/self`;

  it("introspects itself through /personal_access_tokens/self", async () => {
    const pat = await sandbox.admin.issuePat({ provider: "gitlab", login: "gitlab-user", scopes: ["read_api", "read_repository"], expiresInSeconds: 86_400 * 30 });
    expect(pat.value).toMatch(/^glpat-/);
    const response = await fetch(self(), { headers: { "PRIVATE-TOKEN": pat.value } });
    expect(response.status).toBe(200);
    const body = (await response.json()) as Record<string, unknown>;
    expect(body).toMatchObject({ id: pat.id, scopes: ["read_api", "read_repository"], active: true, revoked: false });
    expect(body.expires_at).toBe(pat.expiresAt?.slice(0, 10));
  });

  it("answers expired, revoked and unknown tokens as GitLab does", async () => {
    const expired = await sandbox.admin.issuePat({ provider: "gitlab", login: "gitlab-user", expiresInSeconds: -60 });
    const revoked = await sandbox.admin.issuePat({ provider: "gitlab", login: "gitlab-user" });
    await sandbox.admin.revokeToken({ value: revoked.value });
    const answer = async (token: string) => {
      const response = await get(self(), `Bearer ${token}`);
      return { status: response.status, body: (await response.json()) as Record<string, unknown> };
    };
    expect(await answer(expired.value)).toEqual({ status: 401, body: { error: "invalid_token", error_description: "Token is expired. You can either do re-authorization or token refresh." } });
    expect(await answer(revoked.value)).toEqual({ status: 401, body: { error: "invalid_token", error_description: "Token was revoked. You have to re-authorize from the user." } });
    expect(await answer("glpat-unknown")).toEqual({ status: 401, body: { message: "401 Unauthorized" } });
  });

  it("refuses an API call the token's scopes do not cover with 403 insufficient_scope", async () => {
    const pat = await sandbox.admin.issuePat({ provider: "gitlab", login: "gitlab-user", scopes: ["read_user"] });
    const response = await get(`${sandbox.urls.gitlab.web}/api/v4/projects`, `Bearer ${pat.value}`);
    expect(response.status).toBe(403);
    expect(((await response.json()) as { error: string }).error).toBe("insufficient_scope");
  });
});

describe("Bitbucket API tokens", () => {
  it("authenticate with the account email over Basic, not the username and not as Bearer", async () => {
    const token = await sandbox.admin.issuePat({ provider: "bitbucket", login: "bb-user" });
    expect(token.email).toBe("bb-user@example.com");
    expect(token.value).toMatch(/^ATATT/);
    const me = await get(`${sandbox.urls.bitbucket.api}/2.0/user`, basic(token.email ?? "", token.value));
    expect(me.status).toBe(200);
    expect(await me.json()).toMatchObject({ username: "bb-user", type: "user", account_status: "active" });
    expect((await get(`${sandbox.urls.bitbucket.api}/2.0/user`, basic("bb-user", token.value))).status).toBe(401);
    expect((await get(`${sandbox.urls.bitbucket.api}/2.0/user`, `Bearer ${token.value}`)).status).toBe(401);
  });

  it("rejects expired and revoked tokens, and missing scopes with 403", async () => {
    const expired = await sandbox.admin.issuePat({ provider: "bitbucket", login: "bb-user", expiresInSeconds: -1 });
    const revoked = await sandbox.admin.issuePat({ provider: "bitbucket", login: "bb-user" });
    await sandbox.admin.revokeToken({ id: revoked.id });
    for (const token of [expired, revoked]) {
      const response = await get(`${sandbox.urls.bitbucket.api}/2.0/user`, basic("bb-user@example.com", token.value));
      expect(response.status).toBe(401);
      expect(response.headers.get("www-authenticate")).toContain("Basic");
    }
    const narrow = await sandbox.admin.issuePat({ provider: "bitbucket", login: "bb-user", scopes: ["read:repository:bitbucket"] });
    const response = await get(`${sandbox.urls.bitbucket.api}/2.0/user`, basic("bb-user@example.com", narrow.value));
    expect(response.status).toBe(403);
  });
});

describe("Azure DevOps PATs", () => {
  const pat = (value: string) => basic("", value);

  it("a global PAT reads the profile and connection data", async () => {
    const token = await sandbox.admin.issuePat({ provider: "azure-devops", login: "ado-user" });
    expect(token.global).toBe(true);
    const profile = await get(`${sandbox.urls.azure.vssps}/_apis/profile/profiles/me?api-version=7.1`, pat(token.value));
    expect(profile.status).toBe(200);
    const me = (await profile.json()) as { id: string; emailAddress: string; displayName: string };
    expect(me.emailAddress).toBe("ado@contoso.test");
    const accounts = await get(`${sandbox.urls.azure.vssps}/_apis/accounts?memberId=${me.id}&api-version=7.1`, pat(token.value));
    expect(((await accounts.json()) as { value: { accountName: string }[] }).value.map((a) => a.accountName)).toEqual(["contoso", "fabrikam"]);
    const data = await get(`${sandbox.urls.azure.web}/contoso/_apis/connectionData`, pat(token.value));
    expect(data.status).toBe(200);
    expect(await data.json()).toMatchObject({ authenticatedUser: { id: me.id, providerDisplayName: me.displayName }, deploymentType: "hosted" });
  });

  it("an organization-scoped PAT works in its organization only and is marked as not global", async () => {
    const token = await sandbox.admin.issuePat({ provider: "azure-devops", login: "ado-user", organizations: ["contoso"] });
    expect(token).toMatchObject({ global: false, organizations: ["contoso"] });
    expect((await sandbox.admin.getToken({ id: token.id })).global).toBe(false);
    expect((await get(`${sandbox.urls.azure.web}/contoso/_apis/connectionData`, pat(token.value))).status).toBe(200);
    expect((await get(`${sandbox.urls.azure.web}/fabrikam/_apis/connectionData`, pat(token.value))).status).toBe(401);
    expect((await get(`${sandbox.urls.azure.vssps}/_apis/profile/profiles/me`, pat(token.value))).status).toBe(401);
  });

  it("answers an invalid, expired or revoked PAT with 203 and the HTML sign-in page", async () => {
    const expired = await sandbox.admin.issuePat({ provider: "azure-devops", login: "ado-user", expiresInSeconds: -60 });
    const revoked = await sandbox.admin.issuePat({ provider: "azure-devops", login: "ado-user" });
    await sandbox.admin.revokeToken({ id: revoked.id });
    for (const value of ["not-a-real-pat", expired.value, revoked.value]) {
      const response = await get(`${sandbox.urls.azure.web}/contoso/_apis/connectionData`, pat(value));
      expect(response.status).toBe(203);
      expect(response.headers.get("content-type")).toContain("text/html");
      expect(await response.text()).toContain("Sign In");
    }
    const anonymous = await get(`${sandbox.urls.azure.web}/contoso/_apis/connectionData`);
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get("www-authenticate")).toMatch(/Bearer authorization_uri=.*Basic realm=/);
  });
});

describe("unknown routes", () => {
  it("answer with each provider's own 404 body", async () => {
    const json = async (url: string) => {
      const response = await get(url);
      return { status: response.status, body: await response.json() };
    };
    expect(await json(`${sandbox.urls.github.api}/no/such/route`)).toEqual({
      status: 404,
      body: { message: "Not Found", documentation_url: "https://docs.github.com/rest", status: "404" },
    });
    expect(await json(`${sandbox.urls.gitlab.web}/api/v4/no/such/route`)).toEqual({ status: 404, body: { error: "404 Not Found" } });
    expect(await json(`${sandbox.urls.bitbucket.api}/2.0/no/such/route`)).toMatchObject({ status: 404, body: { type: "error", error: { message: "Resource not found" } } });
    expect(await json(`${sandbox.urls.azure.web}/contoso/_apis/nothing/here/at/all`)).toMatchObject({ status: 404, body: { typeKey: "HttpException" } });
  });

  it("leave no GitHub response outside the OpenAPI description", () => {
    expect(sandbox.admin.violations()).toEqual([]);
  });
});
