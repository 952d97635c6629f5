import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSandbox, type Sandbox } from "../index";

/**
 * The Azure DevOps REST endpoints the agent tools use, driven over HTTP as Azure's own clients
 * send them (PAT over Basic, api-version on every call, JSON Patch for work items).
 */

let sandbox: Sandbox;
const ORG = "contoso";
const REPO = `${ORG}/Fabrikam/app`;
const SCOPES = ["vso.code_write", "vso.code_status", "vso.work_write", "vso.project"];
const tokens: Record<string, string> = {};

type Answer = { status: number; body: Record<string, unknown>; headers: Headers };

async function az(login: string, method: string, path: string, body?: unknown, opts: { version?: string; contentType?: string } = {}): Promise<Answer> {
  const url = new URL(`${sandbox.urls.azure.web}/${ORG}/${path}`);
  if (!url.searchParams.has("api-version")) url.searchParams.set("api-version", opts.version ?? "7.1");
  const headers: Record<string, string> = { authorization: `Basic ${Buffer.from(`:${tokens[login]}`).toString("base64")}`, accept: "application/json" };
  if (body !== undefined) headers["content-type"] = opts.contentType ?? "application/json";
  const response = await fetch(url, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await response.text();
  return { status: response.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {}, headers: response.headers };
}

const git = (path: string) => `Fabrikam/_apis/git/repositories/app/${path}`;
const patch = (fields: Record<string, unknown>) => Object.entries(fields).map(([k, v]) => ({ op: "add", path: `/fields/${k}`, value: v }));

beforeAll(async () => {
  sandbox = await startSandbox();
  for (const login of ["ado-owner", "ado-dev", "ado-reader"]) await sandbox.admin.createUser({ provider: "azure-devops", login, organizations: [ORG] });
  await sandbox.admin.createRepo({
    provider: "azure-devops",
    path: REPO,
    files: { "README.md": "# app\n\nOne.\nTwo.\n", "old.txt": "old\n" },
    branches: [{ name: "feature", files: { "README.md": "# app\n\nOne.\nTwo, changed.\n", "new.txt": "new\n" } }],
    collaborators: [
      { login: "ado-owner", permission: "admin" },
      { login: "ado-dev", permission: "write" },
      { login: "ado-reader", permission: "read" },
    ],
  });
  for (const login of ["ado-owner", "ado-dev", "ado-reader"]) tokens[login] = (await sandbox.admin.issuePat({ provider: "azure-devops", login, organizations: [ORG], scopes: SCOPES })).value;
  tokens.codeOnly = (await sandbox.admin.issuePat({ provider: "azure-devops", login: "ado-dev", organizations: [ORG], scopes: ["vso.code"] })).value;
});

afterAll(async () => {
  await sandbox?.close();
});

describe("Azure DevOps pull requests", () => {
  let id: number;

  it("creates, reads, lists and updates a pull request; a duplicate is TF401179 and a reader TF401027", async () => {
    const created = await az("ado-dev", "POST", git("pullrequests"), { sourceRefName: "refs/heads/feature", targetRefName: "refs/heads/main", title: "Feature", description: "Adds new.txt", isDraft: true });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ status: "active", isDraft: true, sourceRefName: "refs/heads/feature", createdBy: { uniqueName: "ado-dev@users.sandbox.test" }, repository: { name: "app", project: { name: "Fabrikam" } } });
    id = created.body.pullRequestId as number;
    const again = await az("ado-dev", "POST", git("pullrequests"), { sourceRefName: "refs/heads/feature", targetRefName: "refs/heads/main", title: "Again" });
    expect(again).toMatchObject({ status: 409, body: { message: "TF401179: An active pull request for the source and target branch already exists.", typeKey: "GitPullRequestExistsException", errorCode: 0, eventId: 3000 } });
    const reader = await az("ado-reader", "POST", git("pullrequests"), { sourceRefName: "refs/heads/feature", targetRefName: "refs/heads/main", title: "Mine" });
    expect(reader.status).toBe(403);
    expect(reader.body.message).toMatch(/^TF401027: You need the Git 'PullRequestContribute' permission/);
    expect((await az("ado-reader", "GET", git(`pullrequests/${id}`))).body).toMatchObject({ pullRequestId: id, title: "Feature" });
    expect(await az("ado-reader", "GET", git("pullrequests/999999"))).toMatchObject({ status: 404, body: { message: "TF401180: The requested pull request was not found." } });

    const updated = await az("ado-dev", "PATCH", git(`pullrequests/${id}`), { title: "Feature, ready", isDraft: false });
    expect(updated.body).toMatchObject({ title: "Feature, ready", isDraft: false });
    expect((await az("ado-dev", "PATCH", git(`pullrequests/${id}`), { status: "abandoned" })).body).toMatchObject({ status: "abandoned", closedDate: expect.any(String) });
    const abandoned = await az("ado-dev", "GET", git("pullrequests?searchCriteria.status=abandoned"));
    expect((abandoned.body.value as { pullRequestId: number }[]).map((p) => p.pullRequestId)).toEqual([id]);
    expect((await az("ado-dev", "GET", git("pullrequests"))).body.value).toEqual([]);
    expect((await az("ado-dev", "PATCH", git(`pullrequests/${id}`), { status: "active" })).body).toMatchObject({ status: "active" });
    const paged = await az("ado-dev", "GET", git("pullrequests?searchCriteria.status=all&$top=1&$skip=1"));
    expect(paged.body.value).toEqual([]);
  });

  it("lists iterations and their changes computed from git", async () => {
    const iterations = await az("ado-dev", "GET", git(`pullRequests/${id}/iterations`));
    expect(iterations.body).toMatchObject({ count: 1, value: [{ id: 1, reason: "create", sourceRefCommit: { commitId: expect.stringMatching(/^[0-9a-f]{40}$/) } }] });
    const changes = await az("ado-dev", "GET", git(`pullRequests/${id}/iterations/1/changes?$top=1`));
    expect(changes.body).toMatchObject({ changeEntries: [{ changeType: "edit", item: { path: "/README.md" } }], nextSkip: 1, nextTop: 1 });
    const rest = await az("ado-dev", "GET", git(`pullRequests/${id}/iterations/1/changes?$top=5&$skip=1`));
    expect(rest.body).toMatchObject({ changeEntries: [{ changeType: "add", item: { path: "/new.txt" } }], nextSkip: 0 });
  });

  it("keeps threads on lines and conversation threads; replies, resolves, and refuses a line past the file", async () => {
    const onLine = await az("ado-owner", "POST", git(`pullRequests/${id}/threads`), {
      comments: [{ parentCommentId: 0, content: "Why two?", commentType: 1 }],
      status: 1,
      threadContext: { filePath: "/README.md", rightFileStart: { line: 4, offset: 1 }, rightFileEnd: { line: 4, offset: 1 } },
    });
    expect(onLine.body).toMatchObject({ status: "active", threadContext: { filePath: "/README.md", rightFileStart: { line: 4 } }, comments: [{ id: 1, content: "Why two?", author: { uniqueName: "ado-owner@users.sandbox.test" } }] });
    const threadId = onLine.body.id as number;
    const past = await az("ado-owner", "POST", git(`pullRequests/${id}/threads`), { comments: [{ content: "x" }], threadContext: { filePath: "/README.md", rightFileStart: { line: 40, offset: 1 } } });
    expect(past.status).toBe(400);
    expect((await az("ado-owner", "POST", git(`pullRequests/${id}/threads`), { comments: [{ content: "x" }], threadContext: { filePath: "/gone.txt", leftFileStart: { line: 1, offset: 1 } } })).status).toBe(400);
    const reply = await az("ado-dev", "POST", git(`pullRequests/${id}/threads/${threadId}/comments`), { content: "Fixed.", parentCommentId: 1, commentType: "text" });
    expect(reply.body).toMatchObject({ id: 2, parentCommentId: 1, content: "Fixed." });
    expect((await az("ado-dev", "PATCH", git(`pullRequests/${id}/threads/${threadId}`), { status: "fixed" })).body).toMatchObject({ status: "fixed" });
    expect((await az("ado-reader", "POST", git(`pullRequests/${id}/threads/${threadId}/comments`), { content: "Me too" })).status).toBe(403);
    await az("ado-owner", "POST", git(`pullRequests/${id}/threads`), { comments: [{ content: "Overall fine." }] });
    const threads = (await az("ado-reader", "GET", git(`pullRequests/${id}/threads`))).body.value as { threadContext: unknown; comments: unknown[]; status: string }[];
    expect(threads.map((t) => [t.threadContext === null, t.comments.length, t.status])).toEqual([
      [false, 2, "fixed"],
      [true, 1, "active"],
    ]);
  });

  it("records a reviewer's vote with a system thread; only the reviewer sets their own vote", async () => {
    const dev = (await az("ado-dev", "GET", "_apis/connectionData")).body.authenticatedUser as { id: string };
    const voted = await az("ado-dev", "PUT", git(`pullRequests/${id}/reviewers/${dev.id}`), { vote: 10 });
    expect(voted.body).toMatchObject({ id: dev.id, vote: 10, uniqueName: "ado-dev@users.sandbox.test" });
    expect((await az("ado-owner", "PUT", git(`pullRequests/${id}/reviewers/${dev.id}`), { vote: -10 })).status).toBe(400);
    expect((await az("ado-dev", "GET", git(`pullrequests/${id}`))).body.reviewers).toMatchObject([{ id: dev.id, vote: 10 }]);
    const threads = (await az("ado-dev", "GET", git(`pullRequests/${id}/threads`))).body.value as { comments: { commentType: string; content: string }[] }[];
    expect(threads.at(-1)!.comments[0]).toMatchObject({ commentType: "system", content: "ado-dev voted 10" });
  });

  it("takes statuses a CI posts and policy evaluations the service records", async () => {
    const posted = await az("ado-dev", "POST", git(`pullRequests/${id}/statuses`), { state: "pending", description: "Build running", context: { name: "build", genre: "ci" }, targetUrl: "https://ci.example.test/1" });
    expect(posted.body).toMatchObject({ id: expect.any(Number), state: "pending", context: { name: "build", genre: "ci" } });
    expect((await az("codeOnly", "POST", git(`pullRequests/${id}/statuses`), { state: "failed", context: { name: "x" } })).status).toBe(401);
    expect((await az("ado-dev", "GET", git(`pullRequests/${id}/statuses`))).body).toMatchObject({ count: 1, value: [{ state: "pending" }] });

    const seeded = await sandbox.admin.setPolicyEvaluation({ repository: REPO, pullRequestId: id, type: "Build", displayName: "CI build", status: "running" });
    expect(seeded.artifactId).toMatch(/^vstfs:\/\/\/CodeReview\/CodeReviewId\/[0-9a-f-]{36}\/\d+$/);
    await sandbox.admin.setPolicyEvaluation({ repository: REPO, pullRequestId: id, type: "Build", displayName: "CI build", status: "approved" });
    const path = `Fabrikam/_apis/policy/evaluations?artifactId=${encodeURIComponent(seeded.artifactId)}`;
    expect((await az("ado-reader", "GET", path)).body.message).toMatch(/under preview/);
    const evaluations = await az("ado-reader", "GET", path, undefined, { version: "7.1-preview.1" });
    expect(evaluations.body).toMatchObject({ count: 1, value: [{ status: "approved", evaluationId: seeded.evaluationId, configuration: { isBlocking: true, settings: { displayName: "CI build" }, type: { displayName: "Build" } } }] });
  });
});

