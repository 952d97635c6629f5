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
  for (const login of ["octocat", "reader", "reviewer", "outsider"]) await sandbox.admin.createUser({ provider: "github", login });
  for (const name of ["app", "ghes-app"]) {
    await sandbox.admin.createRepo({
      provider: "github",
      path: `octocat/${name}`,
      files: { "README.md": "# app\n", "src/main.ts": "export {};\n" },
      branches: [{ name: "feature", files: { "README.md": "# app\n\nMore text.\n", "src/feature.ts": "export const feature = 1;\n" } }],
      collaborators: [{ login: "reader", permission: "read" }],
    });
  }
  await sandbox.admin.createRepo({
    provider: "github",
    path: "octocat/reviewed",
    files: { "README.md": "# app\n", "src/main.ts": "export {};\n" },
    branches: [{ name: "feature", files: { "README.md": "# app\n\nMore text.\n", "src/feature.ts": "export const feature = 1;\n" } }],
    collaborators: [
      { login: "reader", permission: "read" },
      { login: "reviewer", permission: "write" },
    ],
  });
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

describe("pull request reviews", () => {
  const repo = { owner: "octocat", repo: "reviewed" };
  const octokitFor = (token: string, baseUrl = sandbox.urls.github.api) => new Octokit({ auth: token, baseUrl, log: quiet });
  let owner: Octokit;
  let reviewer: Octokit;
  let pull: { number: number; headSha: string };

  /** The 422 body an Octokit call failed with. */
  async function refusal(call: Promise<unknown>): Promise<{ status: number; data: unknown }> {
    try {
      await call;
    } catch (error) {
      const { status, response } = error as { status: number; response?: { data: unknown } };
      return { status, data: response?.data };
    }
    throw new Error("the call succeeded");
  }

  beforeAll(async () => {
    owner = octokitFor(ownerToken);
    reviewer = octokitFor((await sandbox.admin.issuePat({ provider: "github", login: "reviewer", scopes: ["repo"] })).value);
    const { data } = await owner.rest.pulls.create({ ...repo, title: "Add feature", head: "feature", base: "main" });
    pull = { number: data.number, headSha: data.head.sha };
  });

  it("creates an APPROVE, a REQUEST_CHANGES and a COMMENT review, then lists and gets them", async () => {
    const pull_number = pull.number;
    const { data: approved, status } = await reviewer.rest.pulls.createReview({ ...repo, pull_number, event: "APPROVE" });
    expect(status).toBe(200);
    expect(approved).toMatchObject({
      state: "APPROVED",
      body: "",
      commit_id: pull.headSha,
      user: { login: "reviewer" },
      author_association: "COLLABORATOR",
      html_url: `${sandbox.urls.github.web}/octocat/reviewed/pull/${pull_number}#pullrequestreview-${approved.id}`,
      pull_request_url: `${sandbox.urls.github.api}/repos/octocat/reviewed/pulls/${pull_number}`,
      _links: { html: { href: approved.html_url }, pull_request: { href: approved.pull_request_url } },
    });
    expect(Date.parse(approved.submitted_at!)).toBeGreaterThan(Date.now() - 60_000);

    const { data: changes } = await reviewer.rest.pulls.createReview({ ...repo, pull_number, event: "REQUEST_CHANGES", body: "Please add a test." });
    expect(changes).toMatchObject({ state: "CHANGES_REQUESTED", body: "Please add a test." });
    // The author may comment on their own pull request.
    const { data: comment } = await owner.rest.pulls.createReview({ ...repo, pull_number, event: "COMMENT", body: "Test added.", commit_id: pull.headSha });
    expect(comment).toMatchObject({ state: "COMMENTED", body: "Test added.", user: { login: "octocat" }, author_association: "OWNER" });

    const { data: listed } = await owner.rest.pulls.listReviews({ ...repo, pull_number });
    expect(listed.map((r) => [r.id, r.state, r.user?.login])).toEqual([
      [approved.id, "APPROVED", "reviewer"],
      [changes.id, "CHANGES_REQUESTED", "reviewer"],
      [comment.id, "COMMENTED", "octocat"],
    ]);
    const { data: page } = await owner.rest.pulls.listReviews({ ...repo, pull_number, per_page: 2, page: 2 });
    expect(page.map((r) => r.id)).toEqual([comment.id]);
    const { data: fetched } = await owner.rest.pulls.getReview({ ...repo, pull_number, review_id: changes.id });
    expect(fetched).toEqual(changes);
    // On the Enterprise Server layout the links point under /api/v3.
    const { data: onGhes } = await octokitFor(ownerToken, sandbox.urls.github.enterpriseApi).rest.pulls.getReview({ ...repo, pull_number, review_id: changes.id });
    expect(onGhes.pull_request_url).toBe(`${sandbox.urls.github.enterpriseApi}/repos/octocat/reviewed/pulls/${pull_number}`);
  });

  it("refuses the author's own APPROVE and REQUEST_CHANGES with GitHub's 422, and stores nothing", async () => {
    const before = (await owner.rest.pulls.listReviews({ ...repo, pull_number: pull.number })).data.length;
    expect(await refusal(owner.rest.pulls.createReview({ ...repo, pull_number: pull.number, event: "APPROVE" }))).toMatchObject({
      status: 422,
      data: { message: "Unprocessable Entity", errors: ["Can not approve your own pull request"] },
    });
    expect(await refusal(owner.rest.pulls.createReview({ ...repo, pull_number: pull.number, event: "REQUEST_CHANGES", body: "Hmm." }))).toMatchObject({
      status: 422,
      data: { message: "Unprocessable Entity", errors: ["Can not request changes on your own pull request"] },
    });
    expect((await owner.rest.pulls.listReviews({ ...repo, pull_number: pull.number })).data).toHaveLength(before);
  });

  it("REQUEST_CHANGES or COMMENT without a body, and an unknown event, are 422", async () => {
    for (const event of ["REQUEST_CHANGES", "COMMENT"] as const) {
      const { status, data } = await refusal(reviewer.rest.pulls.createReview({ ...repo, pull_number: pull.number, event }));
      expect(status).toBe(422);
      expect(data).toMatchObject({ message: "Unprocessable Entity", errors: [expect.stringContaining(event)] });
    }
    const unknown = await refusal(reviewer.rest.pulls.createReview({ ...repo, pull_number: pull.number, event: "MERGE" as "APPROVE" }));
    expect(unknown).toMatchObject({ status: 422, data: { message: expect.stringMatching(/^Invalid request\.[\s\S]*"MERGE" is not one of/) } });
  });

  it("stores a review's inline comments as review comments linked to it, all or nothing", async () => {
    const pull_number = pull.number;
    const { data: review } = await reviewer.rest.pulls.createReview({
      ...repo,
      pull_number,
      event: "COMMENT",
      body: "Two notes.",
      comments: [
        { path: "README.md", line: 3, side: "RIGHT", body: "Say more?" },
        // The legacy diff position: the first line below the file's first hunk header.
        { path: "src/feature.ts", position: 1, body: "Name it better." },
      ],
    });
    const { data: comments } = await owner.rest.pulls.listReviewComments({ ...repo, pull_number });
    expect(comments).toMatchObject([
      { pull_request_review_id: review.id, path: "README.md", line: 3, side: "RIGHT", body: "Say more?", commit_id: pull.headSha, user: { login: "reviewer" } },
      { pull_request_review_id: review.id, path: "src/feature.ts", line: 1, side: "RIGHT", body: "Name it better." },
    ]);
    expect(comments[0]?.diff_hunk).toContain("+More text.");

    // One comment off the diff refuses the whole review, in GitHub's words.
    const reviews = (await owner.rest.pulls.listReviews({ ...repo, pull_number })).data.length;
    const outside = await refusal(
      reviewer.rest.pulls.createReview({
        ...repo,
        pull_number,
        event: "COMMENT",
        body: "x",
        comments: [
          { path: "README.md", line: 3, body: "fine" },
          { path: "README.md", line: 40, body: "off the diff" },
        ],
      }),
    );
    expect(outside).toMatchObject({ status: 422, data: { errors: ["Pull request review thread line must be part of the diff and Pull request review thread diff hunk can't be blank"] } });
    const unchanged = await refusal(reviewer.rest.pulls.createReview({ ...repo, pull_number, event: "COMMENT", body: "x", comments: [{ path: "nope.md", line: 1, body: "x" }] }));
    expect(unchanged).toMatchObject({ status: 422, data: { errors: [expect.stringContaining("path is invalid")] } });
    expect((await owner.rest.pulls.listReviews({ ...repo, pull_number })).data).toHaveLength(reviews);
    expect((await owner.rest.pulls.listReviewComments({ ...repo, pull_number })).data).toHaveLength(2);
  });

  it("a review comment made outside a review gets a COMMENTED review of its own", async () => {
    const { data: comment } = await reviewer.rest.pulls.createReviewComment({ ...repo, pull_number: pull.number, commit_id: pull.headSha, path: "README.md", line: 3, body: "One more." });
    const { data: review } = await owner.rest.pulls.getReview({ ...repo, pull_number: pull.number, review_id: comment.pull_request_review_id! });
    expect(review).toMatchObject({ state: "COMMENTED", body: "", user: { login: "reviewer" } });
  });

  it("a review without an event stays PENDING, seen by its author only, one per user", async () => {
    // A read-only collaborator may review (reviewing is commenting).
    const reader = octokitFor((await sandbox.admin.issuePat({ provider: "github", login: "reader", scopes: ["repo"] })).value);
    const { data: pending } = await reader.rest.pulls.createReview({ ...repo, pull_number: pull.number, body: "Draft", comments: [{ path: "README.md", line: 3, body: "Draft note" }] });
    expect(pending).toMatchObject({ state: "PENDING", body: "Draft", user: { login: "reader" } });
    expect(pending).not.toHaveProperty("submitted_at");
    expect((await reader.rest.pulls.listReviews({ ...repo, pull_number: pull.number })).data.map((r) => r.id)).toContain(pending.id);
    expect((await owner.rest.pulls.listReviews({ ...repo, pull_number: pull.number })).data.map((r) => r.id)).not.toContain(pending.id);
    expect(await statusOf(owner.rest.pulls.getReview({ ...repo, pull_number: pull.number, review_id: pending.id }))).toBe(404);
    expect((await owner.rest.pulls.listReviewComments({ ...repo, pull_number: pull.number })).data.map((c) => c.body)).not.toContain("Draft note");
    expect((await reader.rest.pulls.listReviewComments({ ...repo, pull_number: pull.number })).data.map((c) => c.body)).toContain("Draft note");
    expect(await refusal(reader.rest.pulls.createReview({ ...repo, pull_number: pull.number, event: "COMMENT", body: "Again" }))).toMatchObject({
      status: 422,
      data: { errors: ["User can only have one pending review per pull request"] },
    });
  });

  it("404 for an unknown pull request or review; a read-only token cannot review", async () => {
    expect(await statusOf(reviewer.rest.pulls.createReview({ ...repo, pull_number: 999, event: "APPROVE" }))).toBe(404);
    expect(await statusOf(reviewer.rest.pulls.listReviews({ ...repo, pull_number: 999 }))).toBe(404);
    expect(await statusOf(reviewer.rest.pulls.getReview({ ...repo, pull_number: pull.number, review_id: 1 }))).toBe(404);
    const readOnly = await sandbox.admin.issuePat({ provider: "github", login: "reviewer", kind: "fine-grained", repositories: { "octocat/reviewed": "read" } });
    expect(await refusal(octokitFor(readOnly.value).rest.pulls.createReview({ ...repo, pull_number: pull.number, event: "APPROVE" }))).toMatchObject({
      status: 403,
      data: { message: "Resource not accessible by personal access token" },
    });
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
