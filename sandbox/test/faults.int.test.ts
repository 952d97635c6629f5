import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startSandbox, type Sandbox } from "../index";
import { GitClient } from "./support/git-client";
import { basic } from "./support/oauth-client";

let sandbox: Sandbox;
let git: GitClient;
const tokens: Record<string, string> = {};

beforeAll(async () => {
  [sandbox, git] = await Promise.all([startSandbox(), GitClient.create()]);
  await sandbox.admin.createUser({ provider: "github", login: "octocat" });
  await sandbox.admin.createUser({ provider: "gitlab", login: "gitlab-user" });
  await sandbox.admin.createUser({ provider: "bitbucket", login: "bb-user", email: "bb@example.com" });
  await sandbox.admin.createUser({ provider: "azure-devops", login: "ado-user", organizations: ["contoso"] });
  await sandbox.admin.createRepo({ provider: "github", path: "octocat/app" });
  tokens.github = (await sandbox.admin.issuePat({ provider: "github", login: "octocat" })).value;
  tokens.gitlab = (await sandbox.admin.issuePat({ provider: "gitlab", login: "gitlab-user" })).value;
  tokens.bitbucket = (await sandbox.admin.issuePat({ provider: "bitbucket", login: "bb-user" })).value;
  tokens.azure = (await sandbox.admin.issuePat({ provider: "azure-devops", login: "ado-user" })).value;
});

afterEach(async () => {
  await sandbox.admin.clearFaults();
});

afterAll(async () => {
  await Promise.all([sandbox?.close(), git?.dispose()]);
});

const githubUser = (init: RequestInit = {}) => fetch(`${sandbox.urls.github.api}/user`, { ...init, headers: { authorization: `token ${tokens.github}` } });
const gitlabUser = (init: RequestInit = {}) => fetch(`${sandbox.urls.gitlab.web}/api/v4/user`, { ...init, headers: { "PRIVATE-TOKEN": tokens.gitlab ?? "" } });

describe("latency, hang and unreachable", () => {
  it("latency delays matching requests by the given time, for `count` requests", async () => {
    await sandbox.admin.addFault({ provider: "github", path: "/user", kind: "latency", latencyMs: 250, count: 1 });
    const started = performance.now();
    expect((await githubUser()).status).toBe(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(240);
    expect(sandbox.admin.faults()).toEqual([]);
    // The fault is used up: the next request is not delayed. Said by the sandbox's own log rather
    // than by a stopwatch, which a busy machine can hold past any threshold.
    expect((await githubUser()).status).toBe(200);
    const logged = sandbox.admin.requests({ provider: "github" }).filter((r) => r.path === "/user");
    expect(logged.slice(-2).map((r) => r.fault)).toEqual(["latency", null]);
  });

  it("hang never answers: the client gives up, and the sandbox logs the unanswered request", async () => {
    await sandbox.admin.addFault({ provider: "gitlab", path: "/api/v4/user", kind: "hang" });
    await expect(gitlabUser({ signal: AbortSignal.timeout(200) })).rejects.toThrow(/timeout|aborted/i);
    const logged = sandbox.admin.requests({ provider: "gitlab" }).filter((r) => r.fault === "hang");
    expect(logged).toMatchObject([{ path: "/api/v4/user", status: 0 }]);
  });

  it("unreachable drops the connection, for the API and for git", async () => {
    await sandbox.admin.addFault({ provider: "github", kind: "unreachable" });
    await expect(githubUser()).rejects.toThrow(/fetch failed/);
    const result = await git.run(["ls-remote", `${sandbox.urls.github.web}/octocat/app.git`], { credentials: { username: "x-access-token", password: tokens.github ?? "" } });
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/Empty reply|unable to access|Recv failure|reset/i);
  });
});

