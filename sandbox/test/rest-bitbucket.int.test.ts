import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSandbox, type Sandbox } from "../index";

/**
 * Bitbucket Cloud's REST 2.0 endpoints the agent tools use, through plain fetch with API tokens
 * (Basic, the account's email) as Bitbucket documents them: pull requests, comments and threads,
 * approvals, build statuses, diffstat and diff from the real git repository, issues with the
 * tracker on and off, workspace members, and the permission and scope refusals' bodies.
 */

let sandbox: Sandbox;
const repo = "bb-owner/app";
const ALL = ["read:user:bitbucket", "read:repository:bitbucket", "write:repository:bitbucket", "read:pullrequest:bitbucket", "write:pullrequest:bitbucket", "read:issue:bitbucket", "write:issue:bitbucket"];
type Answer = { status: number; headers: Headers; body: Record<string, unknown> & { values?: Record<string, unknown>[] }; text: string };
type Client = { get(path: string): Promise<Answer>; send(method: string, path: string, body?: unknown): Promise<Answer> };

async function clientFor(login: string, scopes = ALL): Promise<Client> {
  const token = await sandbox.admin.issuePat({ provider: "bitbucket", login, scopes });
  const auth = `Basic ${Buffer.from(`${login}@users.sandbox.test:${token.value}`).toString("base64")}`;
  const call = async (method: string, path: string, body?: unknown): Promise<Answer> => {
    const response = await fetch(`${sandbox.urls.bitbucket.api}/2.0${path}`, {
      method,
      redirect: "manual",
      headers: { authorization: auth, ...(body === undefined ? {} : { "content-type": "application/json" }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    const json = (response.headers.get("content-type") ?? "").includes("json") && text ? (JSON.parse(text) as Answer["body"]) : {};
    return { status: response.status, headers: response.headers, body: json, text };
  };
  return { get: (path) => call("GET", path), send: call };
}

let owner: Client;
let reviewer: Client;
let reader: Client;

beforeAll(async () => {
  sandbox = await startSandbox();
  for (const login of ["bb-owner", "bb-reviewer", "bb-reader", "bb-outsider"]) await sandbox.admin.createUser({ provider: "bitbucket", login });
  await sandbox.admin.createRepo({
    provider: "bitbucket",
    path: repo,
    files: { "README.md": "# app\n\nThe app.\n", "old.txt": "gone\n" },
    branches: [{ name: "feature", files: { "README.md": "# app\n\nThe app, explained.\n", "new.txt": "hello\n" } }],
    collaborators: [
      { login: "bb-reviewer", permission: "write" },
      { login: "bb-reader", permission: "read" },
    ],
  });
  [owner, reviewer, reader] = await Promise.all([clientFor("bb-owner"), clientFor("bb-reviewer"), clientFor("bb-reader")]);
});

afterAll(async () => {
  await sandbox?.close();
});

const pulls = `/repositories/${repo}/pullrequests`;

describe("Bitbucket pull requests", () => {
  it("creates, reads, lists (state and BBQL), updates and declines a pull request", async () => {
    const created = await owner.send("POST", pulls, { title: "Explain", description: "Why", source: { branch: { name: "feature" } }, reviewers: [{ nickname: "bb-reviewer" }] });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ type: "pullrequest", id: 1, state: "OPEN", draft: false, source: { branch: { name: "feature" } }, destination: { branch: { name: "main" } }, author: { nickname: "bb-owner" }, reviewers: [{ nickname: "bb-reviewer" }] });
    expect(String((created.body.source as { commit: { hash: string } }).commit.hash)).toMatch(/^[0-9a-f]{12}$/);
    expect((created.body.links as { html: { href: string } }).html.href).toBe(`${sandbox.urls.bitbucket.web}/${repo}/pull-requests/1`);

    const again = await owner.send("POST", pulls, { title: "Again", source: { branch: { name: "feature" } } });
    expect(again).toMatchObject({ status: 400, body: { type: "error", error: { message: expect.stringContaining("already an open pull request") } } });
    expect((await owner.send("POST", pulls, { title: "None", source: { branch: { name: "nope" } } })).body).toMatchObject({ error: { fields: { source: [expect.any(String)] } } });

    expect((await owner.get(`${pulls}?q=${encodeURIComponent('source.branch.name = "feature" AND title ~ "expl"')}`)).body.values?.map((p) => p.id)).toEqual([1]);
    expect((await owner.get(`${pulls}?state=DECLINED`)).body.values).toEqual([]);
    expect((await owner.get(`${pulls}?q=${encodeURIComponent("title ~")}`)).status).toBe(400);

    const updated = await owner.send("PUT", `${pulls}/1`, { title: "Explain the app", draft: true });
    expect(updated.body).toMatchObject({ title: "Explain the app", draft: true, description: "Why" });
    const declined = await owner.send("POST", `${pulls}/1/decline`);
    expect(declined.body).toMatchObject({ state: "DECLINED", closed_by: { nickname: "bb-owner" } });
    expect((await owner.send("PUT", `${pulls}/1`, { title: "Back" })).status).toBe(400);
    expect((await owner.get(`${pulls}?state=DECLINED&state=MERGED`)).body.values?.map((p) => p.id)).toEqual([1]);
    expect((await owner.get(`${pulls}/99`)).body).toEqual({ type: "error", error: { message: "Resource not found" } });
  });

  it("answers a read-only member's write with Bitbucket's 403, an outsider with 404, and a missing scope with the granted scopes", async () => {
    expect(await reader.send("POST", pulls, { title: "Mine", source: { branch: { name: "feature" } } })).toMatchObject({ status: 403, body: { type: "error", error: { message: "Forbidden" } } });
    const outsider = await clientFor("bb-outsider");
    expect((await outsider.get(pulls)).status).toBe(404);
    const narrow = await clientFor("bb-owner", ["read:user:bitbucket", "read:repository:bitbucket"]);
    expect(await narrow.get(pulls)).toMatchObject({ status: 403, body: { error: { detail: { required: ["read:pullrequest:bitbucket"] } } } });
  });

  it("comments inline and replies (the reply inherits the line), resolves the thread, approves and requests changes", async () => {
    const pr = (await owner.send("POST", pulls, { title: "Second", source: { branch: { name: "feature" } } })).body;
    const comments = `${pulls}/${String(pr.id)}/comments`;
    const inline = await reviewer.send("POST", comments, { content: { raw: "Which app?" }, inline: { path: "README.md", to: 3 } });
    expect(inline).toMatchObject({ status: 201, body: { type: "pullrequest_comment", inline: { path: "README.md", to: 3, from: null }, user: { nickname: "bb-reviewer" } } });
    expect((await reviewer.send("POST", comments, { content: { raw: "x" }, inline: { path: "README.md", to: 40 } })).body).toMatchObject({ error: { fields: { inline: [expect.any(String)] } } });
    expect((await reviewer.send("POST", comments, { content: { raw: "x" }, inline: { path: "untouched.md", to: 1 } })).status).toBe(400);
    const reply = await owner.send("POST", comments, { content: { raw: "This one." }, parent: { id: inline.body.id } });
    expect(reply.body).toMatchObject({ parent: { id: inline.body.id }, inline: { path: "README.md", to: 3 } });
    await reader.send("POST", comments, { content: { raw: "Looks fine." } });
    const listed = await owner.get(`${comments}?pagelen=2`);
    expect(listed.body).toMatchObject({ size: 3, pagelen: 2, next: expect.stringContaining("page=2") });
    expect((await owner.get(`${comments}?q=${encodeURIComponent("inline = null")}`)).body.values?.map((c) => (c.content as { raw: string }).raw)).toEqual(["Looks fine."]);

    expect((await reviewer.send("POST", `${comments}/${String(reply.body.id)}/resolve`)).status).toBe(400);
    expect((await reviewer.send("POST", `${comments}/${String(inline.body.id)}/resolve`)).body).toMatchObject({ type: "comment_resolution", user: { nickname: "bb-reviewer" } });
    expect((await owner.get(`${comments}/${String(inline.body.id)}`)).body.resolution).toBeTruthy();
    expect((await owner.send("DELETE", `${comments}/${String(inline.body.id)}/resolve`)).status).toBe(204);
    expect((await owner.get(`${comments}/${String(inline.body.id)}`)).body.resolution).toBeUndefined();

    expect((await reader.send("POST", `${pulls}/${String(pr.id)}/approve`)).body).toMatchObject({ type: "participant", approved: true, state: "approved", user: { nickname: "bb-reader" } });
    expect((await reviewer.send("POST", `${pulls}/${String(pr.id)}/request-changes`)).body).toMatchObject({ state: "changes_requested", approved: false });
    const participants = (await owner.get(`${pulls}/${String(pr.id)}`)).body.participants as { user: { nickname: string }; state: string | null }[];
    expect(participants.map((p) => [p.user.nickname, p.state])).toEqual(
      expect.arrayContaining([
        ["bb-reader", "approved"],
        ["bb-reviewer", "changes_requested"],
      ]),
    );
  });

  it("redirects diffstat and diff to the revision range, and serves them from git", async () => {
    const pr = (await owner.get(`${pulls}?state=OPEN`)).body.values![0]!;
    const redirect = await owner.get(`${pulls}/${String(pr.id)}/diffstat`);
    expect(redirect.status).toBe(302);
    const location = new URL(redirect.headers.get("location")!);
    expect(location.pathname).toMatch(new RegExp(`/2.0/repositories/${repo}/diffstat/[0-9a-f]{12}\\.\\.[0-9a-f]{12}$`));
    expect(location.searchParams.get("topic")).toBe("true");
    const stat = await owner.get(`${location.pathname.replace(/^\/2\.0/, "")}${location.search}`);
    expect(stat.body.values?.map((v) => [v.status, (v.new as { path: string } | null)?.path ?? (v.old as { path: string }).path, v.lines_added, v.lines_removed])).toEqual([
      ["modified", "README.md", 1, 1],
      ["added", "new.txt", 1, 0],
    ]);
    const diff = await owner.get(`${location.pathname.replace(/^\/2\.0/, "").replace("/diffstat/", "/diff/")}?topic=true&path=README.md`);
    expect(diff.text).toContain("+The app, explained.");
    expect(diff.text).not.toContain("new.txt");
  });

  it("takes build statuses from CI (write access) and lists them for the pull request's head", async () => {
    const pr = (await owner.get(`${pulls}?state=OPEN`)).body.values![0]!;
    const hash = (pr.source as { commit: { hash: string } }).commit.hash;
    const build = `/repositories/${repo}/commit/${hash}/statuses/build`;
    expect((await reader.send("POST", build, { state: "INPROGRESS", key: "ci", url: "https://ci.example.test/1" })).status).toBe(403);
    expect((await reviewer.send("POST", build, { state: "NOPE", key: "ci", url: "https://ci.example.test/1" })).status).toBe(400);
    expect((await reviewer.send("POST", build, { state: "INPROGRESS", key: "ci", name: "Build", url: "https://ci.example.test/1" })).body).toMatchObject({ type: "commitstatus", state: "INPROGRESS", key: "ci" });
    await reviewer.send("POST", build, { state: "SUCCESSFUL", key: "ci", name: "Build", url: "https://ci.example.test/1" });
    const statuses = await owner.get(`${pulls}/${String(pr.id)}/statuses`);
    expect(statuses.body.values?.map((s) => [s.key, s.state, s.name])).toEqual([["ci", "SUCCESSFUL", "Build"]]);
    const commit = await owner.get(`/repositories/${repo}/commit/${hash}`);
    expect(String(commit.body.hash)).toMatch(new RegExp(`^${hash}[0-9a-f]{28}$`));
    expect((await owner.get(`/repositories/${repo}/refs/branches/feature`)).body).toMatchObject({ name: "feature", target: { hash: commit.body.hash } });
    expect((await owner.get(`/repositories/${repo}/refs/branches/nope`)).status).toBe(404);
  });
});

describe("Bitbucket issues and workspaces", () => {
  const issues = `/repositories/${repo}/issues`;

  it("answers 404 'Repository has no issue tracker.' until an admin turns the tracker on", async () => {
    expect(await owner.get(issues)).toMatchObject({ status: 404, body: { type: "error", error: { message: "Repository has no issue tracker." } } });
    const admin = [...ALL, "admin:repository:bitbucket"];
    expect(await (await clientFor("bb-reviewer", admin)).send("PUT", `/repositories/${repo}`, { has_issues: true })).toMatchObject({ status: 403, body: { error: { message: "Forbidden" } } });
    expect((await owner.send("PUT", `/repositories/${repo}`, { has_issues: true })).body).toMatchObject({ error: { detail: { required: ["admin:repository:bitbucket"] } } });
    expect((await (await clientFor("bb-owner", admin)).send("PUT", `/repositories/${repo}`, { has_issues: true })).body).toMatchObject({ has_issues: true });
    expect((await owner.get(issues)).body).toMatchObject({ values: [], size: 0 });
  });

  it("creates, finds, updates and comments on issues, with components and one assignee", async () => {
    await sandbox.admin.configureBitbucketRepo({ path: repo, components: ["backend", "frontend"] });
    const created = await reader.send("POST", issues, { title: "Crash on start", content: { raw: "It crashes." }, component: { name: "backend" } });
    expect(created.body).toMatchObject({ id: 1, state: "new", kind: "bug", priority: "major", reporter: { nickname: "bb-reader" }, component: { name: "backend" }, content: { raw: "It crashes." } });
    expect((await reader.send("POST", issues, { title: "x", component: { name: "nope" } })).body).toMatchObject({ error: { fields: { component: [expect.any(String)] } } });
    await owner.send("POST", issues, { title: "Slow page" });
    expect((await owner.get(`${issues}?q=${encodeURIComponent('(state = "new" OR state = "open") AND title ~ "CRASH"')}`)).body.values?.map((i) => i.id)).toEqual([1]);
    expect((await owner.get(`${issues}?sort=-id&pagelen=1`)).body).toMatchObject({ values: [{ id: 2 }], next: expect.any(String) });

    expect((await reviewer.send("PUT", `${issues}/1`, { state: "resolved", assignee: { uuid: "{not-a-user}" } })).status).toBe(400);
    const members = await owner.get("/workspaces/bb-owner/members");
    const reviewerUuid = members.body.values?.map((m) => m.user as { nickname: string; uuid: string }).find((u) => u.nickname === "bb-reviewer")?.uuid;
    expect(members.body.values?.map((m) => (m.user as { nickname: string }).nickname)).toEqual(["bb-owner", "bb-reviewer", "bb-reader"]);
    const updated = await reviewer.send("PUT", `${issues}/1`, { state: "resolved", assignee: { uuid: reviewerUuid }, component: null });
    expect(updated.body).toMatchObject({ state: "resolved", assignee: { nickname: "bb-reviewer" }, component: null });
    const outsider = await clientFor("bb-outsider");
    expect((await outsider.get("/workspaces/bb-owner/members")).status).toBe(404);

    const comment = await outsider.send("POST", `${issues}/1/comments`, { content: { raw: "Me too" } });
    expect(comment.status).toBe(404);
    expect((await reader.send("POST", `${issues}/1/comments`, { content: { raw: "Thanks" } })).body).toMatchObject({ type: "issue_comment", content: { raw: "Thanks" }, user: { nickname: "bb-reader" } });
    expect((await owner.get(`${issues}/1/comments`)).body.values?.map((c) => (c.content as { raw: string }).raw)).toEqual(["Thanks"]);
    expect((await owner.get(`/repositories/${repo}/components`)).body.values?.map((c) => c.name)).toEqual(["backend", "frontend"]);
  });
});
