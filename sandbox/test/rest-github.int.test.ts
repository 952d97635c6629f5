import { Octokit } from "@octokit/rest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSandbox, type Sandbox } from "../index";

let sandbox: Sandbox;
let ownerToken: string;

/** Octokit logs every 4xx it sees; the tests provoke them on purpose. */
const quiet = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };

/** The HTTP status an Octokit call failed with (Octokit throws RequestError). */
async function statusOf(call: Promise<unknown>): Promise<number> {
  try {
    await call;
    return 200;
  } catch (error) {
    return (error as { status?: number }).status ?? -1;
  }
}

beforeAll(async () => {
  sandbox = await startSandbox();
  for (const login of ["octocat", "reader", "outsider"]) await sandbox.admin.createUser({ provider: "github", login });
  for (const name of ["app", "ghes-app"]) {
    await sandbox.admin.createRepo({
      provider: "github",
      path: `octocat/${name}`,
      files: { "README.md": "# app\n", "src/main.ts": "export {};\n" },
      branches: [{ name: "feature", files: { "README.md": "# app\n\nMore text.\n", "src/feature.ts": "export const feature = 1;\n" } }],
      collaborators: [{ login: "reader", permission: "read" }],
    });
  }
  ownerToken = (await sandbox.admin.issuePat({ provider: "github", login: "octocat", scopes: ["repo"] })).value;
});

afterAll(async () => {
  await sandbox?.close();
});

describe.each([
  { layout: "github.com", repo: "app", baseUrl: () => sandbox.urls.github.api },
  { layout: "Enterprise Server (/api/v3)", repo: "ghes-app", baseUrl: () => sandbox.urls.github.enterpriseApi },
])("Octokit against the $layout layout", ({ repo, baseUrl }) => {
  const client = () => new Octokit({ auth: ownerToken, baseUrl: baseUrl(), log: quiet });
  const owner = "octocat";

  it("creates, reads and lists a pull request, and comments on a diff line", async () => {
    const octokit = client();
    const { data: created, status } = await octokit.rest.pulls.create({ owner, repo, title: "Add feature", head: "feature", base: "main", body: "Please review" });
    expect(status).toBe(201);
    expect(created).toMatchObject({ number: 1, state: "open", head: { ref: "feature" }, base: { ref: "main" }, changed_files: 2, commits: 1 });
    expect(created.url.startsWith(baseUrl())).toBe(true);

    const { data: fetched } = await octokit.rest.pulls.get({ owner, repo, pull_number: created.number });
    expect(fetched.title).toBe("Add feature");
    const { data: listed } = await octokit.rest.pulls.list({ owner, repo, state: "open" });
    expect(listed.map((p) => p.number)).toEqual([created.number]);

    const { data: comment } = await octokit.rest.pulls.createReviewComment({
      owner,
      repo,
      pull_number: created.number,
      commit_id: created.head.sha,
      path: "README.md",
      line: 3,
      side: "RIGHT",
      body: "Say more?",
    });
    expect(comment).toMatchObject({ path: "README.md", line: 3, side: "RIGHT", commit_id: created.head.sha });
    expect(comment.diff_hunk).toContain("+More text.");
    const { data: reply } = await octokit.rest.pulls.createReviewComment({ owner, repo, pull_number: created.number, commit_id: created.head.sha, path: "README.md", body: "Done.", in_reply_to: comment.id });
    expect(reply.in_reply_to_id).toBe(comment.id);
    const { data: comments } = await octokit.rest.pulls.listReviewComments({ owner, repo, pull_number: created.number });
    expect(comments.map((c) => c.body)).toEqual(["Say more?", "Done."]);

    const outside = await statusOf(octokit.rest.pulls.createReviewComment({ owner, repo, pull_number: created.number, commit_id: created.head.sha, path: "README.md", line: 40, body: "x" }));
    expect(outside).toBe(422);
  });

  it("creates an issue, updates its state, labels and assignees, lists it and comments", async () => {
    const octokit = client();
    const { data: issue } = await octokit.rest.issues.create({ owner, repo, title: "Crash on start", body: "Steps...", labels: ["bug"], assignees: ["octocat"] });
    expect(issue).toMatchObject({ title: "Crash on start", state: "open", labels: [{ name: "bug" }], assignees: [{ login: "octocat" }] });

    const { data: updated } = await octokit.rest.issues.update({
      owner,
      repo,
      issue_number: issue.number,
      state: "closed",
      state_reason: "completed",
      labels: ["bug", "p1"],
      assignees: ["reader"],
    });
    expect(updated).toMatchObject({ state: "closed", state_reason: "completed", closed_by: { login: "octocat" } });
    expect(updated.labels.map((l) => (typeof l === "string" ? l : l.name))).toEqual(["bug", "p1"]);
    expect(updated.assignees?.map((a) => a.login)).toEqual(["reader"]);

    const { data: closed } = await octokit.rest.issues.listForRepo({ owner, repo, state: "closed", labels: "p1" });
    expect(closed.map((i) => i.number)).toEqual([issue.number]);
    const { data: comment } = await octokit.rest.issues.createComment({ owner, repo, issue_number: issue.number, body: "Fixed in #1" });
    expect(comment.body).toBe("Fixed in #1");
    const { data: comments } = await octokit.rest.issues.listComments({ owner, repo, issue_number: issue.number });
    expect(comments).toHaveLength(1);
  });
});

