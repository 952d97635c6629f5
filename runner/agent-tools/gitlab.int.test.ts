import { writeFile } from "node:fs/promises";
import path from "node:path";
import { Gitlab } from "@gitbeaker/rest";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hostAuthTokens, scmIntegrations } from "@/db/schema";
import { seal } from "@/lib/crypto/sealed-box";
import { testEngines } from "@/tests/helpers/test-database";
import { providerClients } from "../providers";
import { authorizeCode, CALLBACK, noDeadline, sandboxEndpoints } from "../providers/test-support/sandbox";
import { toolOutputSchemas } from "./tool-output";
import { activityOf, addEnvironment, connect, disconnect, errorOf, git, startWorld, type ToolSession, type World } from "./test-support/world";

describe("agent SCM tools on the GitLab sandbox", () => {
  let world: World;
  let session: ToolSession;
  let api: InstanceType<typeof Gitlab>;
  let ownerToken: string;
  const project = "gl-owner/app";
  /** Every token used, and every session's results: none may carry one. */
  const tokens: string[] = [];
  const transcripts: unknown[][] = [];

  beforeAll(async () => {
    world = await startWorld(testEngines()[0]!);
    const added = await addEnvironment(world, { provider: "gitlab", login: "gl-owner", repo: "app", pushBranch: "feature" });
    api = new Gitlab({ host: world.sandbox.urls.gitlab.web, token: added.token });
    ownerToken = added.token;
    tokens.push(added.token);
    session = await connect(world, added.environment);
    transcripts.push(session.transcript);
  });
  afterAll(async () => {
    if (session) await disconnect(session);
    await world?.close();
  });

  it("opens a merge request from the pushed branch and comments on a line of its diff, as the owner", async () => {
    const opened = await session.call("create_pull_request", { title: "Explain the app", body: "Adds a sentence.", head: "feature" });
    expect(errorOf(opened)).toBeNull();
    const { pullRequest } = opened.structuredContent as { pullRequest: { number: number; url: string } };
    const mr = await api.MergeRequests.show(project, pullRequest.number);
    expect(mr).toMatchObject({ title: "Explain the app", source_branch: "feature", target_branch: "main", author: { username: "gl-owner" }, web_url: pullRequest.url });

    const commented = await session.call("add_review_comment", { number: pullRequest.number, path: "README.md", line: 3, body: "Say which app." });
    expect(errorOf(commented)).toBeNull();
    const discussions = await api.MergeRequestDiscussions.all(project, pullRequest.number);
    expect(discussions[0]?.notes?.[0]).toMatchObject({ type: "DiffNote", body: "Say which app.", author: { username: "gl-owner" }, position: { new_path: "README.md", new_line: 3 } });

    const reviewed = await session.call("submit_review", { number: pullRequest.number, event: "COMMENT", body: "Looks good overall." });
    expect(errorOf(reviewed)).toBeNull();
    const notes = await api.MergeRequestNotes.all(project, pullRequest.number);
    expect(notes.map((n) => [n.body, (n.author as { username: string }).username])).toContainEqual(["Looks good overall.", "gl-owner"]);

    const activity = await activityOf(world, session.environment.id);
    expect(activity.map((a) => [a.tool, a.outcome, a.provider])).toEqual([
      ["create_pull_request", "succeeded", "gitlab"],
      ["add_review_comment", "succeeded", "gitlab"],
      ["submit_review", "succeeded", "gitlab"],
    ]);
    expect(activity[0]!.resultUrl).toBe(pullRequest.url);
    expect(activity[1]!.resultUrl).toMatch(new RegExp(`^${pullRequest.url}#note_\\d+$`));
  });

  // Regression: GitLab answers the author's own approval with a bare 401, which the tools read as
  // a revoked token, marking the owner's connection for reconnection.
  it("the owner's APPROVE of their own merge request is refused as such, and leaves the connection alone", async () => {
    const [mr] = await api.MergeRequests.all({ projectId: project, state: "opened" });
    const result = await session.call("submit_review", { number: mr!.iid, event: "APPROVE", body: "Approving my own." });
    expect(errorOf(result)).toMatchObject({ code: "validation_failed", fieldErrors: { event: [expect.any(String)] } });
    expect(await api.MergeRequestApprovals.showConfiguration(project, { mergerequestIId: mr!.iid })).toMatchObject({ approved: false, approved_by: [] });
    expect((await api.MergeRequestNotes.all(project, mr!.iid)).map((n) => n.body)).not.toContain("Approving my own.");
    const [row] = await world.database.db.select().from(hostAuthTokens).where(eq(hostAuthTokens.userId, session.environment.ownerId));
    expect(row).toMatchObject({ needsReauthReason: null });
    expect((await activityOf(world, session.environment.id)).at(-1)).toMatchObject({ tool: "submit_review", outcome: "failed", errorCode: "validation_failed" });
    // The connection still works.
    expect(errorOf(await session.call("get_pull_request", { number: mr!.iid }))).toBeNull();
  });

  it("approves someone else's merge request from a Developer's environment, with a note", async () => {
    await world.sandbox.admin.createUser({ provider: "gitlab", login: "gl-dev" });
    await world.sandbox.admin.createRepo({
      provider: "gitlab",
      path: "gl-owner/reviewed",
      files: { "README.md": "# reviewed\n" },
      branches: [{ name: "topic", files: { "README.md": "# reviewed\n\nMore.\n" } }],
      collaborators: [{ login: "gl-dev", permission: "write" }],
    });
    const mr = await api.MergeRequests.create("gl-owner/reviewed", "topic", "main", "Topic");
    const added = await addEnvironment(world, { provider: "gitlab", login: "gl-dev", repo: "own" });
    const developer = await connect(world, added.environment);
    try {
      const result = await developer.call("submit_review", { repository: "gl-owner/reviewed", number: mr.iid, event: "APPROVE", body: "Ship it." });
      expect(errorOf(result)).toBeNull();
      expect(result.structuredContent).toMatchObject({ review: { state: "APPROVED" } });
      const state = await api.MergeRequestApprovals.showConfiguration("gl-owner/reviewed", { mergerequestIId: mr.iid });
      expect(state).toMatchObject({ approved: true, approved_by: [{ user: { username: "gl-dev" } }] });
      const notes = await api.MergeRequestNotes.all("gl-owner/reviewed", mr.iid);
      expect(notes.map((n) => [n.body, (n.author as { username: string }).username])).toEqual([["Ship it.", "gl-dev"]]);
      // Approving again keeps the approval (GitLab answers a repeat with 304).
      expect(errorOf(await developer.call("submit_review", { repository: "gl-owner/reviewed", number: mr.iid, event: "APPROVE" }))).toBeNull();
      expect(await api.MergeRequestApprovals.showConfiguration("gl-owner/reviewed", { mergerequestIId: mr.iid })).toMatchObject({ approved_by: [{ user: { username: "gl-dev" } }] });
    } finally {
      await disconnect(developer);
    }
  });

  it("creates and closes an issue with a comment, as the owner", async () => {
    const created = await session.call("create_issue", { title: "Crash on start", labels: ["bug"] });
    const { issue } = created.structuredContent as { issue: { number: number; url: string } };
    expect(errorOf(await session.call("update_issue", { number: issue.number, state: "closed", title: "Crash on start (fixed)" }))).toBeNull();
    expect(errorOf(await session.call("comment_on_issue", { number: issue.number, body: "Fixed in !1" }))).toBeNull();
    const shown = await api.Issues.show(issue.number, { projectId: project });
    expect(shown).toMatchObject({ title: "Crash on start (fixed)", state: "closed", labels: ["bug"], author: { username: "gl-owner" }, web_url: issue.url });
    const userNotes = (await api.IssueNotes.all(project, issue.number)).filter((n) => !n.system);
    expect(userNotes.map((n) => [n.body, (n.author as { username: string }).username])).toEqual([["Fixed in !1", "gl-owner"]]);
    expect((await session.call("list_issues", { state: "closed" })).structuredContent).toMatchObject({ issues: [{ number: issue.number }] });
  });

  it("an owner who is only a Reporter gets repository_permission_denied for a merge request; nothing is created", async () => {
    await world.sandbox.admin.createUser({ provider: "gitlab", login: "gl-reporter" });
    await world.sandbox.admin.createRepo({
      provider: "gitlab",
      path: "gl-owner/shared",
      files: { "README.md": "# shared\n" },
      branches: [{ name: "topic", files: { "README.md": "# shared\n\nMore.\n" } }],
      collaborators: [{ login: "gl-reporter", permission: "read" }],
    });
    const reporter = await addEnvironment(world, { provider: "gitlab", login: "gl-reporter", repo: "own" });
    const limited = await connect(world, reporter.environment);
    try {
      const result = await limited.call("create_pull_request", { title: "Mine", head: "topic", repository: "gl-owner/shared" });
      expect(errorOf(result)).toMatchObject({ code: "repository_permission_denied" });
      expect(await api.MergeRequests.all({ projectId: "gl-owner/shared" })).toHaveLength(0);
      expect(await activityOf(world, reporter.environment.id)).toMatchObject([{ repository: "gl-owner/shared", outcome: "failed", errorCode: "repository_permission_denied" }]);

      // The owner's merge request: a Reporter reads it, but GitLab refuses its edits and resolving its threads with 403.
      const mr = await api.MergeRequests.create("gl-owner/shared", "topic", "main", "Owner's");
      const refs = mr.diff_refs as { base_sha: string; head_sha: string; start_sha: string };
      const thread = await api.MergeRequestDiscussions.create("gl-owner/shared", mr.iid, "Check this.", {
        position: { baseSha: refs.base_sha, startSha: refs.start_sha, headSha: refs.head_sha, positionType: "text", oldPath: "README.md", newPath: "README.md", newLine: "3" },
      });
      expect(errorOf(await limited.call("get_pull_request", { repository: "gl-owner/shared", number: mr.iid }))).toBeNull();
      expect(errorOf(await limited.call("update_pull_request", { repository: "gl-owner/shared", number: mr.iid, title: "Reporter's" }))).toMatchObject({ code: "repository_permission_denied" });
      expect(errorOf(await limited.call("resolve_review_thread", { repository: "gl-owner/shared", number: mr.iid, threadId: thread.id }))).toMatchObject({ code: "repository_permission_denied" });
      expect((await api.MergeRequests.show("gl-owner/shared", mr.iid)).title).toBe("Owner's");
      expect((await api.MergeRequestDiscussions.show("gl-owner/shared", mr.iid, thread.id)).notes?.[0]).toMatchObject({ resolved: false });
      tokens.push(reporter.token);
      transcripts.push(limited.transcript);
    } finally {
      await disconnect(limited);
    }
  });

  it("refreshes an expiring OAuth token first, saving the rotated one at the plane", async () => {
    const { sandbox, database } = world;
    const endpoints = sandboxEndpoints(sandbox, "gitlab");
    const app = await sandbox.admin.registerOAuthApp({ provider: "gitlab", callbackUrls: [CALLBACK] });
    await sandbox.admin.setAutoApprove("gitlab", true);
    await sandbox.admin.createUser({ provider: "gitlab", login: "gl-oauth" });
    await sandbox.admin.signIn("gitlab", "gl-oauth");
    const { code, verifier } = await authorizeCode(endpoints, { client_id: app.clientId, scope: "api read_user" });
    const tokens = await providerClients.gitlab.exchangeCode({ endpoints, clientId: app.clientId, clientSecret: app.clientSecret, code, verifier, redirectUri: CALLBACK, signal: noDeadline() });
    const host = world.hosts.gitlab;
    await database.db
      .update(scmIntegrations)
      .set({
        oauthEnabled: true,
        oauthClientId: app.clientId,
        oauthClientSecretSealed: await seal(world.runner.keys.publicKey, { purpose: "oauth_client_secret", runnerId: world.runner.runnerId, host }, app.clientSecret),
        oauthSecretKeyId: world.runner.keyId,
      })
      .where(eq(scmIntegrations.id, world.integrationIds.gitlab));
    const added = await addEnvironment(world, { provider: "gitlab", login: "gl-oauth", repo: "app", token: tokens.accessToken, oauth: { refreshToken: tokens.refreshToken!, expiresAt: new Date(Date.now() + 60_000) } });
    const oauth = await connect(world, added.environment);
    try {
      const refreshes = sandbox.admin.tokenEndpointCounters().gitlab?.refresh_token ?? 0;
      const result = await oauth.call("create_issue", { title: "Made with a refreshed token" });
      expect(errorOf(result)).toBeNull();
      expect(sandbox.admin.tokenEndpointCounters().gitlab?.refresh_token).toBe(refreshes + 1);
      const [row] = await database.db.select().from(hostAuthTokens).where(eq(hostAuthTokens.userId, added.owner.userId));
      expect(row).toMatchObject({ generation: 2, needsReauthReason: null });
      expect(row!.expiresAt!.getTime()).toBeGreaterThan(Date.now() + 30 * 60_000);
      // GitLab rotates: the first access token is dead, so the issue was made with the new one.
      const reader = new Gitlab({ host: sandbox.urls.gitlab.web, token: (await sandbox.admin.issuePat({ provider: "gitlab", login: "gl-oauth" })).value });
      expect((await reader.Issues.all({ projectId: "gl-oauth/app" })).map((i) => (i.author as { username: string }).username)).toEqual(["gl-oauth"]);
    } finally {
      await disconnect(oauth);
    }
  });

  /** The structured result of a call that must succeed. */
  async function ok<T>(on: ToolSession, tool: Parameters<ToolSession["call"]>[0], args: Record<string, unknown> = {}): Promise<T> {
    const result = await on.call(tool, args);
    expect(errorOf(result), `${tool} failed`).toBeNull();
    // What the backend made matches the tool's published output schema.
    expect(toolOutputSchemas[tool].safeParse(result.structuredContent).error).toBeUndefined();
    return result.structuredContent as T;
  }

  type Page = { hasMore: boolean; nextCursor: string | null; count: number };

  it("the task end to end: reads an issue with its notes, pushes a fix with git, opens a merge request, works through two review threads and waits for CI", async () => {
    const task = "gl-owner/task";
    await world.sandbox.admin.createUser({ provider: "gitlab", login: "gl-rev" });
    await world.sandbox.admin.createRepo({ provider: "gitlab", path: task, files: { "README.md": "# task\n", "src/app.ts": "export const answer = 41;\n" }, collaborators: [{ login: "gl-rev", permission: "write" }] });
    const reviewerToken = (await world.sandbox.admin.issuePat({ provider: "gitlab", login: "gl-rev" })).value;
    tokens.push(reviewerToken);
    const reviewer = new Gitlab({ host: world.sandbox.urls.gitlab.web, token: reviewerToken });
    const bug = await api.Issues.create(task, "The answer is wrong", { description: "It says 41.", labels: "bug" });
    await reviewer.IssueNotes.create(task, bug.iid, "It should be 42.");
    await api.Issues.edit(task, bug.iid, { title: "The answer is off by one" });
    await api.IssueNotes.create(task, bug.iid, "Agreed.");

    // The issue, with its people's notes oldest first; GitLab's own note about the title is left out.
    const read = await ok<{ issue: { title: string; body: string; labels: string[] }; comments: { body: string; author: string }[]; commentsHasMore: boolean; commentsNextCursor: string | null }>(
      session,
      "get_issue",
      { repository: task, number: bug.iid, commentLimit: 1 },
    );
    expect(read).toMatchObject({ issue: { title: "The answer is off by one", body: "It says 41.", labels: ["bug"] }, comments: [{ body: "It should be 42.", author: "gl-rev" }], commentsHasMore: true });
    const rest = await ok<{ comments: { body: string }[] } & Page>(session, "list_issue_comments", { repository: task, number: bug.iid, cursor: read.commentsNextCursor });
    expect(rest).toMatchObject({ comments: [{ body: "Agreed." }], hasMore: false, nextCursor: null });

    // The fix, committed and pushed with git and the owner's token.
    const work = path.join(world.scratch, "task");
    await git(world, ["clone", "--quiet", `${world.sandbox.urls.gitlab.web}/${task}.git`, work], { username: "oauth2", password: ownerToken });
    await git(world, ["checkout", "--quiet", "-b", "fix-answer"], { cwd: work });
    await writeFile(path.join(work, "src/app.ts"), "export const answer = 42;\nexport const checked = true;\n");
    await git(world, ["commit", "--quiet", "-am", "Fix the answer"], { cwd: work });
    await git(world, ["push", "--quiet", "origin", "fix-answer"], { cwd: work, username: "oauth2", password: ownerToken });

    const opened = await ok<{ pullRequest: { number: number; headSha: string; url: string } }>(session, "create_pull_request", {
      repository: task,
      title: "Fix the answer",
      body: `Closes #${bug.iid}`,
      head: "fix-answer",
    });
    const n = opened.pullRequest.number;
    const files = await ok<{ files: { path: string; status: string; additions: number; deletions: number; patch: string }[] }>(session, "list_pull_request_files", { repository: task, number: n });
    expect(files.files).toEqual([expect.objectContaining({ path: "src/app.ts", status: "modified", additions: 2, deletions: 1, patch: expect.stringContaining("+export const answer = 42;") })]);

    // Another user starts two threads on the diff.
    const refs = (await reviewer.MergeRequests.show(task, n)).diff_refs as { base_sha: string; head_sha: string; start_sha: string };
    const at = (line: string) => ({ baseSha: refs.base_sha, startSha: refs.start_sha, headSha: refs.head_sha, positionType: "text" as const, oldPath: "src/app.ts", newPath: "src/app.ts", newLine: line });
    await reviewer.MergeRequestDiscussions.create(task, n, "Why 42?", { position: at("1") });
    await reviewer.MergeRequestDiscussions.create(task, n, "Is this needed?", { position: at("2") });
    await reviewer.MergeRequestNotes.create(task, n, "Thanks for the fix.");

    type Threads = { threads: { id: string; resolved: boolean; path: string; line: number; side: string; comments: { body: string; author: string }[] }[] } & Page;
    const open = await ok<Threads>(session, "list_review_threads", { repository: task, number: n, state: "unresolved" });
    expect(open.threads.map((t) => [t.path, t.line, t.side, t.resolved, t.comments.map((c) => `${c.author}: ${c.body}`)])).toEqual([
      ["src/app.ts", 1, "RIGHT", false, ["gl-rev: Why 42?"]],
      ["src/app.ts", 2, "RIGHT", false, ["gl-rev: Is this needed?"]],
    ]);
    // The conversation holds only the general comment, not the diff threads.
    expect(await ok<{ comments: { body: string }[] }>(session, "list_pull_request_comments", { repository: task, number: n })).toMatchObject({ comments: [{ body: "Thanks for the fix." }] });

    const [first, second] = open.threads;
    const replied = await ok<{ resolved: boolean; threadId: string }>(session, "reply_to_review_thread", { repository: task, number: n, threadId: first!.id, body: "It is the answer.", resolve: true });
    expect(replied).toMatchObject({ resolved: true, threadId: first!.id });
    expect(await ok(session, "reply_to_review_thread", { repository: task, number: n, threadId: second!.id, body: "Yes, the caller reads it." })).toMatchObject({ resolved: false });
    const after = await ok<Threads>(session, "list_review_threads", { repository: task, number: n, state: "resolved" });
    expect(after.threads.map((t) => [t.id, t.comments.map((c) => c.body)])).toEqual([[first!.id, ["Why 42?", "It is the answer."]]]);
    expect((await ok<Threads>(session, "list_review_threads", { repository: task, number: n, state: "unresolved" })).threads.map((t) => t.id)).toEqual([second!.id]);
    // GitLab itself says so.
    expect((await reviewer.MergeRequestDiscussions.show(task, n, first!.id)).notes?.map((note) => [note.body, note.resolved])).toEqual([
      ["Why 42?", true],
      ["It is the answer.", true],
    ]);
    expect(await ok(session, "resolve_review_thread", { repository: task, number: n, threadId: second!.id })).toMatchObject({ resolved: true });

    // CI: nothing yet, then a pipeline on the head commit with a running job, then it passes.
    expect(await ok(session, "get_pull_request_checks", { repository: task, number: n })).toMatchObject({ sha: opened.pullRequest.headSha, overall: "none", checks: [] });
    const pipeline = await world.sandbox.admin.createGitlabPipeline({ project: task, ref: "fix-answer", jobs: [{ name: "unit", status: "running" }] });
    await reviewer.Commits.editStatus(task, opened.pullRequest.headSha, "success", { name: "external/lint", targetUrl: "https://ci.example.test/lint" });
    const pending = await ok<{ overall: string; checks: { name: string; kind: string; state: string; url: string }[] }>(session, "get_pull_request_checks", { repository: task, number: n });
    expect(pending.overall).toBe("pending");
    expect(pending.checks.map((c) => [c.name, c.kind, c.state])).toEqual([
      ["test: unit", "job", "pending"],
      ["external/lint", "status", "success"],
    ]);
    await world.sandbox.admin.updateGitlabJob(pipeline.jobs[0]!.id, { status: "success" });
    const passed = await ok<{ overall: string; checks: { state: string; url: string }[] }>(session, "get_pull_request_checks", { repository: task, number: n });
    expect(passed).toMatchObject({ overall: "success", checks: [{ state: "success", url: pipeline.jobs[0]!.webUrl }, { state: "success", url: "https://ci.example.test/lint" }] });
  });

  it("reads, lists, searches and updates merge requests, paging with cursors", async () => {
    const repo = "gl-owner/paged";
    await world.sandbox.admin.createRepo({
      provider: "gitlab",
      path: repo,
      files: { "README.md": "# paged\n" },
      branches: ["one", "two", "three"].map((b) => ({ name: b, files: { [`${b}.txt`]: `${b}\n` } })),
      collaborators: [{ login: "gl-rev", permission: "write" }],
    });
    for (const b of ["one", "two", "three"]) await api.MergeRequests.create(repo, b, "main", `Add ${b}`, { description: b === "two" ? "The second file." : "" });
    const first = await ok<{ pullRequests: { number: number; title: string }[] } & Page>(session, "list_pull_requests", { repository: repo, limit: 2 });
    expect(first).toMatchObject({ pullRequests: [{ title: "Add three" }, { title: "Add two" }], count: 2, hasMore: true });
    const second = await ok<{ pullRequests: { title: string }[] } & Page>(session, "list_pull_requests", { repository: repo, limit: 2, cursor: first.nextCursor });
    expect(second).toMatchObject({ pullRequests: [{ title: "Add one" }], hasMore: false, nextCursor: null });
    // A cursor is bound to its call's filters.
    expect(errorOf(await session.call("list_pull_requests", { repository: repo, state: "closed", cursor: first.nextCursor }))).toMatchObject({ code: "validation_failed" });
    expect(await ok(session, "search_pull_requests", { repository: repo, query: "second file" })).toMatchObject({ pullRequests: [{ title: "Add two" }], hasMore: false });

    const two = first.pullRequests[1]!.number;
    const updated = await ok<{ pullRequest: { title: string; draft: boolean; body: string; reviewers: string[] }; changed: string[] }>(session, "update_pull_request", {
      repository: repo,
      number: two,
      title: "Add the second file",
      body: "Now described.",
      draft: true,
      reviewers: ["gl-rev"],
    });
    expect(updated).toMatchObject({ pullRequest: { title: "Draft: Add the second file", draft: true, body: "Now described.", reviewers: ["gl-rev"] }, changed: ["title", "body", "draft", "reviewers"] });
    expect(await api.MergeRequests.show(repo, two)).toMatchObject({ title: "Draft: Add the second file", draft: true, reviewers: [{ username: "gl-rev" }] });
    const ready = await ok<{ pullRequest: { title: string; draft: boolean; state: string }; changed: string[] }>(session, "update_pull_request", { repository: repo, number: two, draft: false, state: "closed" });
    expect(ready).toMatchObject({ pullRequest: { title: "Add the second file", draft: false, state: "closed" }, changed: ["state", "draft"] });
    expect(await api.MergeRequests.show(repo, two)).toMatchObject({ state: "closed", draft: false });
    expect(errorOf(await session.call("update_pull_request", { repository: repo, number: two, reviewers: ["nobody-here"] }))).toMatchObject({ code: "validation_failed", fieldErrors: { reviewers: [expect.any(String)] } });
    expect(errorOf(await session.call("get_pull_request", { repository: repo, number: 999 }))).toMatchObject({ code: "scm_item_not_found" });
    expect(errorOf(await session.call("list_review_threads", { repository: repo, number: 999 }))).toMatchObject({ code: "scm_item_not_found" });
    expect(errorOf(await session.call("reply_to_review_thread", { repository: repo, number: two, threadId: "a".repeat(40), body: "?" }))).toMatchObject({ code: "scm_item_not_found" });
    expect(errorOf(await session.call("get_issue", { repository: repo, number: 999 }))).toMatchObject({ code: "scm_item_not_found" });
    expect(errorOf(await session.call("get_pull_request", { repository: "gl-owner/nowhere", number: 1 }))).toMatchObject({ code: "repository_permission_denied" });
  });

  it("a Developer reviews with inline comments in one review, asks for changes, then approves; list_reviews says what GitLab has", async () => {
    const repo = "gl-owner/paged";
    const [mr] = await api.MergeRequests.all({ projectId: repo, sourceBranch: "three" });
    const n = mr!.iid;
    await ok(session, "update_pull_request", { repository: repo, number: n, reviewers: ["gl-rev"] });
    const added = await addEnvironment(world, { provider: "gitlab", login: "gl-rev", repo: "own" });
    tokens.push(added.token);
    const dev = await connect(world, added.environment);
    transcripts.push(dev.transcript);
    try {
      const bad = await dev.call("submit_review", { repository: repo, number: n, event: "COMMENT", body: "Two things.", comments: [{ path: "three.txt", line: 1, body: "Fine." }, { path: "three.txt", line: 9, body: "Off the diff." }] });
      expect(errorOf(bad)).toMatchObject({ code: "validation_failed", message: expect.stringContaining("No part of the review was published.") });
      expect(await api.MergeRequestNotes.all(repo, n)).toEqual([]);

      const reviewed = await ok<{ review: { state: string }; comments: unknown[]; notes: string[] }>(dev, "submit_review", {
        repository: repo,
        number: n,
        event: "REQUEST_CHANGES",
        body: "Two things.",
        comments: [{ path: "three.txt", line: 1, body: "Say three in words." }],
      });
      expect(reviewed).toMatchObject({ review: { state: "COMMENTED" }, comments: [expect.anything()], notes: expect.arrayContaining([expect.stringContaining("no request-changes state")]) });
      const discussions = await api.MergeRequestDiscussions.all(repo, n);
      expect(discussions.map((d) => [d.notes?.[0]?.body, d.notes?.[0]?.type, (d.notes?.[0]?.author as { username: string }).username])).toEqual([
        ["Two things.", "DiscussionNote", "gl-rev"],
        ["Say three in words.", "DiffNote", "gl-rev"],
      ]);
      expect(await api.MergeRequestDraftNotes.all(repo, n)).toEqual([]);
      const threads = await ok<{ threads: { comments: { body: string }[] }[] }>(session, "list_review_threads", { repository: repo, number: n });
      expect(threads.threads.map((t) => t.comments[0]?.body)).toEqual(["Say three in words."]);

      const commented = await ok<{ reviews: { author: string; state: string }[]; notes: string[] }>(session, "list_reviews", { repository: repo, number: n });
      expect(commented).toMatchObject({ reviews: [{ author: "gl-rev", state: "COMMENTED" }], notes: [expect.stringContaining("GitLab has no review objects")] });
      expect(await ok(dev, "submit_review", { repository: repo, number: n, event: "APPROVE" })).toMatchObject({ review: { state: "APPROVED" } });
      expect(await ok(session, "list_reviews", { repository: repo, number: n })).toMatchObject({ reviews: [{ author: "gl-rev", state: "APPROVED" }], count: 1 });
      // Asking for changes after approving withdraws the approval, and says so.
      const withdrawn = await ok<{ notes: string[] }>(dev, "submit_review", { repository: repo, number: n, event: "REQUEST_CHANGES", body: "On second thought, no." });
      expect(withdrawn.notes).toEqual([expect.stringContaining("earlier approval was withdrawn")]);
      expect(await api.MergeRequestApprovals.showConfiguration(repo, { mergerequestIId: n })).toMatchObject({ approved: false, approved_by: [] });
    } finally {
      await disconnect(dev);
    }
  });

  it("says who the tools act as, and lists labels and assignable users", async () => {
    expect(await ok(session, "get_me")).toMatchObject({ user: { login: "gl-owner", url: `${world.sandbox.urls.gitlab.web}/gl-owner` } });
    await api.ProjectLabels.create("gl-owner/paged", "docs", "#00ff00", { description: "Documentation" });
    await api.Issues.create("gl-owner/paged", "Labelled", { labels: "bug" });
    const first = await ok<{ labels: { name: string; description: string | null; color: string }[] } & Page>(session, "list_labels", { repository: "gl-owner/paged", limit: 1 });
    expect(first).toMatchObject({ labels: [{ name: "bug", description: null }], hasMore: true });
    expect(await ok(session, "list_labels", { repository: "gl-owner/paged", limit: 1, cursor: first.nextCursor })).toMatchObject({ labels: [{ name: "docs", description: "Documentation", color: "#00ff00" }], hasMore: false });
    expect(await ok(session, "list_assignable_users", { repository: "gl-owner/paged" })).toMatchObject({ users: [{ login: "gl-owner" }, { login: "gl-rev" }], hasMore: false });
    expect(await ok(session, "list_assignable_users", { repository: "gl-owner/paged", query: "rev" })).toMatchObject({ users: [{ login: "gl-rev" }], count: 1 });
    expect(await ok(session, "search_issues", { repository: "gl-owner/paged", query: "labelled" })).toMatchObject({ issues: [{ title: "Labelled", labels: ["bug"] }] });
  });

  it("no result carried a token", () => {
    expect(transcripts.flat().length).toBeGreaterThan(40);
    const all = JSON.stringify(transcripts);
    for (const token of tokens) expect(all).not.toContain(token);
  });
});
