import { request } from "node:http";
import { Octokit } from "@octokit/rest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { toolCapabilities } from "@/lib/agents/capabilities";
import { testEngines } from "@/tests/helpers/test-database";
import { activityOf, addEnvironment, connect, disconnect, errorOf, githubAs, startWorld, type ToolSession, type World } from "./test-support/world";

/** A POST with a Host header of our choosing (fetch does not let a caller set Host). */
function postWithHost(url: string, host: string, token: string): Promise<number> {
  const target = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request({ host: target.hostname, port: target.port, path: target.pathname, method: "POST", headers: { host, authorization: `Bearer ${token}` } }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on("error", reject);
    req.end("{}");
  });
}

/** Octokit logs every 4xx it sees. */
const quiet = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };

describe("agent SCM tools on the GitHub sandbox (Enterprise Server layout)", () => {
  let world: World;
  let session: ToolSession;
  let ownerToken: string;
  let octokit: Octokit;
  const repo = { owner: "octo-owner", repo: "app" };

  beforeAll(async () => {
    world = await startWorld(testEngines()[0]!);
    const added = await addEnvironment(world, { provider: "github", login: "octo-owner", repo: "app", pushBranch: "feature/readme" });
    ownerToken = added.token;
    // What the sandbox recorded is read back with the owner's own token.
    octokit = new Octokit({ auth: ownerToken, baseUrl: world.sandbox.urls.github.enterpriseApi, log: quiet });
    session = await connect(world, added.environment);
  });
  afterAll(async () => {
    if (session) await disconnect(session);
    await world?.close();
  });

  it("lists every tool with precise input schemas", async () => {
    const { tools } = await session.client.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual(Object.keys(toolCapabilities).sort());
    const review = tools.find((t) => t.name === "add_review_comment")!;
    expect(review.inputSchema).toMatchObject({
      required: ["number", "path", "line", "body"],
      additionalProperties: false,
      properties: { line: { type: "integer" }, side: { enum: ["RIGHT", "LEFT"], default: "RIGHT" }, commit: { pattern: "^[0-9a-f]{40}$" } },
    });
    const create = tools.find((t) => t.name === "create_pull_request")!;
    expect((create.inputSchema.properties as Record<string, { description?: string }>).repository?.description).toContain('"octo-owner/app"');
    for (const tool of tools) {
      for (const [field, schema] of Object.entries(tool.inputSchema.properties ?? {})) expect((schema as { description?: string }).description, `${tool.name}.${field}`).toBeTruthy();
    }
  });

  it("opens a pull request from the branch pushed in the environment, as the owner, and records it", async () => {
    const result = await session.call("create_pull_request", { title: "Explain the app", body: "Adds a sentence." });
    expect(errorOf(result)).toBeNull();
    const { pullRequest } = result.structuredContent as { pullRequest: { number: number; url: string; head: string; base: string } };
    expect(pullRequest).toMatchObject({ head: "feature/readme", base: "main" });
    const { data } = await octokit.rest.pulls.get({ ...repo, pull_number: pullRequest.number });
    expect(data).toMatchObject({ title: "Explain the app", user: { login: "octo-owner" }, head: { ref: "feature/readme" }, html_url: pullRequest.url });

    const read = await session.call("get_pull_request", { number: pullRequest.number });
    expect(read.structuredContent).toMatchObject({ pullRequest: { number: pullRequest.number, state: "open", headSha: data.head.sha } });
    const listed = await session.call("list_pull_requests", {});
    expect(listed.structuredContent).toMatchObject({ count: 1, pullRequests: [{ number: pullRequest.number }] });
    expect((await activityOf(world, session.environment.id)).map((a) => [a.tool, a.outcome, a.resultUrl])).toEqual([
      ["create_pull_request", "succeeded", pullRequest.url],
      ["get_pull_request", "succeeded", pullRequest.url],
      ["list_pull_requests", "succeeded", null],
    ]);
  });

  it("adds a review comment on a line of the diff, as the owner", async () => {
    const { data: [pull] } = await octokit.rest.pulls.list({ ...repo, state: "open" });
    const result = await session.call("add_review_comment", { number: pull!.number, path: "README.md", line: 3, side: "RIGHT", body: "Say which app." });
    expect(errorOf(result)).toBeNull();
    const { data: comments } = await octokit.rest.pulls.listReviewComments({ ...repo, pull_number: pull!.number });
    expect(comments).toMatchObject([{ body: "Say which app.", path: "README.md", line: 3, side: "RIGHT", commit_id: pull!.head.sha, user: { login: "octo-owner" } }]);
    expect(result.structuredContent).toMatchObject({ comment: { url: comments[0]!.html_url } });

    // A line outside the diff is the provider's validation error, passed on so the agent can fix it.
    const outside = await session.call("add_review_comment", { number: pull!.number, path: "README.md", line: 40, body: "x" });
    expect(errorOf(outside)).toMatchObject({ code: "validation_failed" });
    expect((await octokit.rest.pulls.listReviewComments({ ...repo, pull_number: pull!.number })).data).toHaveLength(1);
  });

  it("submits a COMMENT review as the owner; the owner's own APPROVE is GitHub's refusal, passed on", async () => {
    const { data: [pull] } = await octokit.rest.pulls.list({ ...repo, state: "open" });
    const result = await session.call("submit_review", { number: pull!.number, event: "COMMENT", body: "Looks good overall." });
    expect(errorOf(result)).toBeNull();
    const { review } = result.structuredContent as { review: { id: string; state: string; url: string; author: string } };
    expect(review).toMatchObject({ state: "COMMENTED", author: "octo-owner" });
    const { data: reviews } = await octokit.rest.pulls.listReviews({ ...repo, pull_number: pull!.number });
    expect(reviews.filter((r) => r.body !== "")).toMatchObject([
      { id: Number(review.id), state: "COMMENTED", body: "Looks good overall.", user: { login: "octo-owner" }, commit_id: pull!.head.sha, html_url: review.url },
    ]);

    const own = await session.call("submit_review", { number: pull!.number, event: "APPROVE" });
    // The provider's field-less reason is part of the message, not a field named "provider".
    expect(errorOf(own)).toMatchObject({ code: "validation_failed", message: expect.stringContaining("Can not approve your own pull request") });
    expect(errorOf(own)?.fieldErrors).toBeUndefined();
    expect((await octokit.rest.pulls.listReviews({ ...repo, pull_number: pull!.number })).data).toHaveLength(reviews.length);
    expect((await activityOf(world, session.environment.id)).slice(-2).map((a) => [a.tool, a.outcome, a.errorCode, a.resultUrl])).toEqual([
      ["submit_review", "succeeded", null, review.url],
      ["submit_review", "failed", "validation_failed", null],
    ]);
  });

  it("submits an APPROVE on someone else's pull request from a second account's environment", async () => {
    await world.sandbox.admin.createUser({ provider: "github", login: "octo-reviewer" });
    await world.sandbox.admin.createRepo({
      provider: "github",
      path: "octo-owner/shared",
      files: { "README.md": "# shared\n" },
      branches: [{ name: "topic", files: { "README.md": "# shared\n\nMore.\n" } }],
      collaborators: [{ login: "octo-reviewer", permission: "write" }],
    });
    const { data: pull } = await octokit.rest.pulls.create({ owner: "octo-owner", repo: "shared", title: "Topic", head: "topic", base: "main" });
    const added = await addEnvironment(world, { provider: "github", login: "octo-reviewer", repo: "own" });
    const reviewer = await connect(world, added.environment);
    try {
      const result = await reviewer.call("submit_review", { repository: "octo-owner/shared", number: pull.number, event: "APPROVE", body: "Ship it." });
      expect(errorOf(result)).toBeNull();
      const { data: reviews } = await octokit.rest.pulls.listReviews({ owner: "octo-owner", repo: "shared", pull_number: pull.number });
      expect(reviews).toMatchObject([{ state: "APPROVED", body: "Ship it.", user: { login: "octo-reviewer" }, commit_id: pull.head.sha }]);
      expect(result.structuredContent).toMatchObject({ review: { id: String(reviews[0]!.id), state: "APPROVED", author: "octo-reviewer", url: reviews[0]!.html_url } });
      expect(await activityOf(world, added.environment.id)).toMatchObject([{ tool: "submit_review", repository: "octo-owner/shared", outcome: "succeeded" }]);
    } finally {
      await disconnect(reviewer);
    }
  });

  it("creates and closes an issue, with labels and a comment, as the owner", async () => {
    const created = await session.call("create_issue", { title: "Crash on start", body: "Steps...", labels: ["bug"], assignees: ["octo-owner"] });
    const { issue } = created.structuredContent as { issue: { number: number; url: string } };
    const closed = await session.call("update_issue", { number: issue.number, state: "closed", labels: ["bug", "p1"] });
    expect(closed.structuredContent).toMatchObject({ issue: { state: "closed", labels: ["bug", "p1"] } });
    expect(errorOf(await session.call("comment_on_issue", { number: issue.number, body: "Fixed." }))).toBeNull();
    const { data } = await octokit.rest.issues.get({ ...repo, issue_number: issue.number });
    expect(data).toMatchObject({ state: "closed", user: { login: "octo-owner" }, closed_by: { login: "octo-owner" }, assignees: [{ login: "octo-owner" }], html_url: issue.url });
    const { data: comments } = await octokit.rest.issues.listComments({ ...repo, issue_number: issue.number });
    expect(comments).toMatchObject([{ body: "Fixed.", user: { login: "octo-owner" } }]);
    const listed = await session.call("list_issues", { state: "closed" });
    expect(listed.structuredContent).toMatchObject({ issues: [{ number: issue.number, state: "closed" }] });
  });

  it("refuses a head branch that was never pushed, before anything is created", async () => {
    const before = (await octokit.rest.pulls.list({ ...repo, state: "all" })).data.length;
    const result = await session.call("create_pull_request", { title: "Nothing", head: "not-pushed" });
    expect(errorOf(result)).toMatchObject({ code: "validation_failed", fieldErrors: { head: [expect.stringContaining("does not exist")] } });
    expect((result.content as { text: string }[])[0]!.text).toMatch(/git push -u origin not-pushed/);
    expect((await octokit.rest.pulls.list({ ...repo, state: "all" })).data).toHaveLength(before);
  });

  it("answers a rate limit with rate_limited and when to retry, and records it", async () => {
    await world.sandbox.admin.addFault({ provider: "github", kind: "status", status: 403, retryAfterSeconds: 42, path: "/api/v3/repos/octo-owner/app/issues", count: 1 });
    const result = await session.call("list_issues", {});
    expect(errorOf(result)).toMatchObject({ code: "rate_limited", retryAfterSeconds: 42 });
    expect((result.content as { text: string }[])[0]!.text).toContain("Retry after 42 seconds");
    expect((await activityOf(world, session.environment.id)).at(-1)).toMatchObject({ tool: "list_issues", outcome: "failed", errorCode: "rate_limited" });
  });

  it("missing or malformed arguments and another host's repository are typed errors, recorded as refused; nothing is sent", async () => {
    const recorded = (await activityOf(world, session.environment.id)).length;
    const requests = world.sandbox.admin.requests({ provider: "github" }).length;
    expect(errorOf(await session.call("create_issue", {}))).toMatchObject({ code: "validation_failed", fieldErrors: { title: ["Required."] } });
    expect(errorOf(await session.call("get_pull_request", { number: "7" }))).toMatchObject({ code: "validation_failed", fieldErrors: { number: [expect.any(String)] } });
    expect(errorOf(await session.call("add_review_comment", { number: 1, path: "../etc/passwd", line: 0, body: "x" }))).toMatchObject({
      code: "validation_failed",
      fieldErrors: { path: [expect.any(String)], line: [expect.any(String)] },
    });
    expect(errorOf(await session.call("create_issue", { title: "x", repository: "https://github.com/octo-owner/app" }))).toMatchObject({ code: "repository_host_mismatch" });
    expect(errorOf(await session.call("update_issue", { number: 1 }))).toMatchObject({ code: "validation_failed" });
    expect((await activityOf(world, session.environment.id)).slice(recorded).map((a) => [a.tool, a.outcome, a.errorCode, a.repository])).toEqual([
      ["create_issue", "refused", "validation_failed", "octo-owner/app"],
      ["get_pull_request", "refused", "validation_failed", "octo-owner/app"],
      ["add_review_comment", "refused", "validation_failed", "octo-owner/app"],
      ["create_issue", "refused", "repository_host_mismatch", "https://github.com/octo-owner/app"],
      ["update_issue", "refused", "validation_failed", "octo-owner/app"],
    ]);
    expect(world.sandbox.admin.requests({ provider: "github" })).toHaveLength(requests);
  });

  it("the owner's token without write access gets repository_permission_denied, and nothing is created", async () => {
    const readOnly = await world.sandbox.admin.issuePat({ provider: "github", login: "octo-owner", kind: "fine-grained", repositories: { "octo-owner/ro-app": "read" } });
    const added = await addEnvironment(world, { provider: "github", login: "octo-owner", repo: "ro-app", token: readOnly.value });
    const limited = await connect(world, added.environment);
    try {
      const result = await limited.call("create_issue", { title: "Should not exist" });
      expect(errorOf(result)).toMatchObject({ code: "repository_permission_denied" });
      expect((await octokit.rest.issues.listForRepo({ owner: "octo-owner", repo: "ro-app", state: "all" })).data).toHaveLength(0);
      expect(await activityOf(world, added.environment.id)).toMatchObject([{ tool: "create_issue", outcome: "failed", errorCode: "repository_permission_denied", resultUrl: null }]);
    } finally {
      await disconnect(limited);
    }
  });

  // Regression: list_issues read 2 × limit items and then dropped the pull requests, so with
  // pull requests newest, {"limit":1} answered "No issues found", and no list said whether more existed.
  it("lists issues past newer pull requests, and says whether there are more", async () => {
    const busy = { owner: "octo-owner", repo: "busy" };
    await world.sandbox.admin.createRepo({
      provider: "github",
      path: "octo-owner/busy",
      branches: ["one", "two", "three"].map((name) => ({ name: `fix-${name}`, files: { [`${name}.txt`]: `${name}\n` } })),
    });
    for (let i = 1; i <= 3; i++) await octokit.rest.issues.create({ ...busy, title: `Issue ${i}` });
    for (const name of ["one", "two", "three"]) await octokit.rest.pulls.create({ ...busy, title: `Fix ${name}`, head: `fix-${name}`, base: "main" });

    const one = await session.call("list_issues", { repository: "octo-owner/busy", limit: 1 });
    expect(errorOf(one)).toBeNull();
    expect(one.structuredContent).toMatchObject({ count: 1, hasMore: true, issues: [{ title: "Issue 3" }] });
    expect((one.content as Array<{ text: string }>)[0]!.text).not.toContain("No issues found");

    const all = await session.call("list_issues", { repository: "octo-owner/busy", limit: 10 });
    expect(all.structuredContent).toMatchObject({ count: 3, hasMore: false });
    expect((all.structuredContent as { issues: Array<{ title: string }> }).issues.map((i) => i.title)).toEqual(["Issue 3", "Issue 2", "Issue 1"]);
  });

  describe("the full tool set on a pull request others work on too", () => {
    const tools = { owner: "octo-owner", repo: "tools" };
    const repository = "octo-owner/tools";
    let number = 0;
    let headSha = "";
    let helper: Octokit;
    type Page = { count: number; hasMore: boolean; nextCursor: string | null };
    const structured = <T>(result: { structuredContent?: unknown }) => result.structuredContent as T;

    beforeAll(async () => {
      helper = (await githubAs(world, "octo-helper")).octokit;
      await githubAs(world, "octo-reader");
      await world.sandbox.admin.createRepo({
        provider: "github",
        path: repository,
        files: { "README.md": "# tools\n", "src/main.ts": "export const main = 1;\n" },
        branches: [{ name: "topic", files: { "README.md": "# tools\n\nExplained.\n", "src/main.ts": "export const main = 2;\n", "src/extra.ts": "export const extra = 3;\n" } }],
        collaborators: [
          { login: "octo-helper", permission: "write" },
          { login: "octo-reader", permission: "read" },
        ],
      });
      const { data } = await octokit.rest.pulls.create({ ...tools, title: "Tools", body: "First body.", head: "topic", base: "main" });
      number = data.number;
      headSha = data.head.sha;
    });

    it("updates title, body, draft (GraphQL) and reviewers, says what changed, and get_pull_request reads it back", async () => {
      const updated = await session.call("update_pull_request", { repository, number, title: "Tools, explained", body: "Second body.", draft: true, reviewers: ["octo-helper"] });
      expect(errorOf(updated)).toBeNull();
      expect(updated.structuredContent).toMatchObject({ changed: ["title", "body", "draft", "reviewers"], pullRequest: { title: "Tools, explained", draft: true, reviewers: ["octo-helper"] } });
      const { data } = await octokit.rest.pulls.get({ ...tools, pull_number: number });
      expect(data).toMatchObject({ title: "Tools, explained", body: "Second body.", draft: true, requested_reviewers: [{ login: "octo-helper" }] });
      expect(errorOf(await session.call("update_pull_request", { repository, number, draft: false }))).toBeNull();
      expect((await octokit.rest.pulls.get({ ...tools, pull_number: number })).data.draft).toBe(false);
      const read = await session.call("get_pull_request", { repository, number });
      expect(read.structuredContent).toMatchObject({ pullRequest: { body: "Second body.", draft: false, reviewers: ["octo-helper"], assignees: [], headSha, createdAt: expect.any(String) } });
    });

    it("pages the changed files with a cursor, hasMore and nextCursor exact; a cursor from another tool or other arguments is refused", async () => {
      const first = await session.call("list_pull_request_files", { repository, number, limit: 2 });
      const one = structured<Page & { files: { path: string; patch: string | null }[] }>(first);
      expect(one).toMatchObject({ count: 2, hasMore: true, nextCursor: expect.any(String) });
      const second = structured<Page & { files: { path: string; patch: string | null }[] }>(await session.call("list_pull_request_files", { repository, number, limit: 2, cursor: one.nextCursor }));
      expect(second).toMatchObject({ count: 1, hasMore: false, nextCursor: null });
      expect([...one.files, ...second.files].map((f) => f.path).sort()).toEqual(["README.md", "src/extra.ts", "src/main.ts"]);
      expect([...one.files, ...second.files].find((f) => f.path === "src/main.ts")).toMatchObject({ status: "modified", additions: 1, deletions: 1, patch: expect.stringContaining("+export const main = 2;"), patchTruncated: false });

      const requests = world.sandbox.admin.requests({ provider: "github" }).length;
      expect(errorOf(await session.call("list_reviews", { repository, number, cursor: one.nextCursor }))).toMatchObject({ code: "validation_failed", fieldErrors: { cursor: [expect.stringContaining("list_pull_request_files")] } });
      expect(errorOf(await session.call("list_pull_request_files", { repository, number: number + 1, cursor: one.nextCursor }))).toMatchObject({ code: "validation_failed", fieldErrors: { cursor: [expect.any(String)] } });
      expect(errorOf(await session.call("list_pull_request_files", { repository, number, cursor: "not-a-cursor" }))).toMatchObject({ code: "validation_failed" });
      expect(world.sandbox.admin.requests({ provider: "github" })).toHaveLength(requests);
    });

    it("reads the head commit's check runs and statuses, with one overall state", async () => {
      await world.sandbox.admin.createCheckRun({ repository, sha: headSha, name: "build", status: "in_progress" });
      await octokit.rest.repos.createCommitStatus({ ...tools, sha: headSha, state: "success", context: "lint", description: "No problems" });
      const pending = await session.call("get_pull_request_checks", { repository, number });
      expect(pending.structuredContent).toMatchObject({
        sha: headSha,
        overall: "pending",
        count: 2,
        checks: expect.arrayContaining([
          { name: "build", kind: "check_run", state: "pending", description: null, url: expect.any(String) },
          { name: "lint", kind: "status", state: "success", description: "No problems", url: null },
        ]),
      });
      await world.sandbox.admin.createCheckRun({ repository, sha: headSha, name: "build", status: "completed", conclusion: "failure", title: "1 test failed" });
      expect((await session.call("get_pull_request_checks", { repository, number })).structuredContent).toMatchObject({ overall: "failure", count: 2 });
    });

    it("lists the conversation, reviews and review threads; adds a line comment, replies, resolves and unresolves threads", async () => {
      await helper.rest.issues.createComment({ ...tools, issue_number: number, body: "Nice work." });
      await helper.rest.pulls.createReview({
        ...tools,
        pull_number: number,
        event: "COMMENT",
        body: "Two things.",
        comments: [
          { path: "README.md", line: 3, body: "Explained how?" },
          { path: "src/main.ts", line: 1, body: "Why 2?" },
        ],
      });
      expect((await session.call("list_pull_request_comments", { repository, number })).structuredContent).toMatchObject({ count: 1, comments: [{ author: "octo-helper", body: "Nice work." }] });
      expect((await session.call("list_reviews", { repository, number })).structuredContent).toMatchObject({ count: 1, reviews: [{ author: "octo-helper", state: "COMMENTED", body: "Two things." }] });

      const open = structured<Page & { threads: { id: string; resolved: boolean; path: string; line: number; side: string; comments: { body: string; author: string }[] }[] }>(
        await session.call("list_review_threads", { repository, number, state: "unresolved" }),
      );
      expect(open).toMatchObject({ count: 2, hasMore: false, threads: [{ resolved: false, path: "README.md", line: 3, side: "RIGHT", comments: [{ body: "Explained how?", author: "octo-helper" }] }, { path: "src/main.ts" }] });

      const added = await session.call("add_review_comment", { repository, number, path: "src/extra.ts", line: 1, body: "New file." });
      expect(errorOf(added)).toBeNull();
      const newThread = structured<{ threadId: string }>(added).threadId;
      expect(newThread).toMatch(/^PRRT_/);

      const [readme] = open.threads;
      const replied = await session.call("reply_to_review_thread", { repository, number, threadId: readme!.id, body: "Now it says.", resolve: true });
      expect(errorOf(replied)).toBeNull();
      expect(replied.structuredContent).toMatchObject({ threadId: readme!.id, resolved: true, comment: { author: "octo-owner" } });
      const { data: comments } = await octokit.rest.pulls.listReviewComments({ ...tools, pull_number: number });
      const root = comments.find((c) => c.body === "Explained how?")!;
      expect(comments.find((c) => c.body === "Now it says.")).toMatchObject({ in_reply_to_id: root.id, user: { login: "octo-owner" } });
      const state = await octokit.graphql<{ node: { isResolved: boolean } }>("query($id: ID!) { node(id: $id) { ... on PullRequestReviewThread { isResolved } } }", { id: readme!.id });
      expect(state.node.isResolved).toBe(true);

      // Paged one at a time: three threads, the resolved one filtered by state.
      const page1 = structured<Page & { threads: { id: string }[] }>(await session.call("list_review_threads", { repository, number, limit: 1 }));
      expect(page1).toMatchObject({ count: 1, hasMore: true, threads: [{ id: readme!.id }] });
      const page2 = structured<Page & { threads: { id: string }[] }>(await session.call("list_review_threads", { repository, number, limit: 2, cursor: page1.nextCursor }));
      expect(page2).toMatchObject({ count: 2, hasMore: false, nextCursor: null });
      expect(page2.threads.map((t) => t.id)).toContain(newThread);
      const unresolved = structured<Page & { threads: { id: string }[] }>(await session.call("list_review_threads", { repository, number, state: "unresolved", limit: 1 }));
      expect(unresolved).toMatchObject({ count: 1, hasMore: true });
      expect(unresolved.threads[0]!.id).not.toBe(readme!.id);

      const reopened = await session.call("resolve_review_thread", { repository, number, threadId: readme!.id, resolved: false });
      expect(reopened.structuredContent).toMatchObject({ threadId: readme!.id, resolved: false });
      expect(errorOf(await session.call("resolve_review_thread", { repository, number, threadId: "PRRT_unknown" }))).toMatchObject({ code: "validation_failed", fieldErrors: { threadId: [expect.any(String)] } });
    });

    it("submits a review with two inline comments in one call", async () => {
      const result = await session.call("submit_review", {
        repository,
        number,
        event: "COMMENT",
        comments: [
          { path: "src/main.ts", line: 1, body: "Two, because." },
          { path: "README.md", line: 1, side: "LEFT", body: "Old title." },
        ],
      });
      expect(errorOf(result)).toBeNull();
      const { review, comments } = structured<{ review: { id: string }; comments: { id: string; url: string }[] }>(result);
      expect(comments).toHaveLength(2);
      const { data } = await octokit.rest.pulls.listCommentsForReview({ ...tools, pull_number: number, review_id: Number(review.id) });
      expect(data.map((c) => [c.body, c.path, String(c.id)])).toEqual([
        ["Two, because.", "src/main.ts", comments[0]!.id],
        ["Old title.", "README.md", comments[1]!.id],
      ]);
    });

    it("reads an issue with its first comments and pages on to the rest; searches issues and pull requests", async () => {
      const { data: issue } = await octokit.rest.issues.create({ ...tools, title: "Crash on save", body: "It crashes." });
      for (const [who, body] of [[helper, "Me too."], [octokit, "Looking."], [helper, "Thanks."]] as const) await who.rest.issues.createComment({ ...tools, issue_number: issue.number, body });
      const read = structured<{ issue: { body: string }; comments: { body: string }[]; commentsHasMore: boolean; commentsNextCursor: string }>(await session.call("get_issue", { repository, number: issue.number, commentLimit: 2 }));
      expect(read).toMatchObject({ issue: { body: "It crashes." }, comments: [{ body: "Me too." }, { body: "Looking." }], commentsHasMore: true });
      const rest = await session.call("list_issue_comments", { repository, number: issue.number, cursor: read.commentsNextCursor });
      expect(rest.structuredContent).toMatchObject({ count: 1, hasMore: false, comments: [{ body: "Thanks.", author: "octo-helper" }] });
      expect(errorOf(await session.call("get_issue", { repository, number }))).toMatchObject({ code: "scm_item_not_found", message: expect.stringContaining("is a pull request") });
      // The same endpoint answers an issue's number on GitHub: the pull request tool says it is none.
      expect(errorOf(await session.call("list_pull_request_comments", { repository, number: issue.number }))).toMatchObject({ code: "scm_item_not_found", message: expect.stringContaining(`pull request #${issue.number}`) });

      expect((await session.call("search_issues", { repository, query: "crash" })).structuredContent).toMatchObject({ count: 1, issues: [{ number: issue.number, title: "Crash on save" }] });
      expect((await session.call("search_issues", { repository, query: "crash", state: "closed" })).structuredContent).toMatchObject({ count: 0, hasMore: false });
      // A qualifier in the words would widen the search past the repository the call names: dropped, and said so.
      const widened = await session.call("search_issues", { repository, query: "crash is:closed repo:octo-owner/elsewhere" });
      expect(widened.structuredContent).toMatchObject({ count: 1, issues: [{ number: issue.number }], notes: [expect.stringContaining("not taken")] });
      expect(errorOf(await session.call("search_pull_requests", { repository, query: "repo:octo-owner/elsewhere" }))).toMatchObject({ code: "validation_failed", fieldErrors: { query: [expect.any(String)] } });
      expect((await session.call("search_pull_requests", { repository, query: "explained", state: "open" })).structuredContent).toMatchObject({ count: 1, pullRequests: [{ number, head: "topic", base: "main", headSha }] });
    });

    it("says who the tools act as, lists labels and assignable users, paged and filtered", async () => {
      expect((await session.call("get_me", {})).structuredContent).toMatchObject({ user: { login: "octo-owner", url: expect.stringContaining("/octo-owner") } });
      const labels = structured<Page & { labels: { name: string; description: string | null }[] }>(await session.call("list_labels", { repository, limit: 3 }));
      expect(labels).toMatchObject({ count: 3, hasMore: true, labels: [{ name: "bug", description: "Something isn't working" }, { name: "documentation" }, { name: "duplicate" }] });
      const users = await session.call("list_assignable_users", { repository, query: "HELP" });
      expect(users.structuredContent).toMatchObject({ count: 1, hasMore: false, users: [{ login: "octo-helper" }] });
      expect((await session.call("list_assignable_users", { repository, limit: 2 })).structuredContent).toMatchObject({ count: 2, hasMore: true });
    });

    it("a number the repository does not have is scm_item_not_found for every numbered tool", async () => {
      const missing = 9_999;
      // A thread that exists, named with a number that does not.
      const { threadId } = (await session.call("add_review_comment", { repository, number, path: "README.md", line: 3, body: "Once more." })).structuredContent as { threadId: string };
      for (const [tool, args] of [
        ["update_pull_request", { title: "x" }],
        ["list_pull_request_files", {}],
        ["get_pull_request_checks", {}],
        ["list_pull_request_comments", {}],
        ["list_reviews", {}],
        ["list_review_threads", {}],
        ["reply_to_review_thread", { threadId, body: "x" }],
        ["resolve_review_thread", { threadId }],
        ["submit_review", { event: "COMMENT", body: "x" }],
        ["get_issue", {}],
        ["list_issue_comments", {}],
      ] as const) {
        const result = await session.call(tool, { repository, number: missing, ...args });
        expect(errorOf(result), tool).toMatchObject({ code: "scm_item_not_found", message: expect.stringContaining(`#${missing}`) });
      }
    });

    it("a read-only collaborator's writes get repository_permission_denied (GitHub's 403 and GraphQL FORBIDDEN), and nothing changes", async () => {
      const added = await addEnvironment(world, { provider: "github", login: "octo-reader", repo: "own" });
      const reader = await connect(world, added.environment);
      try {
        const threads = structured<{ threads: { id: string; resolved: boolean }[] }>(await session.call("list_review_threads", { repository, number }));
        const target = threads.threads.find((t) => !t.resolved)!;
        expect(errorOf(await reader.call("update_pull_request", { repository, number, title: "Taken over" }))).toMatchObject({ code: "repository_permission_denied" });
        expect(errorOf(await reader.call("resolve_review_thread", { repository, number, threadId: target.id }))).toMatchObject({ code: "repository_permission_denied" });
        expect(errorOf(await reader.call("update_pull_request", { repository, number, draft: true }))).toMatchObject({ code: "repository_permission_denied" });
        const { data } = await octokit.rest.pulls.get({ ...tools, pull_number: number });
        expect(data).toMatchObject({ title: "Tools, explained", draft: false });
        const again = structured<{ threads: { id: string; resolved: boolean }[] }>(await session.call("list_review_threads", { repository, number }));
        expect(again.threads.find((t) => t.id === target.id)?.resolved).toBe(false);
        // Reading is allowed.
        expect(errorOf(await reader.call("list_review_threads", { repository, number }))).toBeNull();
        expect(JSON.stringify(reader.transcript)).not.toContain(added.token);
      } finally {
        await disconnect(reader);
      }
    });
  });

  it("no answer and no activity row carries the owner's token", async () => {
    expect(session.transcript.length).toBeGreaterThan(10);
    expect(JSON.stringify(session.transcript)).not.toContain(ownerToken);
    expect(JSON.stringify(await activityOf(world, session.environment.id))).not.toContain(ownerToken);
  });

  it("another environment's token gets 401 environment_token_invalid, before any tool runs", async () => {
    const other = await addEnvironment(world, { provider: "github", login: "octo-owner", repo: "other-app" });
    const otherSession = await connect(world, other.environment);
    try {
      const answer = await fetch(session.http.url, {
        method: "POST",
        headers: { authorization: `Bearer ${otherSession.token}`, "content-type": "application/json", accept: "application/json, text/event-stream" },
        body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/list" }),
      });
      expect(answer.status).toBe(401);
      expect(await answer.json()).toMatchObject({ error: { code: "environment_token_invalid" } });
      const none = await fetch(session.http.url, { method: "POST", body: "{}" });
      expect(none.status).toBe(401);
      // A page on another name resolving to loopback (DNS rebinding) is refused even with the token.
      expect(await postWithHost(session.http.url, "evil.example", session.token)).toBe(403);
    } finally {
      await disconnect(otherSession);
    }
    expect(await activityOf(world, other.environment.id)).toHaveLength(0);
  });
});
