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

describe("pull request files, review requests, replies, statuses, checks, search, labels and assignees", () => {
  const octokitFor = (token: string, baseUrl = sandbox.urls.github.api) => new Octokit({ auth: token, baseUrl, log: quiet });
  const repo = { owner: "octocat", repo: "extras" };
  let pullNumber = 0;
  let headSha = "";

  beforeAll(async () => {
    await sandbox.admin.createRepo({
      provider: "github",
      path: "octocat/extras",
      files: { "README.md": "# app\n", "src/old.ts": "export const old = 1;\n", "gone.txt": "bye\n" },
      branches: [{ name: "work", files: { "README.md": "# app\n\nWork.\n", "src/old.ts": "export const old = 2;\n", "added.ts": "export {};\n" } }],
      collaborators: [
        { login: "reader", permission: "read" },
        { login: "reviewer", permission: "write" },
      ],
    });
    const { data } = await octokitFor(ownerToken).rest.pulls.create({ ...repo, title: "Work", head: "work", base: "main" });
    pullNumber = data.number;
    headSha = data.head.sha;
  });

  it("lists a pull request's files with statuses, counts and git's own patches, paged", async () => {
    const octokit = octokitFor(ownerToken);
    const { data: files } = await octokit.rest.pulls.listFiles({ ...repo, pull_number: pullNumber });
    expect(files.map((f) => [f.filename, f.status, f.additions, f.deletions]).sort()).toEqual([
      ["README.md", "modified", 2, 0],
      ["added.ts", "added", 1, 0],
      ["src/old.ts", "modified", 1, 1],
    ]);
    expect(files.find((f) => f.filename === "src/old.ts")?.patch).toBe("@@ -1 +1 @@\n-export const old = 1;\n+export const old = 2;");
    const first = await octokit.rest.pulls.listFiles({ ...repo, pull_number: pullNumber, per_page: 2 });
    expect(first.data).toHaveLength(2);
    expect(first.headers.link).toContain('rel="next"');
  });

  it("requests reviewers from collaborators only, never the author, and shows them on the pull request", async () => {
    const octokit = octokitFor(ownerToken);
    const { status, data } = await octokit.rest.pulls.requestReviewers({ ...repo, pull_number: pullNumber, reviewers: ["reviewer"] });
    expect(status).toBe(201);
    expect(data.requested_reviewers?.map((u) => u.login)).toEqual(["reviewer"]);
    expect((await octokit.rest.pulls.get({ ...repo, pull_number: pullNumber })).data.requested_reviewers?.map((u) => u.login)).toEqual(["reviewer"]);
    expect(await statusOf(octokit.rest.pulls.requestReviewers({ ...repo, pull_number: pullNumber, reviewers: ["outsider"] }))).toBe(422);
    expect(await statusOf(octokit.rest.pulls.requestReviewers({ ...repo, pull_number: pullNumber, reviewers: ["octocat"] }))).toBe(422);
    const reader = (await sandbox.admin.issuePat({ provider: "github", login: "reader" })).value;
    expect(await statusOf(octokitFor(reader).rest.pulls.requestReviewers({ ...repo, pull_number: pullNumber, reviewers: ["reviewer"] }))).toBe(403);
  });

  it("replies to a review comment in its thread; a reply to a reply joins the same thread", async () => {
    const reviewer = octokitFor((await sandbox.admin.issuePat({ provider: "github", login: "reviewer" })).value);
    const { data: root } = await reviewer.rest.pulls.createReviewComment({ ...repo, pull_number: pullNumber, commit_id: headSha, path: "added.ts", line: 1, body: "Why empty?" });
    const owner = octokitFor(ownerToken);
    const { status, data: reply } = await owner.rest.pulls.createReplyForReviewComment({ ...repo, pull_number: pullNumber, comment_id: root.id, body: "On purpose." });
    expect(status).toBe(201);
    expect(reply).toMatchObject({ in_reply_to_id: root.id, path: "added.ts", line: 1, user: { login: "octocat" } });
    const { data: again } = await reviewer.rest.pulls.createReplyForReviewComment({ ...repo, pull_number: pullNumber, comment_id: reply.id, body: "OK." });
    expect(again.in_reply_to_id).toBe(root.id);
    expect(await statusOf(owner.rest.pulls.createReplyForReviewComment({ ...repo, pull_number: pullNumber, comment_id: 999_999, body: "x" }))).toBe(404);
  });

  it("posts commit statuses with push access; the combined status keeps each context's latest", async () => {
    const owner = octokitFor(ownerToken);
    const { status, data } = await owner.rest.repos.createCommitStatus({ ...repo, sha: headSha, state: "pending", context: "ci/build", description: "Building" });
    expect(status).toBe(201);
    expect(data).toMatchObject({ state: "pending", context: "ci/build", creator: { login: "octocat" } });
    expect((await owner.rest.repos.getCombinedStatusForRef({ ...repo, ref: "work" })).data).toMatchObject({ state: "pending", sha: headSha, total_count: 1 });
    await owner.rest.repos.createCommitStatus({ ...repo, sha: headSha, state: "success", context: "ci/build" });
    const { data: combined } = await owner.rest.repos.getCombinedStatusForRef({ ...repo, ref: headSha });
    expect(combined).toMatchObject({ state: "success", total_count: 1, statuses: [{ state: "success", context: "ci/build" }] });
    const reader = octokitFor((await sandbox.admin.issuePat({ provider: "github", login: "reader" })).value);
    expect(await statusOf(reader.rest.repos.createCommitStatus({ ...repo, sha: headSha, state: "failure" }))).toBe(403);
    expect(await statusOf(owner.rest.repos.createCommitStatus({ ...repo, sha: "0".repeat(40), state: "success" }))).toBe(422);
  });

  it("lists seeded check runs of a ref, the latest of each name", async () => {
    await sandbox.admin.createCheckRun({ repository: "octocat/extras", branch: "work", name: "test", status: "in_progress" });
    await sandbox.admin.createCheckRun({ repository: "octocat/extras", sha: headSha, name: "test", status: "completed", conclusion: "failure", title: "2 failed" });
    await sandbox.admin.createCheckRun({ repository: "octocat/extras", sha: headSha, name: "lint", status: "completed", conclusion: "success" });
    const { data } = await octokitFor(ownerToken).rest.checks.listForRef({ ...repo, ref: headSha });
    expect(data.total_count).toBe(2);
    expect(data.check_runs.map((r) => [r.name, r.status, r.conclusion]).sort()).toEqual([
      ["lint", "completed", "success"],
      ["test", "completed", "failure"],
    ]);
    expect(data.check_runs[0]).toMatchObject({ head_sha: headSha, app: { slug: "github-actions" }, pull_requests: [{ number: pullNumber }] });
    const all = await octokitFor(ownerToken).rest.checks.listForRef({ ...repo, ref: "work", filter: "all" });
    expect(all.data.total_count).toBe(3);
  });

  it("searches issues and pull requests with repo:, is: and state: qualifiers and words", async () => {
    const owner = octokitFor(ownerToken);
    await owner.rest.issues.create({ ...repo, title: "Crash when saving", body: "The app crashes." });
    const { data: closed } = await owner.rest.issues.create({ ...repo, title: "Crash on start" });
    await owner.rest.issues.update({ ...repo, issue_number: closed.number, state: "closed" });
    const search = (q: string) => owner.rest.search.issuesAndPullRequests({ q, sort: "created", order: "desc" });
    expect((await search("repo:octocat/extras is:issue crash")).data.items.map((i) => i.title)).toEqual(["Crash on start", "Crash when saving"]);
    expect((await search("repo:octocat/extras is:issue state:open crash")).data.items.map((i) => i.title)).toEqual(["Crash when saving"]);
    const pulls = (await search("repo:octocat/extras is:pr work")).data;
    expect(pulls).toMatchObject({ total_count: 1, incomplete_results: false, items: [{ number: pullNumber, pull_request: { merged_at: null } }] });
    expect((await search("repo:octocat/extras is:pr is:merged")).data.total_count).toBe(0);
    // Every pull request is an issue too, with a pull_request key.
    expect((await owner.rest.issues.get({ ...repo, issue_number: pullNumber })).data).toMatchObject({ number: pullNumber, pull_request: { merged_at: null } });
    const stranger = octokitFor((await sandbox.admin.issuePat({ provider: "github", login: "outsider" })).value);
    expect(await statusOf(stranger.rest.search.issuesAndPullRequests({ q: "repo:octocat/extras crash" }))).toBe(422);
  });

  it("seeds another user's review with inline comments through the admin API, under the endpoint's rules", async () => {
    const seeded = await sandbox.admin.createGithubReview({
      repository: "octocat/extras",
      number: pullNumber,
      login: "reviewer",
      event: "REQUEST_CHANGES",
      body: "Please change.",
      comments: [
        { path: "added.ts", line: 1, body: "Empty file?" },
        { path: "src/old.ts", line: 1, side: "LEFT", body: "Keep 1?" },
      ],
    });
    expect(seeded).toMatchObject({ login: "reviewer", state: "CHANGES_REQUESTED", commentIds: [expect.any(Number), expect.any(Number)] });
    const octokit = octokitFor(ownerToken);
    const { data: reviews } = await octokit.rest.pulls.listReviews({ ...repo, pull_number: pullNumber });
    expect(reviews.find((r) => r.id === seeded.id)).toMatchObject({ state: "CHANGES_REQUESTED", body: "Please change.", user: { login: "reviewer" } });
    const { data: comments } = await octokit.rest.pulls.listCommentsForReview({ ...repo, pull_number: pullNumber, review_id: seeded.id });
    expect(comments.map((c) => [c.path, c.body])).toEqual([
      ["added.ts", "Empty file?"],
      ["src/old.ts", "Keep 1?"],
    ]);
    await expect(sandbox.admin.createGithubReview({ repository: "octocat/extras", number: pullNumber, login: "octocat", event: "APPROVE" })).rejects.toMatchObject({ status: 422, message: "Can not approve your own pull request" });
    await expect(sandbox.admin.createGithubReview({ repository: "octocat/extras", number: pullNumber, login: "reviewer", comments: [{ path: "added.ts", line: 9, body: "x" }] })).rejects.toMatchObject({ status: 422 });
  });

  it("lists the repository's labels (GitHub's defaults and those in use) and its assignable users", async () => {
    const owner = octokitFor(ownerToken);
    await owner.rest.issues.create({ ...repo, title: "Labelled", labels: ["p1"] });
    const { data: labels } = await owner.rest.issues.listLabelsForRepo({ ...repo, per_page: 100 });
    expect(labels.map((l) => l.name)).toEqual(expect.arrayContaining(["bug", "documentation", "p1"]));
    expect(labels.find((l) => l.name === "bug")).toMatchObject({ color: "d73a4a", description: "Something isn't working", default: true });
    const { data: users } = await owner.rest.issues.listAssignees(repo);
    expect(users.map((u) => u.login)).toEqual(["octocat", "reader", "reviewer"]);
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