describe("Azure DevOps work items", () => {
  it("creates with JSON Patch only, reads with links, updates state, tags and assignee; readers get TF237111", async () => {
    const types = await az("ado-dev", "GET", "Fabrikam/_apis/wit/workitemtypes");
    expect((types.body.value as { name: string; states: { category: string }[] }[]).map((t) => t.name)).toEqual(["Epic", "Issue", "Task"]);
    const fields = patch({ "System.Title": "Crash on start", "System.Description": "<div>Steps</div>", "System.Tags": "bug; p1" });
    expect((await az("ado-dev", "POST", "Fabrikam/_apis/wit/workitems/$Issue", fields)).status).toBe(415);
    const created = await az("ado-dev", "POST", "Fabrikam/_apis/wit/workitems/$Issue", fields, { contentType: "application/json-patch+json" });
    expect(created.body).toMatchObject({ id: expect.any(Number), fields: { "System.State": "To Do", "System.WorkItemType": "Issue", "System.Tags": "bug; p1", "System.CreatedBy": { uniqueName: "ado-dev@users.sandbox.test" } } });
    const id = created.body.id as number;
    const read = await az("ado-reader", "GET", `_apis/wit/workitems/${id}?$expand=links`);
    expect(read.body).toMatchObject({ fields: { "System.Title": "Crash on start" }, _links: { html: { href: expect.stringMatching(new RegExp(`/contoso/Fabrikam/_workitems/edit/${id}$`)) } } });
    const updated = await az("ado-dev", "PATCH", `_apis/wit/workitems/${id}`, patch({ "System.State": "Done", "System.AssignedTo": "ado-owner@users.sandbox.test", "System.Tags": "bug" }), { contentType: "application/json-patch+json" });
    expect(updated.body).toMatchObject({ rev: 2, fields: { "System.State": "Done", "System.Tags": "bug", "System.AssignedTo": { uniqueName: "ado-owner@users.sandbox.test" } } });
    expect((await az("ado-dev", "PATCH", `_apis/wit/workitems/${id}`, patch({ "System.State": "Closed" }), { contentType: "application/json-patch+json" })).body.message).toMatch(/^TF401320: Rule Error for field State/);
    const denied = await az("ado-reader", "PATCH", `_apis/wit/workitems/${id}`, patch({ "System.Title": "Mine" }), { contentType: "application/json-patch+json" });
    expect(denied).toMatchObject({ status: 403, body: { message: expect.stringMatching(/^TF237111/) } });
    expect(await az("ado-reader", "GET", "_apis/wit/workitems/999999")).toMatchObject({ status: 404, body: { message: "TF401232: Work item 999999 does not exist, or you do not have permissions to read it." } });
    expect((await az("codeOnly", "GET", `_apis/wit/workitems/${id}`)).status).toBe(401);
    const tags = await az("ado-reader", "GET", "Fabrikam/_apis/wit/tags", undefined, { version: "7.1-preview.1" });
    expect((tags.body.value as { name: string }[]).map((t) => t.name)).toEqual(["bug", "p1"]);
  });

  it("answers the WIQL the tools send, and refuses other fields with TF51005", async () => {
    const make = (title: string, tags: string) => az("ado-dev", "POST", "Fabrikam/_apis/wit/workitems/$Task", patch({ "System.Title": title, "System.Tags": tags }), { contentType: "application/json-patch+json" });
    const a = (await make("Login fails on Safari", "ui")).body.id as number;
    const b = (await make("Logout button", "ui; p2")).body.id as number;
    const wiql = async (query: string, top?: number) => az("ado-dev", "POST", `Fabrikam/_apis/wit/wiql${top ? `?$top=${top}` : ""}`, { query });
    const ids = async (query: string, top?: number) => ((await wiql(query, top)).body.workItems as { id: number }[]).map((w) => w.id);
    const base = "SELECT [System.Id] FROM WorkItems WHERE [System.TeamProject] = @project";
    expect(await ids(`${base} AND [System.Tags] CONTAINS 'ui' ORDER BY [System.CreatedDate] DESC`)).toEqual([b, a]);
    expect(await ids(`${base} AND [System.Tags] CONTAINS 'ui' ORDER BY [System.CreatedDate] DESC`, 1)).toEqual([b]);
    expect(await ids(`${base} AND ([System.Title] CONTAINS 'safari' OR [System.Description] CONTAINS 'safari')`)).toEqual([a]);
    expect(await ids(`${base} AND [System.State] NOT IN ('Done') AND [System.Title] CONTAINS 'log' ORDER BY [System.Id] DESC`)).toEqual([b, a]);
    expect(await ids(`${base} AND [System.State] IN ('Done')`)).toHaveLength(1);
    const bad = await wiql(`${base} AND [Custom.Size] = 'L'`);
    expect(bad).toMatchObject({ status: 400, body: { message: "TF51005: The query references a field that does not exist. The error is caused by «[Custom.Size]»." } });
    expect((await wiql("SELECT [System.Id] FROM WorkItemLinks")).status).toBe(400);
    const listed = await az("ado-dev", "GET", `_apis/wit/workitems?ids=${b},${a}`);
    expect((listed.body.value as { id: number }[]).map((w) => w.id)).toEqual([b, a]);
  });

  it("pages comments oldest first with a continuation token (preview api-version only)", async () => {
    const id = (await az("ado-dev", "POST", "Fabrikam/_apis/wit/workitems/$Issue", patch({ "System.Title": "Commented" }), { contentType: "application/json-patch+json" })).body.id as number;
    const path = `Fabrikam/_apis/wit/workItems/${id}/comments`;
    expect((await az("ado-dev", "POST", path, { text: "first" })).status).toBe(400);
    for (const text of ["first", "second", "third"]) expect((await az("ado-dev", "POST", path, { text }, { version: "7.1-preview.4" })).body).toMatchObject({ text, workItemId: id });
    const first = await az("ado-reader", "GET", `${path}?$top=2&order=asc`, undefined, { version: "7.1-preview.4" });
    expect(first.body).toMatchObject({ totalCount: 3, count: 2, comments: [{ text: "first" }, { text: "second" }], continuationToken: expect.any(String) });
    expect(first.headers.get("x-ms-continuationtoken")).toBe(first.body.continuationToken);
    const next = await az("ado-reader", "GET", `${path}?$top=2&order=asc&continuationToken=${String(first.body.continuationToken)}`, undefined, { version: "7.1-preview.4" });
    expect(next.body).toMatchObject({ count: 1, comments: [{ text: "third" }] });
    expect(next.body.continuationToken).toBeUndefined();
    expect((await az("ado-reader", "POST", path, { text: "mine" }, { version: "7.1-preview.4" })).status).toBe(403);
  });

  it("names the project's default team and its members", async () => {
    const project = await az("ado-reader", "GET", "_apis/projects/Fabrikam");
    const team = project.body.defaultTeam as { id: string; name: string };
    expect(team.name).toBe("Fabrikam Team");
    const members = await az("ado-reader", "GET", `_apis/projects/Fabrikam/teams/${team.id}/members?$top=1&$skip=2`);
    expect(members.body).toMatchObject({ count: 1, value: [{ identity: { uniqueName: "ado-reader@users.sandbox.test" } }] });
    expect((await az("ado-reader", "GET", "_apis/projects/Nope")).body.message).toMatch(/^TF200016/);
  });
});