describe("status faults answer in each provider's own format", () => {
  it.each([
    { status: 401, message: "Bad credentials" },
    { status: 403, message: "API rate limit exceeded for user ID", limited: true },
    { status: 403, message: "secondary rate limit", limited: true, retryAfterSeconds: 90 },
    { status: 429, message: "You have exceeded a secondary rate limit", limited: true, retryAfterSeconds: 30 },
    { status: 500, message: "Server Error" },
    { status: 502, message: "Server Error" },
  ])("GitHub $status $message", async ({ status, message, limited, retryAfterSeconds }) => {
    await sandbox.admin.addFault({ provider: "github", host: "api", kind: "status", status, retryAfterSeconds });
    const response = await githubUser();
    expect(response.status).toBe(status);
    const body = (await response.json()) as { message: string; documentation_url: string };
    expect(body.message).toContain(message);
    expect(body.documentation_url).toMatch(/^https:\/\/docs\.github\.com\//);
    // The primary limit (403 without a wait) has no Retry-After; secondary limits do.
    expect(response.headers.get("retry-after")).toBe(retryAfterSeconds === undefined ? null : String(retryAfterSeconds));
    if (limited) {
      expect(response.headers.get("x-ratelimit-remaining")).toBe("0");
      expect(Number(response.headers.get("x-ratelimit-reset"))).toBeGreaterThan(Date.now() / 1000);
    }
  });

  it("GitLab, Bitbucket and Azure DevOps rate limits carry their own headers", async () => {
    await sandbox.admin.addFault({ provider: "gitlab", kind: "status", status: 429, retryAfterSeconds: 5 });
    await sandbox.admin.addFault({ provider: "bitbucket", kind: "status", status: 429 });
    await sandbox.admin.addFault({ provider: "azure-devops", host: "web", kind: "status", status: 429, retryAfterSeconds: 7 });
    const gitlab = await gitlabUser();
    expect([gitlab.status, gitlab.headers.get("retry-after"), gitlab.headers.get("ratelimit-remaining")]).toEqual([429, "5", "0"]);
    const bitbucket = await fetch(`${sandbox.urls.bitbucket.api}/2.0/user`, { headers: { authorization: basic("bb@example.com", tokens.bitbucket ?? "") } });
    expect([bitbucket.status, bitbucket.headers.get("retry-after")]).toEqual([429, "60"]);
    expect(await bitbucket.json()).toMatchObject({ type: "error", error: { message: expect.stringContaining("Rate limit") } });
    const azure = await fetch(`${sandbox.urls.azure.web}/contoso/_apis/connectionData`, { headers: { authorization: basic("", tokens.azure ?? "") } });
    expect([azure.status, azure.headers.get("retry-after"), azure.headers.get("x-ratelimit-resource")]).toEqual([429, "7", "Core"]);
  });

  it("GitLab's 502 is its HTML error page", async () => {
    await sandbox.admin.addFault({ provider: "gitlab", kind: "status", status: 502 });
    const response = await gitlabUser();
    expect([response.status, response.headers.get("content-type")]).toEqual([502, "text/html; charset=utf-8"]);
    expect(await response.text()).toContain("GitLab is not responding (502)");
  });

  it("a fault's own headers and body override the defaults", async () => {
    await sandbox.admin.addFault({ provider: "gitlab", kind: "status", status: 502, body: { message: "upstream down" }, headers: { "X-Request-Id": "abc" } });
    const response = await gitlabUser();
    expect([response.status, response.headers.get("x-request-id")]).toEqual([502, "abc"]);
    expect(await response.json()).toEqual({ message: "upstream down" });
  });

  it("a status fault on a git path fails git itself", async () => {
    await sandbox.admin.addFault({ provider: "github", host: "web", pathRegex: "/info/refs$", kind: "status", status: 500 });
    const result = await git.run(["ls-remote", `${sandbox.urls.github.web}/octocat/app.git`], { credentials: { username: "x-access-token", password: tokens.github ?? "" } });
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain("500");
  });
});

describe("sso_required and expire_tokens", () => {
  it("sso_required answers GitHub's 403 with X-GitHub-SSO, and Entra's interaction_required", async () => {
    await sandbox.admin.addFault({ provider: "github", kind: "sso_required", path: "/repos/" });
    const response = await fetch(`${sandbox.urls.github.api}/repos/octocat/app`, { headers: { authorization: `token ${tokens.github}` } });
    expect(response.status).toBe(403);
    expect(response.headers.get("x-github-sso")).toMatch(/^required; url=http:\/\/127\.0\.0\.1:\d+\/orgs\/octocat\/sso/);
    expect(((await response.json()) as { message: string }).message).toContain("SAML enforcement");
    await sandbox.admin.addFault({ provider: "github", host: "web", kind: "sso_required", path: "/api/v3/user" });
    const ghes = await fetch(`${sandbox.urls.github.enterpriseApi}/user`, { headers: { authorization: `token ${tokens.github}` } });
    expect(ghes.headers.get("x-github-sso")).toMatch(/\/orgs\/sso-enforcing-org\/sso\?/);

    await sandbox.admin.addFault({ provider: "azure-devops", host: "entra", kind: "sso_required" });
    const entra = await fetch(`${sandbox.urls.azure.entra}/common/oauth2/v2.0/token`, { method: "POST", body: new URLSearchParams({ grant_type: "refresh_token" }) });
    expect(entra.status).toBe(400);
    expect(await entra.json()).toMatchObject({ error: "interaction_required", error_codes: [50076] });
  });

  it("expire_tokens makes every valid token answer as expired while it lasts", async () => {
    await sandbox.admin.addFault({ provider: "github", kind: "expire_tokens", count: 1 });
    await sandbox.admin.addFault({ provider: "gitlab", kind: "expire_tokens", count: 1 });
    expect((await githubUser()).status).toBe(401);
    expect((await githubUser()).status).toBe(200);
    const gitlab = await gitlabUser();
    expect(await gitlab.json()).toMatchObject({ error: "invalid_token", error_description: expect.stringContaining("expired") });
    expect((await gitlabUser()).status).toBe(200);
  });
});

describe("matching", () => {
  it("filters on host, method and path regex, and counts hits", async () => {
    const fault = await sandbox.admin.addFault({ provider: "github", host: "web", method: "GET", pathRegex: "^/api/v3/user$", kind: "status", status: 500 });
    expect((await githubUser()).status).toBe(200);
    const ghes = await fetch(`${sandbox.urls.github.enterpriseApi}/user`, { headers: { authorization: `token ${tokens.github}` } });
    expect(ghes.status).toBe(500);
    const post = await fetch(`${sandbox.urls.github.enterpriseApi}/user`, { method: "POST", headers: { authorization: `token ${tokens.github}` } });
    expect(post.status).toBe(404);
    expect(sandbox.admin.faults()).toMatchObject([{ id: fault.id, hits: 1, remaining: null }]);
  });

  it("is managed over the HTTP admin API too, with validation", async () => {
    const post = (body: unknown) => fetch(`${sandbox.adminUrl}/admin/faults`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
    const bad = await post({ provider: "gitlab", host: "api", kind: "latency" });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { issues: { path: string }[] }).issues.map((i) => i.path).sort()).toEqual(["host", "latencyMs"]);
    expect((await post({ provider: "gitlab", kind: "status", status: 500, count: 2 })).status).toBe(201);
    const listed = (await (await fetch(`${sandbox.adminUrl}/admin/faults`)).json()) as unknown[];
    expect(listed).toHaveLength(1);
    expect((await gitlabUser()).status).toBe(500);
    const cleared = await fetch(`${sandbox.adminUrl}/admin/faults?provider=gitlab`, { method: "DELETE" });
    expect(await cleared.json()).toEqual({ removed: 1 });
    expect((await gitlabUser()).status).toBe(200);
  });
});
