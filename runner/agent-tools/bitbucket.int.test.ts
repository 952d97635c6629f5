import { writeFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { toolCapabilities } from "@/lib/agents/capabilities";
import { testEngines } from "@/tests/helpers/test-database";
import { addBitbucketEnvironment, bitbucketOAuth, bitbucketRest } from "./test-support/bitbucket";
import { activityOf, connect, disconnect, errorOf, git, startWorld, type ToolSession, type World } from "./test-support/world";

type Json = Record<string, unknown>;

describe("agent SCM tools on the Bitbucket Cloud sandbox", () => {
  let world: World;
  let session: ToolSession;
  let workdir: string;
  const sessions: ToolSession[] = [];
  const secrets: string[] = [];
  const repo = "bb-owner/app";
  let owner: ReturnType<typeof bitbucketRest>;
  let reviewer: ReturnType<typeof bitbucketRest>;
  let readerToken: string;
  let prNumber = 0;

  const data = (result: { structuredContent?: unknown }) => result.structuredContent as Json;
  async function ok(tool: Parameters<ToolSession["call"]>[0], args: Json = {}, on = session): Promise<Json> {
    const result = await on.call(tool, args);
    expect(errorOf(result), tool).toBeNull();
    return data(result);
  }

  beforeAll(async () => {
    world = await startWorld(testEngines()[0]!);
    const [reviewerOAuth, readerOAuth] = [await bitbucketOAuth(world, "bb-reviewer"), await bitbucketOAuth(world, "bb-reader")];
    readerToken = readerOAuth.accessToken;
    const added = await addBitbucketEnvironment(world, {
      login: "bb-owner",
      repo: "app",
      collaborators: [
        { login: "bb-reviewer", permission: "write" },
        { login: "bb-reader", permission: "read" },
      ],
      workdir: true,
    });
    workdir = added.environment.workdir!;
    secrets.push(added.token, reviewerOAuth.accessToken, reviewerOAuth.refreshToken, readerOAuth.accessToken);
    await world.sandbox.admin.configureBitbucketRepo({ path: repo, issueTracker: true, components: ["backend", "frontend"] });
    owner = bitbucketRest(world, added.token);
    reviewer = bitbucketRest(world, reviewerOAuth.accessToken);
    session = await connect(world, added.environment);
    sessions.push(session);
  });
  afterAll(async () => {
    for (const s of sessions) await disconnect(s);
    await world?.close();
  });

  it("lists every tool", async () => {
    const { tools } = await session.client.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual(Object.keys(toolCapabilities).sort());
  });

  it("does the task end to end: reads the issue, pushes a fix, opens a pull request, answers two inline comments and sees the build go green", async () => {
    const filed = await reviewer.post(`/repositories/${repo}/issues`, { title: "The README does not say what the app does", content: { raw: "Explain it in one sentence." } });
    const read = await ok("get_issue", { number: filed.body.id });
    expect(read).toMatchObject({ issue: { number: filed.body.id, title: "The README does not say what the app does", state: "open", author: "bb-reviewer", body: "Explain it in one sentence." }, comments: [], commentsHasMore: false });

    await git(world, ["checkout", "--quiet", "-b", "fix/readme"], { cwd: workdir });
    await writeFile(path.join(workdir, "README.md"), "# app\n\nThe app greets people.\n");
    await git(world, ["commit", "--quiet", "-am", "Say what the app does"], { cwd: workdir });
    await git(world, ["push", "--quiet", "origin", "fix/readme"], { cwd: workdir, username: "x-token-auth", password: secrets[0] });
    const headSha = (await git(world, ["rev-parse", "HEAD"], { cwd: workdir })).trim();

    const opened = await ok("create_pull_request", { title: "Say what the app does", body: `Fixes #${String(filed.body.id)}` });
    const pr = opened.pullRequest as Json;
    prNumber = pr.number as number;
    expect(pr).toMatchObject({ state: "open", head: "fix/readme", base: "main", author: "bb-owner", draft: false, url: `${world.sandbox.urls.bitbucket.web}/${repo}/pull-requests/${prNumber}` });
    expect((await owner.get(`/repositories/${repo}/pullrequests/${prNumber}`)).body).toMatchObject({ title: "Say what the app does", description: "Fixes #1", source: { branch: { name: "fix/readme" } }, author: { nickname: "bb-owner" } });

    const comments = `/repositories/${repo}/pullrequests/${prNumber}/comments`;
    const first = await reviewer.post(comments, { content: { raw: "Greets whom?" }, inline: { path: "README.md", to: 3 } });
    const second = await reviewer.post(comments, { content: { raw: "Keep the title." }, inline: { path: "README.md", to: 1 } });
    expect([first.status, second.status]).toEqual([201, 201]);

    const threads = (await ok("list_review_threads", { number: prNumber })).threads as Json[];
    expect(threads).toMatchObject([
      { id: String(first.body.id), resolved: false, outdated: false, path: "README.md", line: 3, side: "RIGHT", comments: [{ author: "bb-reviewer", body: "Greets whom?" }] },
      { id: String(second.body.id), resolved: false, path: "README.md", line: 1, comments: [{ author: "bb-reviewer", body: "Keep the title." }] },
    ]);
    const replied = await ok("reply_to_review_thread", { number: prNumber, threadId: threads[0]!.id, body: "Everyone who opens it.", resolve: true });
    expect(replied).toMatchObject({ threadId: String(first.body.id), resolved: true, comment: { author: "bb-owner" } });
    expect(await ok("resolve_review_thread", { number: prNumber, threadId: threads[1]!.id })).toMatchObject({ resolved: true });
    const all = (await owner.get(`${comments}?pagelen=50`)).body.values!;
    expect(all.find((c) => c.id === first.body.id)?.resolution).toMatchObject({ user: { nickname: "bb-owner" } });
    expect(all.find((c) => c.id === second.body.id)?.resolution).toBeTruthy();
    expect(all.find((c) => (c.content as Json).raw === "Everyone who opens it.")).toMatchObject({ parent: { id: first.body.id }, user: { nickname: "bb-owner" } });
    expect(await ok("list_review_threads", { number: prNumber, state: "unresolved" })).toMatchObject({ threads: [], hasMore: false });
    expect(((await ok("list_review_threads", { number: prNumber, state: "resolved" })).threads as Json[])[0]).toMatchObject({ comments: [{ body: "Greets whom?" }, { body: "Everyone who opens it.", author: "bb-owner" }] });

    const build = `/repositories/${repo}/commit/${headSha}/statuses/build`;
    await reviewer.post(build, { state: "INPROGRESS", key: "pipeline", name: "Pipeline #7", url: "https://ci.example.test/7" });
    expect(await ok("get_pull_request_checks", { number: prNumber })).toMatchObject({ sha: headSha, overall: "pending", checks: [{ name: "Pipeline #7", kind: "build", state: "pending", url: "https://ci.example.test/7" }] });
    await reviewer.post(build, { state: "SUCCESSFUL", key: "pipeline", name: "Pipeline #7", url: "https://ci.example.test/7" });
    expect(await ok("get_pull_request_checks", { number: prNumber })).toMatchObject({ overall: "success", checks: [{ state: "success" }] });

    const activity = await activityOf(world, session.environment.id);
    expect(activity.map((a) => [a.tool, a.outcome, a.provider])).toEqual(
      ["get_issue", "create_pull_request", "list_review_threads", "reply_to_review_thread", "resolve_review_thread", "list_review_threads", "list_review_threads", "get_pull_request_checks", "get_pull_request_checks"].map((t) => [t, "succeeded", "bitbucket"]),
    );
    expect(activity[1]!.resultUrl).toBe(pr.url);
  });

  it("reads, searches, lists the files of and updates the pull request; reviews stand in as approvals", async () => {
    const detail = (await ok("get_pull_request", { number: prNumber })).pullRequest as Json;
    expect(detail).toMatchObject({ body: "Fixes #1", headSha: (await git(world, ["rev-parse", "HEAD"], { cwd: workdir })).trim(), reviewers: [], labels: [], assignees: [] });
    expect(await ok("list_pull_requests", { head: "fix/readme" })).toMatchObject({ pullRequests: [{ number: prNumber }], hasMore: false });
    expect(await ok("list_pull_requests", { state: "closed" })).toMatchObject({ pullRequests: [] });
    expect(await ok("search_pull_requests", { query: "what the app" })).toMatchObject({ pullRequests: [{ number: prNumber }] });
    const files = await ok("list_pull_request_files", { number: prNumber });
    expect(files).toMatchObject({ files: [{ path: "README.md", status: "modified", additions: 1, deletions: 1, patchTruncated: false }], hasMore: false });
    expect(((files.files as Json[])[0]!.patch as string).split("\n")).toEqual(expect.arrayContaining(["-The app.", "+The app greets people."]));

    const updated = await ok("update_pull_request", { number: prNumber, title: "Say what the app does (README)", reviewers: ["bb-reviewer"], draft: true });
    expect(updated).toMatchObject({ changed: ["title", "draft", "reviewers"], pullRequest: { title: "Say what the app does (README)", draft: true, reviewers: ["bb-reviewer"] } });
    expect((await owner.get(`/repositories/${repo}/pullrequests/${prNumber}`)).body).toMatchObject({ draft: true, reviewers: [{ nickname: "bb-reviewer" }] });
    expect(errorOf(await session.call("update_pull_request", { number: prNumber, reviewers: ["nobody-here"] }))).toMatchObject({ code: "validation_failed", fieldErrors: { reviewers: [expect.stringContaining("not a member")] } });

    const submitted = await ok("submit_review", { number: prNumber, event: "COMMENT", body: "One more thing.", comments: [{ path: "README.md", line: 3, body: "Period at the end?" }] });
    expect(submitted).toMatchObject({ review: { state: "COMMENTED", author: "bb-owner" }, comments: [{ author: "bb-owner" }], notes: [expect.stringContaining("no reviews")] });
    const conversation = await ok("list_pull_request_comments", { number: prNumber });
    expect(conversation).toMatchObject({ comments: [{ body: "One more thing.", author: "bb-owner" }], hasMore: false });
    expect(((await ok("list_review_threads", { number: prNumber, state: "unresolved" })).threads as Json[]).map((t) => (t.comments as Json[])[0]!.body)).toEqual(["Period at the end?"]);
    const left = await ok("add_review_comment", { number: prNumber, path: "README.md", line: 3, side: "LEFT", body: "The old sentence was fine too." });
    const leftThread = ((await ok("list_review_threads", { number: prNumber })).threads as Json[]).find((t) => t.id === left.threadId);
    expect(leftThread).toMatchObject({ path: "README.md", line: 3, side: "LEFT", resolved: false });
    expect((await owner.get(`/repositories/${repo}/pullrequests/${prNumber}/comments/${String(left.threadId)}`)).body).toMatchObject({ inline: { path: "README.md", from: 3, to: null } });
    const failed = await session.call("submit_review", { number: prNumber, event: "APPROVE", comments: [{ path: "README.md", line: 3, body: "Fine." }, { path: "src/main.ts", line: 1, body: "Not in the diff." }] });
    expect(errorOf(failed)).toMatchObject({ code: "validation_failed", message: expect.stringMatching(/inline comment 2 \(src\/main\.ts:1\).*1 inline comment was posted first.*not submitted/s) });

    await reviewer.post(`/repositories/${repo}/pullrequests/${prNumber}/approve`);
    expect(await ok("list_reviews", { number: prNumber })).toMatchObject({ reviews: [{ author: "bb-reviewer", state: "APPROVED", body: "" }], notes: [expect.stringContaining("approval")] });
    expect(await ok("submit_review", { number: prNumber, event: "REQUEST_CHANGES", body: "Needs a test." })).toMatchObject({ review: { state: "CHANGES_REQUESTED" } });
    const participants = (await owner.get(`/repositories/${repo}/pullrequests/${prNumber}`)).body.participants as { user: { nickname: string }; state: string }[];
    expect(participants.map((p) => [p.user.nickname, p.state])).toEqual(
      expect.arrayContaining([
        ["bb-reviewer", "approved"],
        ["bb-owner", "changes_requested"],
      ]),
    );
  });

  it("closes the pull request by declining it, and says a declined one cannot be reopened", async () => {
    expect(await ok("update_pull_request", { number: prNumber, state: "closed" })).toMatchObject({ changed: ["state"], pullRequest: { state: "closed" }, notes: [expect.stringContaining("cannot be reopened")] });
    expect((await owner.get(`/repositories/${repo}/pullrequests/${prNumber}`)).body).toMatchObject({ state: "DECLINED" });
    const reopen = await session.call("update_pull_request", { number: prNumber, state: "open", title: "Again" });
    expect(errorOf(reopen)).toMatchObject({ code: "validation_failed", message: expect.stringContaining("declined Bitbucket pull request cannot be reopened"), fieldErrors: { state: [expect.any(String)] } });
    expect((await owner.get(`/repositories/${repo}/pullrequests/${prNumber}`)).body).toMatchObject({ state: "DECLINED", title: "Say what the app does (README)" });
    expect(await ok("list_pull_requests", { state: "closed" })).toMatchObject({ pullRequests: [{ number: prNumber, state: "closed" }] });
  });

  it("creates, updates, lists, searches and comments on issues: a label is the component, one assignee", async () => {
    const created = await ok("create_issue", { title: "Crash on start", body: "Stack trace attached.", labels: ["backend"], assignees: ["bb-reviewer"] });
    const issue = created.issue as Json;
    expect(created).toMatchObject({ issue: { labels: ["backend"], assignees: ["bb-reviewer"], author: "bb-owner", state: "open" }, notes: [expect.stringContaining("component")] });
    expect((await owner.get(`/repositories/${repo}/issues/${String(issue.number)}`)).body).toMatchObject({ component: { name: "backend" }, assignee: { nickname: "bb-reviewer" }, content: { raw: "Stack trace attached." } });
    expect(errorOf(await session.call("create_issue", { title: "x", labels: ["bug"] }))).toMatchObject({ code: "validation_failed", message: expect.stringContaining("backend, frontend") });
    expect(errorOf(await session.call("update_issue", { number: issue.number, labels: ["backend", "frontend"] }))).toMatchObject({ code: "validation_failed", fieldErrors: { labels: [expect.any(String)] } });

    const closed = await ok("update_issue", { number: issue.number, state: "closed", labels: [], assignees: [] });
    expect(closed).toMatchObject({ issue: { state: "closed", labels: [], assignees: [] }, notes: [expect.stringContaining("resolved")] });
    expect((await owner.get(`/repositories/${repo}/issues/${String(issue.number)}`)).body).toMatchObject({ state: "resolved", component: null, assignee: null });
    expect(await ok("list_issues", { state: "closed" })).toMatchObject({ issues: [{ number: issue.number }] });
    expect(await ok("list_issues", { labels: ["backend"], state: "all" })).toMatchObject({ issues: [] });
    expect(await ok("search_issues", { query: "crash" })).toMatchObject({ issues: [{ number: issue.number, title: "Crash on start" }] });
    expect(await ok("update_issue", { number: issue.number, state: "open" })).toMatchObject({ issue: { state: "open" } });

    const commented = await ok("comment_on_issue", { number: issue.number, body: "Fixed in #1" });
    expect((commented.comment as Json).url).toMatch(new RegExp(`/issues/${String(issue.number)}#comment-\\d+$`));
    expect((await owner.get(`/repositories/${repo}/issues/${String(issue.number)}/comments`)).body.values?.map((c) => [(c.content as Json).raw, (c.user as Json).nickname])).toEqual([["Fixed in #1", "bb-owner"]]);

    expect(await ok("list_labels")).toMatchObject({ labels: [{ name: "backend" }, { name: "frontend" }], notes: [expect.stringContaining("components")] });
    expect(await ok("list_assignable_users", { query: "REVIEW" })).toMatchObject({ users: [{ login: "bb-reviewer" }], hasMore: false });
    expect(((await ok("list_assignable_users")).users as Json[]).map((u) => u.login).sort()).toEqual(["bb-owner", "bb-reader", "bb-reviewer"]);
    expect(await ok("get_me")).toMatchObject({ user: { login: "bb-owner", name: "bb-owner" } });
  });

  it("pages lists with Bitbucket's page and next, and get_issue hands on to list_issue_comments", async () => {
    for (const title of ["Page one", "Page two", "Page three"]) await ok("create_issue", { title });
    const seen: number[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await ok("list_issues", { limit: 2, ...(cursor ? { cursor } : {}) });
      seen.push(...(page.issues as Json[]).map((i) => i.number as number));
      expect(page.hasMore).toBe(page.nextCursor !== null);
      cursor = (page.nextCursor as string | null) ?? undefined;
      pages += 1;
    } while (cursor && pages < 10);
    const all = ((await ok("list_issues", { limit: 100 })).issues as Json[]).map((i) => i.number as number);
    expect(seen).toEqual(all);
    expect(all).toEqual([...all].sort((a, b) => b - a));
    expect(pages).toBe(Math.ceil(all.length / 2));
    expect(errorOf(await session.call("list_issues", { limit: 2, state: "closed", cursor: (await ok("list_issues", { limit: 2 })).nextCursor }))).toMatchObject({ code: "validation_failed" });

    const number = all[0]!;
    for (const body of ["one", "two", "three"]) await ok("comment_on_issue", { number, body });
    const first = await ok("get_issue", { number, commentLimit: 2 });
    expect(first).toMatchObject({ comments: [{ body: "one" }, { body: "two" }], commentsHasMore: true });
    const rest = await ok("list_issue_comments", { number, cursor: first.commentsNextCursor });
    expect(rest).toMatchObject({ comments: [{ body: "three" }], hasMore: false, nextCursor: null });
    expect(await ok("get_issue", { number, commentLimit: 0 })).toMatchObject({ comments: [], commentsHasMore: true });
  });

  it("says the issue tracker is off where it is, and lists no labels there", async () => {
    await world.sandbox.admin.createRepo({ provider: "bitbucket", path: "bb-owner/quiet", files: { "README.md": "# quiet\n" } });
    const result = await session.call("get_issue", { repository: "bb-owner/quiet", number: 1 });
    expect(errorOf(result)).toMatchObject({ code: "scm_feature_disabled", message: expect.stringContaining("issue tracker switched off") });
    expect(errorOf(await session.call("create_issue", { repository: "bb-owner/quiet", title: "x" }))).toMatchObject({ code: "scm_feature_disabled" });
    expect(await ok("list_labels", { repository: "bb-owner/quiet" })).toMatchObject({ labels: [], notes: [expect.stringContaining("switched off")] });
  });

  it("answers a number the repository does not have with scm_item_not_found", async () => {
    expect(errorOf(await session.call("get_pull_request", { number: 999 }))).toMatchObject({ code: "scm_item_not_found", message: expect.stringContaining("pull request #999") });
    expect(errorOf(await session.call("get_issue", { number: 999 }))).toMatchObject({ code: "scm_item_not_found" });
    expect(errorOf(await session.call("reply_to_review_thread", { number: prNumber, threadId: "12345678", body: "x" }))).toMatchObject({ code: "validation_failed", fieldErrors: { threadId: [expect.any(String)] } });
  });

  it("gives a read-only member's environment Bitbucket's 403 as repository_permission_denied; nothing is created", async () => {
    const added = await addBitbucketEnvironment(world, { login: "bb-reader", repo: "own", token: { value: readerToken, source: "oauth" } });
    const reader = await connect(world, added.environment);
    sessions.push(reader);
    const before = (await owner.get(`/repositories/${repo}/pullrequests?state=OPEN&state=DECLINED`)).body.size;
    const result = await reader.call("create_pull_request", { repository: repo, title: "Mine", head: "fix/readme" });
    expect(errorOf(result)).toMatchObject({ code: "repository_permission_denied" });
    expect((await owner.get(`/repositories/${repo}/pullrequests?state=OPEN&state=DECLINED`)).body.size).toBe(before);
    expect(errorOf(await reader.call("update_pull_request", { repository: repo, number: prNumber, title: "Mine" }))).toMatchObject({ code: "repository_permission_denied" });
    // Reading (and commenting) is what read access allows.
    expect(errorOf(await reader.call("get_pull_request", { repository: repo, number: prNumber }))).toBeNull();
    expect(await activityOf(world, added.environment.id)).toMatchObject([
      { repository: repo, outcome: "failed", errorCode: "repository_permission_denied" },
      { repository: repo, outcome: "failed", errorCode: "repository_permission_denied" },
      { repository: repo, outcome: "succeeded" },
    ]);
  });

  it("refuses a switched-off capability before calling Bitbucket", async () => {
    await world.setPolicy({ pullRequests: false });
    try {
      const since = Date.now();
      expect(errorOf(await session.call("get_pull_request", { number: prNumber }))).toMatchObject({ code: "scm_tools_not_allowed", message: expect.stringContaining("pull requests capability") });
      expect(world.sandbox.admin.requests({ provider: "bitbucket", since }).filter((r) => r.path.includes("/pullrequests"))).toEqual([]);
      expect(errorOf(await session.call("get_issue", { number: 1 }))).toBeNull();
    } finally {
      await world.setPolicy({});
    }
  });

  it("refuses an API token connection made before the email was kept, in words, sending nothing (Bitbucket takes API tokens only with the email)", async () => {
    const pat = await world.sandbox.admin.issuePat({ provider: "bitbucket", login: "bb-owner" });
    secrets.push(pat.value);
    const added = await addBitbucketEnvironment(world, { login: "bb-owner", repo: "tokened", token: { value: pat.value, source: "pat" } });
    const tokened = await connect(world, added.environment);
    sessions.push(tokened);
    const since = Date.now();
    expect(errorOf(await tokened.call("get_me"))).toMatchObject({ code: "unsupported_credential_type", message: expect.stringMatching(/reconnect the API token .*entering the email, or connect Bitbucket with OAuth/) });
    expect(world.sandbox.admin.requests({ provider: "bitbucket", since })).toEqual([]);
  });

  it("acts with an API token connection over Basic with the email it was connected with; a scope the token lacks is named, with the API token remedy", async () => {
    const pat = await world.sandbox.admin.issuePat({ provider: "bitbucket", login: "bb-owner" });
    secrets.push(pat.value);
    const email = pat.email!;
    const added = await addBitbucketEnvironment(world, { login: "bb-owner", repo: "emailed", token: { value: pat.value, source: "pat", patUsername: email } });
    await world.sandbox.admin.configureBitbucketRepo({ path: "bb-owner/emailed", issueTracker: true });
    const tokened = await connect(world, added.environment);
    sessions.push(tokened);
    const since = Date.now();
    expect(await ok("get_me", {}, tokened)).toMatchObject({ user: { login: "bb-owner" } });
    expect(await ok("list_pull_requests", {}, tokened)).toMatchObject({ pullRequests: [], hasMore: false });
    // The sandbox, like Bitbucket, answers an API token sent as a bearer token 401: none of these got one.
    expect(world.sandbox.admin.requests({ provider: "bitbucket", since }).map((r) => [r.path, r.status])).toEqual([
      ["/2.0/user", 200],
      ["/2.0/repositories/bb-owner/emailed/pullrequests", 200],
    ]);
    expect((await bitbucketRest(world, pat.value).get("/user")).status).toBe(401);

    // This token was made without the issue scopes: Bitbucket's 403 names one it lacks.
    expect(errorOf(await tokened.call("create_issue", { title: "Needs write:issue" }))).toMatchObject({
      code: "pat_missing_scopes",
      message: expect.stringMatching(/lacks the (read|write):issue:bitbucket scope .*Nothing was done\. The owner can create an API token with it and reconnect it/),
    });
    expect(JSON.stringify(tokened.transcript)).not.toContain(email);
  });

  it("put no token of anyone in any result", () => {
    expect(sessions.reduce((n, s) => n + s.transcript.length, 0)).toBeGreaterThan(50);
    for (const s of sessions) {
      const transcript = JSON.stringify(s.transcript);
      for (const secret of secrets) expect(transcript).not.toContain(secret);
    }
  });
});