describe("GitHub permissions", () => {
  const octokitFor = (token: string) => new Octokit({ auth: token, baseUrl: sandbox.urls.github.api, log: quiet });
  const repo = { owner: "octocat", repo: "app" };

  it("a read-only collaborator may open issues, but their labels are dropped and they cannot open pull requests", async () => {
    const token = (await sandbox.admin.issuePat({ provider: "github", login: "reader", scopes: ["repo"] })).value;
    const octokit = octokitFor(token);
    const { data: issue } = await octokit.rest.issues.create({ ...repo, title: "Question", labels: ["bug"] });
    expect(issue.labels).toEqual([]);
    const pull = await statusOf(octokit.rest.pulls.create({ ...repo, title: "x", head: "feature", base: "main" }));
    expect(pull).toBe(403);
    const { data: others } = await octokitFor(ownerToken).rest.issues.create({ ...repo, title: "Owner's issue" });
    expect(await statusOf(octokit.rest.issues.update({ ...repo, issue_number: others.number, state: "closed" }))).toBe(403);
    const { data: own } = await octokit.rest.issues.update({ ...repo, issue_number: issue.number, state: "closed" });
    expect(own.state).toBe("closed");
  });

  it("a read-only fine-grained token gets 403, a stranger's token 404", async () => {
    const readOnly = await sandbox.admin.issuePat({ provider: "github", login: "octocat", kind: "fine-grained", repositories: { "octocat/app": "read" } });
    const octokit = octokitFor(readOnly.value);
    expect((await octokit.rest.repos.get(repo)).status).toBe(200);
    try {
      await octokit.rest.issues.create({ ...repo, title: "x" });
      expect.unreachable();
    } catch (error) {
      expect(error).toMatchObject({ status: 403, response: { data: { message: "Resource not accessible by personal access token" } } });
    }
    const stranger = (await sandbox.admin.issuePat({ provider: "github", login: "outsider" })).value;
    expect(await statusOf(octokitFor(stranger).rest.repos.get(repo))).toBe(404);
    expect(await statusOf(octokitFor(stranger).rest.issues.create({ ...repo, title: "x" }))).toBe(404);
  });

  it("every GitHub response matched GitHub's OpenAPI description", () => {
    expect(sandbox.admin.validatedResponses()).toBeGreaterThan(20);
    expect(sandbox.admin.violations()).toEqual([]);
  });
});
