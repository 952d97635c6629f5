import { existsSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSandbox, type Sandbox } from "../index";

describe("close()", () => {
  it("frees every port and the temp dir, even with a hanging request open", async () => {
    const sandbox = await startSandbox();
    await sandbox.admin.createUser({ provider: "github", login: "octocat" });
    await sandbox.admin.createRepo({ provider: "github", path: "octocat/app" });
    expect(existsSync(sandbox.tempDir)).toBe(true);
    await sandbox.admin.addFault({ provider: "gitlab", kind: "hang" });
    const hanging = fetch(`${sandbox.urls.gitlab.web}/api/v4/user`).then(
      () => "answered",
      (error: unknown) => error,
    );
    // The hanging request is known to the server once it is logged.
    await expect.poll(() => sandbox.admin.requests({ provider: "gitlab" }).length).toBe(1);

    await sandbox.close();
    expect(await hanging).toBeInstanceOf(Error);
    expect(existsSync(sandbox.tempDir)).toBe(false);
    const urls = [sandbox.adminUrl, sandbox.urls.github.web, sandbox.urls.github.api, sandbox.urls.gitlab.web, sandbox.urls.bitbucket.web, sandbox.urls.bitbucket.api, sandbox.urls.azure.web, sandbox.urls.azure.vssps, sandbox.urls.azure.entra];
    for (const url of urls) await expect(fetch(url)).rejects.toThrow(/fetch failed/);
    await sandbox.close();
  });

  it("binds fixed ports when asked", async () => {
    const first = await startSandbox();
    const port = (url: string) => Number(new URL(url).port);
    const ports = { github: { web: port(first.urls.github.web) }, admin: port(first.adminUrl) };
    await first.close();
    const second = await startSandbox({ ports });
    try {
      expect(second.urls.github.web).toBe(first.urls.github.web);
      expect(second.adminUrl).toBe(first.adminUrl);
    } finally {
      await second.close();
    }
  });
});

describe("HTTP admin API", () => {
  let sandbox: Sandbox;
  const call = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${sandbox.adminUrl}${path}`, {
      method,
      headers: { "content-type": "application/json" },
      body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> & { issues?: { path: string }[] } };
  };

  beforeAll(async () => {
    sandbox = await startSandbox();
  });

  afterAll(async () => {
    await sandbox?.close();
  });

  it("seeds users, apps, tokens and repositories and reads them back", async () => {
    expect((await call("GET", "/admin/health")).body).toMatchObject({ ok: true, urls: sandbox.urls });
    expect((await call("POST", "/admin/users", { provider: "gitlab", login: "dev", name: "Dev" })).status).toBe(201);
    const app = await call("POST", "/admin/oauth-apps", { provider: "azure-devops", callbackUrls: ["http://localhost:3000/cb"] });
    expect(app.body).toMatchObject({ provider: "azure-devops", tokenUrl: expect.stringMatching(/\/oauth2\/v2\.0\/token$/) });
    const token = await call("POST", "/admin/tokens", { provider: "gitlab", login: "dev", scopes: ["api"], expiresInSeconds: 3600 });
    expect(token).toMatchObject({ status: 201, body: { kind: "classic", scopes: ["api"], value: expect.stringMatching(/^glpat-/) } });
    expect((await call("GET", `/admin/tokens/${String(token.body.id)}`)).body.value).toBe(token.body.value);
    const repo = await call("POST", "/admin/repos", { provider: "gitlab", path: "team/sub/app", collaborators: [{ login: "dev", permission: "write" }] });
    expect(repo.body).toMatchObject({ path: "team/sub/app", defaultBranch: "main", headSha: expect.stringMatching(/^[0-9a-f]{40}$/) });
    expect((await call("PUT", "/admin/sign-in", { provider: "gitlab", login: "dev" })).status).toBe(200);
    expect((await call("PUT", "/admin/auto-approve", { provider: "all", enabled: true })).status).toBe(200);
    expect((await call("POST", "/admin/tokens/revoke", { id: token.body.id })).body).toEqual({ revoked: 1 });
    expect((await call("GET", "/admin/revocations")).body).toMatchObject([{ provider: "gitlab", kind: "token", via: "admin" }]);
    expect((await call("GET", "/admin/violations")).body).toEqual([]);
    expect((await call("GET", "/admin/token-endpoint-counters")).body).toHaveProperty("azure-devops");
    expect((await call("GET", "/admin/requests?provider=gitlab")).status).toBe(200);
  });

  it("validates what it is given", async () => {
    expect(await call("POST", "/admin/users", "{not json")).toMatchObject({ status: 400, body: { error: "invalid_request" } });
    const bad = await call("POST", "/admin/users", { provider: "svn", login: "a b", extra: 1 });
    expect(bad.status).toBe(400);
    expect(bad.body.issues?.map((i) => i.path).sort()).toEqual(["", "login", "provider"]);
    const wrongKind = await call("POST", "/admin/tokens", { provider: "gitlab", login: "dev", kind: "fine-grained" });
    expect(wrongKind.body.issues?.map((i) => i.path)).toEqual(["kind"]);
    expect((await call("POST", "/admin/repos", { provider: "azure-devops", path: "org/repo" })).status).toBe(400);
    expect((await call("POST", "/admin/tokens", { provider: "github", login: "ghost" })).status).toBe(404);
    expect((await call("POST", "/admin/users", { provider: "gitlab", login: "dev" })).status).toBe(409);
    expect((await call("GET", "/admin/nothing")).status).toBe(404);
    expect((await call("DELETE", "/admin/users")).status).toBe(405);
  });

  it("throws the same validation errors in process", async () => {
    await expect(sandbox.admin.createUser({ provider: "github", login: "a b" })).rejects.toMatchObject({ status: 400, issues: [{ path: "login" }] });
    await expect(sandbox.admin.addFault({ provider: "github", kind: "status" })).rejects.toMatchObject({ status: 400, issues: [{ path: "status" }] });
  });
});
