import { request } from "node:http";
import { Octokit } from "@octokit/rest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { toolCapabilities } from "@/lib/agents/capabilities";
import { testEngines } from "@/tests/helpers/test-database";
import { activityOf, addEnvironment, connect, disconnect, errorOf, startWorld, type ToolSession, type World } from "./test-support/world";

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

  it("lists the nine tools with precise input schemas", async () => {
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
