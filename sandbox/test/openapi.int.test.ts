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
const post = (url: string, body: unknown, auth = `token ${token}`) => fetch(url, { method: "POST", headers: { authorization: auth }, body: JSON.stringify(body) });

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

  it("accepts the pull request review answers: created, pending, listed, fetched and refused", async () => {
    const api = sandbox.urls.github.api;
    const reviews = `${api}/repos/octocat/app/pulls/1/reviews`;
    const before = sandbox.admin.validatedResponses();
    expect((await post(`${api}/repos/octocat/app/pulls`, { title: "Dev", head: "dev", base: "main" })).status).toBe(201);
    const created = await post(reviews, { event: "COMMENT", body: "Fine.", comments: [{ path: "a.txt", line: 1, body: "New file." }] });
    const pending = await post(reviews, {});
    const { id } = (await created.json()) as { id: number };
    const answers = await Promise.all([
      get(reviews),
      get(`${reviews}/${id}`),
      get(`${reviews}/${id + 1000}`),
      post(reviews, { event: "APPROVE" }),
      post(reviews, { event: "COMMENT", body: "Again." }),
      post(reviews, { event: "SHIP_IT" }),
    ]);
    expect([created.status, pending.status, ...answers.map((r) => r.status)]).toEqual([200, 200, 200, 200, 404, 422, 422, 422]);
    expect(sandbox.admin.validatedResponses()).toBeGreaterThanOrEqual(before + 9);
    expect(sandbox.admin.violations()).toEqual([]);
  });

  it("accepts the answers of files, review requests, replies, statuses, checks, search, labels and assignees", async () => {
    const api = sandbox.urls.github.api;
    const base = `${api}/repos/octocat/app`;
    // Not a collaborator: the review request is GitHub's 422 (the 201 is checked in rest-github).
    await sandbox.admin.createUser({ provider: "github", login: "helper" });
    const pulls = (await (await get(`${base}/pulls?state=all`)).json()) as { number: number; head: { sha: string } }[];
    const pull = pulls[0]!;
    await sandbox.admin.createCheckRun({ repository: "octocat/app", sha: pull.head.sha, name: "build", status: "in_progress" });
    const comments = (await (await get(`${base}/pulls/${pull.number}/comments`)).json()) as { id: number }[];
    const before = sandbox.admin.validatedResponses();
    const answers = [
      await get(`${base}/pulls/${pull.number}/files`),
      await post(`${base}/pulls/${pull.number}/requested_reviewers`, { reviewers: ["helper"] }),
      await post(`${base}/pulls/${pull.number}/comments/${comments[0]!.id}/replies`, { body: "Noted." }),
      await post(`${base}/pulls/${pull.number}/comments/999999/replies`, { body: "x" }),
      await post(`${base}/statuses/${pull.head.sha}`, { state: "pending", context: "ci", target_url: "https://ci.example.test/1" }),
      await get(`${base}/commits/${pull.head.sha}/status`),
      await get(`${base}/commits/dev/status`),
      await get(`${base}/commits/${pull.head.sha}/check-runs`),
      await get(`${api}/search/issues?q=${encodeURIComponent("repo:octocat/app is:pr")}`),
      await get(`${api}/search/issues?q=${encodeURIComponent("repo:octocat/app is:issue")}`),
      await get(`${base}/labels`),
      await get(`${base}/assignees`),
    ];
    expect(answers.map((r) => r.status)).toEqual([200, 422, 201, 404, 201, 200, 200, 200, 200, 200, 200, 200]);
    expect(sandbox.admin.validatedResponses()).toBeGreaterThanOrEqual(before + answers.length);
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

  it("reports a pull request review that does not match its schema", async () => {
    const path = "/repos/octocat/app/pulls/1/reviews";
    await sandbox.admin.addFault({ provider: "github", host: "api", path, kind: "status", status: 200, body: [{ id: 1, state: "APPROVED" }], count: 1 });
    expect((await get(`${sandbox.urls.github.api}${path}`)).status).toBe(200);
    const violation = sandbox.admin.violations().at(-1);
    expect(violation).toMatchObject({ path, status: 200, operation: "GET /repos/{owner}/{repo}/pulls/{pull_number}/reviews" });
    expect(violation?.errors.join("\n")).toMatch(/node_id|required/);
  });
});
