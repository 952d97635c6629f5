import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSandbox, type Sandbox } from "../index";

let sandbox: Sandbox;
let token: string;

beforeAll(async () => {
  sandbox = await startSandbox();
  await sandbox.admin.createUser({ provider: "github", login: "octocat" });
  await sandbox.admin.createRepo({ provider: "github", path: "octocat/app", branches: [{ name: "dev", files: { "a.txt": "a\n" } }] });
  token = (await sandbox.admin.issuePat({ provider: "github", login: "octocat" })).value;
});

afterAll(async () => {
  await sandbox?.close();
});

const get = (url: string, auth = `token ${token}`) => fetch(url, { headers: { authorization: auth } });

describe("GitHub responses against GitHub's OpenAPI description", () => {
  it("accepts the sandbox's own answers, errors included, on both layouts", async () => {
    const api = sandbox.urls.github.api;
    const answers = await Promise.all([
      get(`${api}/user`),
      get(`${api}/user/repos`),
      get(`${api}/rate_limit`),
      get(`${api}/repos/octocat/app`),
      get(`${api}/repos/octocat/app/branches`),
      get(`${api}/repos/octocat/app/branches/dev`),
      get(`${api}/repos/octocat/app/issues?state=all`),
      get(`${api}/repos/octocat/app/pulls`),
      get(`${api}/repos/octocat/nope`),
      get(`${api}/user`, "token ghp_unknown"),
      get(`${sandbox.urls.github.enterpriseApi}/repos/octocat/app`),
      fetch(`${api}/repos/octocat/app/issues`, { method: "POST", headers: { authorization: `token ${token}` }, body: "{}" }),
    ]);
    expect(answers.map((r) => r.status)).toEqual([200, 200, 200, 200, 200, 200, 200, 200, 404, 401, 200, 422]);
    expect(sandbox.admin.validatedResponses()).toBeGreaterThanOrEqual(answers.length);
    expect(sandbox.admin.violations()).toEqual([]);
  });

  it("reports a body that does not match its schema", async () => {
    await sandbox.admin.addFault({ provider: "github", host: "api", path: "/user", kind: "status", status: 200, body: { login: 42 }, count: 1 });
    expect((await get(`${sandbox.urls.github.api}/user`)).status).toBe(200);
    const [violation] = sandbox.admin.violations();
    expect(violation).toMatchObject({ method: "GET", path: "/user", status: 200, operation: "GET /user" });
    expect(violation?.errors.join("\n")).toMatch(/login|required/);
  });

  it("reports an undocumented success status, on the Enterprise Server layout as well", async () => {
    await sandbox.admin.addFault({ provider: "github", host: "web", path: "/api/v3/repos/", kind: "status", status: 201, body: {}, count: 1 });
    expect((await get(`${sandbox.urls.github.enterpriseApi}/repos/octocat/app`)).status).toBe(201);
    expect(sandbox.admin.violations().at(-1)).toMatchObject({
      path: "/api/v3/repos/octocat/app",
      operation: "GET /repos/{owner}/{repo}",
      errors: ["status 201 is not documented for GET /repos/{owner}/{repo}"],
    });
  });
});
