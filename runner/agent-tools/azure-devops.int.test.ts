import { writeFile } from "node:fs/promises";
import path from "node:path";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { scmIntegrations } from "@/db/schema";
import { seal } from "@/lib/crypto/sealed-box";
import { testEngines } from "@/tests/helpers/test-database";
import { providerClients } from "../providers";
import { authorizeCode, CALLBACK, noDeadline, sandboxEndpoints } from "../providers/test-support/sandbox";
import { activityOf, addEnvironment, AZURE_PAT_SCOPES, connect, disconnect, errorOf, git, startWorld, type ToolSession, type World } from "./test-support/world";

/**
 * The agent tools on the Azure DevOps sandbox through a real MCP client: pull requests, threads,
 * votes, statuses and policies, work items for the issue tools. Provider state is checked through
 * Azure DevOps' own REST API with the users' own tokens.
 */

const REPO = "contoso/proj/app";
type Answer = { status: number; body: Record<string, unknown> };

describe("agent SCM tools on the Azure DevOps sandbox", () => {
  let world: World;
  let session: ToolSession;
  let reviewer: ToolSession;
  let reader: ToolSession;
  let workdir: string;
  const tokens: Record<string, string> = {};
  let pr: number;

  /** Azure DevOps' REST API as a user, with the api-version every call carries. */
  async function az(login: string, method: string, where: string, body?: unknown, opts: { version?: string; patch?: boolean } = {}): Promise<Answer> {
    const url = new URL(`${world.sandbox.urls.azure.web}/contoso/${where}`);
    url.searchParams.set("api-version", opts.version ?? "7.1");
    const headers: Record<string, string> = { authorization: `Basic ${Buffer.from(`:${tokens[login]}`).toString("base64")}` };
    if (body !== undefined) headers["content-type"] = opts.patch ? "application/json-patch+json" : "application/json";
    const response = await fetch(url, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await response.text();
    return { status: response.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
  }
  const git$ = (p: string) => `proj/_apis/git/repositories/app/${p}`;
  const fields = (f: Record<string, unknown>) => Object.entries(f).map(([k, v]) => ({ op: "add", path: `/fields/${k}`, value: v }));
  const data = <T>(result: { structuredContent?: unknown }) => result.structuredContent as T;

  beforeAll(async () => {
    world = await startWorld(testEngines()[0]!);
    for (const login of ["ado-reviewer", "ado-reader"]) await world.sandbox.admin.createUser({ provider: "azure-devops", login, name: login === "ado-reviewer" ? "Rita Reviewer" : undefined, organizations: ["contoso"] });
    const owner = await addEnvironment(world, {
      provider: "azure_devops",
      login: "ado-owner",
      repo: "app",
      pushBranch: "feature",
      collaborators: [
        { login: "ado-reviewer", permission: "write" },
        { login: "ado-reader", permission: "read" },
      ],
    });
    tokens["ado-owner"] = owner.token;
    workdir = owner.environment.workdir!;
    session = await connect(world, owner.environment);
    const review = await addEnvironment(world, { provider: "azure_devops", login: "ado-reviewer", repo: "reviews" });
    tokens["ado-reviewer"] = review.token;
    reviewer = await connect(world, review.environment);
    // The reader's own repository is in another project, so in proj they can only read.
    const read = await addEnvironment(world, { provider: "azure_devops", login: "ado-reader", repo: "own", azureProject: "readers" });
    tokens["ado-reader"] = read.token;
    reader = await connect(world, read.environment);
  });

  afterAll(async () => {
    for (const s of [session, reviewer, reader]) if (s) await disconnect(s);
    await world?.close();
  });

  it("says in the tool list where Azure DevOps differs: work items for issues, votes for reviews, no text search", async () => {
    const { tools } = await session.client.listTools();
    const described = (name: string) => tools.find((t) => t.name === name)?.description ?? "";
    expect(described("get_issue")).toContain("On Azure DevOps these are work items");
    expect(described("list_reviews")).toContain("votes");
    expect(described("search_pull_requests")).toContain("no text search");
    expect(described("create_pull_request")).not.toContain("Azure DevOps");
  });

  it("the task end to end: reads a work item with its comments, pushes a fix, opens a pull request, answers two line threads and watches its checks pass", async () => {
    const item = await az("ado-reviewer", "POST", "proj/_apis/wit/workitems/$Issue", fields({ "System.Title": "The README does not say what the app is", "System.Description": "<p>Name it.</p>" }), { patch: true });
    const wi = item.body.id as number;
    await az("ado-reviewer", "POST", `proj/_apis/wit/workItems/${wi}/comments`, { text: "Also say how to run it." }, { version: "7.1-preview.4" });

    const read = await session.call("get_issue", { number: wi });
    expect(errorOf(read)).toBeNull();
    expect(data(read)).toMatchObject({
      issue: { number: wi, title: "The README does not say what the app is", state: "open", author: "ado-reviewer", body: "<p>Name it.</p>", url: expect.stringMatching(new RegExp(`/contoso/proj/_workitems/edit/${wi}$`)) },
      comments: [{ author: "ado-reviewer", body: "Also say how to run it." }],
      commentsHasMore: false,
    });

    await writeFile(path.join(workdir, "README.md"), "# app\n\nThe app greets people.\nRun it with npm start.\n");
    await writeFile(path.join(workdir, "src/main.ts"), "export const main = 2;\n");
    await git(world, ["commit", "--quiet", "-am", "Say what the app is"], { cwd: workdir });
    await git(world, ["push", "--quiet", "origin", "feature"], { cwd: workdir, username: "ado-owner", password: tokens["ado-owner"] });

    const opened = await session.call("create_pull_request", { title: "Say what the app is", body: `Fixes #${wi}.` });
    expect(errorOf(opened)).toBeNull();
    const { pullRequest } = data<{ pullRequest: { number: number; url: string; head: string; base: string; headSha: string } }>(opened);
    pr = pullRequest.number;
    expect(pullRequest).toMatchObject({ head: "feature", base: "main", url: expect.stringMatching(new RegExp(`/contoso/proj/_git/app/pullrequest/${pr}$`)) });
    const shown = await az("ado-reviewer", "GET", git$(`pullrequests/${pr}`));
    expect(shown.body).toMatchObject({ title: "Say what the app is", description: `Fixes #${wi}.`, sourceRefName: "refs/heads/feature", createdBy: { uniqueName: "ado-owner@users.sandbox.test" }, lastMergeSourceCommit: { commitId: pullRequest.headSha } });

    const line = (filePath: string, n: number, content: string) =>
      az("ado-reviewer", "POST", git$(`pullRequests/${pr}/threads`), { comments: [{ parentCommentId: 0, content, commentType: 1 }], status: "active", threadContext: { filePath, rightFileStart: { line: n, offset: 1 }, rightFileEnd: { line: n, offset: 1 } } });
    const first = (await line("/README.md", 3, "Greets whom?")).body.id as number;
    const second = (await line("/src/main.ts", 1, "Why 2?")).body.id as number;

    const listed = await session.call("list_review_threads", { number: pr });
    expect(data(listed)).toMatchObject({
      threads: [
        { id: String(first), resolved: false, path: "README.md", line: 3, side: "RIGHT", comments: [{ author: "ado-reviewer", body: "Greets whom?" }] },
        { id: String(second), resolved: false, path: "src/main.ts", line: 1, side: "RIGHT", comments: [{ author: "ado-reviewer", body: "Why 2?" }] },
      ],
      count: 2,
      hasMore: false,
    });

    const replied = await session.call("reply_to_review_thread", { number: pr, threadId: String(first), body: "Everyone; said so.", resolve: true });
    expect(data(replied)).toMatchObject({ threadId: String(first), resolved: true, comment: { author: "ado-owner" } });
    const thread = (await az("ado-reviewer", "GET", git$(`pullRequests/${pr}/threads/${first}`))).body;
    expect(thread).toMatchObject({ status: "fixed", comments: [{ content: "Greets whom?" }, { content: "Everyone; said so.", parentCommentId: 1, author: { uniqueName: "ado-owner@users.sandbox.test" } }] });
    expect(data(await session.call("resolve_review_thread", { number: pr, threadId: String(second) }))).toMatchObject({ resolved: true });
    expect(data(await session.call("resolve_review_thread", { number: pr, threadId: String(second), resolved: false }))).toMatchObject({ resolved: false });
    expect((await az("ado-reviewer", "GET", git$(`pullRequests/${pr}/threads/${second}`))).body.status).toBe("active");
    expect(data(await session.call("list_review_threads", { number: pr, state: "unresolved" }))).toMatchObject({ threads: [{ id: String(second) }], count: 1 });
    expect(errorOf(await session.call("resolve_review_thread", { number: pr, threadId: "nope" }))).toMatchObject({ code: "validation_failed", fieldErrors: { threadId: [expect.any(String)] } });

    const status = (state: string) => az("ado-reviewer", "POST", git$(`pullRequests/${pr}/statuses`), { state, description: `Build ${state}`, context: { name: "build", genre: "ci" }, targetUrl: "https://ci.example.test/runs/1" });
    await status("pending");
    await world.sandbox.admin.setPolicyEvaluation({ repository: REPO, pullRequestId: pr, type: "Build", displayName: "CI build", status: "running" });
    const pending = await session.call("get_pull_request_checks", { number: pr });
    expect(data(pending)).toMatchObject({
      sha: pullRequest.headSha,
      overall: "pending",
      checks: [
        { name: "ci/build", kind: "status", state: "pending", url: "https://ci.example.test/runs/1" },
        { name: "CI build", kind: "policy", state: "pending" },
      ],
    });
    await status("succeeded");
    await world.sandbox.admin.setPolicyEvaluation({ repository: REPO, pullRequestId: pr, type: "Build", displayName: "CI build", status: "approved" });
    const passed = await session.call("get_pull_request_checks", { number: pr });
    expect(data(passed)).toMatchObject({ overall: "success", count: 2, checks: [{ state: "success" }, { state: "success" }] });

    const activity = await activityOf(world, session.environment.id);
    expect(activity.map((a) => [a.tool, a.outcome, a.provider])).toContainEqual(["create_pull_request", "succeeded", "azure_devops"]);
    expect(activity.find((a) => a.tool === "create_pull_request")!.resultUrl).toBe(pullRequest.url);
  });

  it("reads, updates, closes and reopens the pull request, requesting a reviewer; lists its files and comments", async () => {
    const got = data<{ pullRequest: Record<string, unknown> }>(await session.call("get_pull_request", { number: pr })).pullRequest;
    expect(got).toMatchObject({ number: pr, state: "open", draft: false, author: "ado-owner", assignees: [], reviewers: [], body: expect.stringMatching(/^Fixes #/) });
    const updated = await session.call("update_pull_request", { number: pr, title: "Say what the app is (and how to run it)", body: "New text.", draft: true, reviewers: ["ado-reviewer"] });
    expect(data(updated)).toMatchObject({ changed: ["title", "body", "draft", "reviewers"], pullRequest: { title: "Say what the app is (and how to run it)", draft: true, reviewers: ["ado-reviewer"] } });
    expect((await az("ado-owner", "GET", git$(`pullrequests/${pr}`))).body).toMatchObject({ isDraft: true, description: "New text.", reviewers: [{ uniqueName: "ado-reviewer@users.sandbox.test", vote: 0 }] });
    expect(errorOf(await session.call("update_pull_request", { number: pr, reviewers: ["nobody"] }))).toMatchObject({ code: "validation_failed", fieldErrors: { reviewers: ['Unknown user "nobody".'] } });

    expect(data(await session.call("update_pull_request", { number: pr, state: "closed" }))).toMatchObject({ changed: ["state"], pullRequest: { state: "closed" } });
    expect(data(await session.call("list_pull_requests", { state: "closed" }))).toMatchObject({ pullRequests: [{ number: pr }], hasMore: false });
    expect(data(await session.call("list_pull_requests", {}))).toMatchObject({ pullRequests: [], count: 0 });
    expect(data(await session.call("update_pull_request", { number: pr, state: "open", draft: false }))).toMatchObject({ pullRequest: { state: "open", draft: false } });
    expect(data(await session.call("list_pull_requests", { head: "feature", base: "main" }))).toMatchObject({ pullRequests: [{ number: pr, head: "feature" }] });
    expect(data(await session.call("search_pull_requests", { query: "run IT" }))).toMatchObject({ pullRequests: [{ number: pr }], hasMore: false, notes: [expect.stringMatching(/no text search/)] });
    expect(data(await session.call("search_pull_requests", { query: "unrelated words" }))).toMatchObject({ pullRequests: [], hasMore: false });

    const files = await session.call("list_pull_request_files", { number: pr });
    expect(data(files)).toMatchObject({
      files: [
        { path: "README.md", status: "modified", previousPath: null, additions: null, deletions: null, patch: null },
        { path: "src/main.ts", status: "modified" },
      ],
      notes: [expect.stringMatching(/no line counts or patches/)],
    });

    // A push to the source branch is a new iteration: the head moves and the files follow it.
    const before = data<{ pullRequest: { headSha: string } }>(await session.call("get_pull_request", { number: pr })).pullRequest.headSha;
    await git(world, ["mv", "src/main.ts", "src/app.ts"], { cwd: workdir });
    await writeFile(path.join(workdir, "src/app.ts"), "export const main = 1;\n");
    await git(world, ["commit", "--quiet", "-am", "Name the entry point"], { cwd: workdir });
    await git(world, ["push", "--quiet", "origin", "feature"], { cwd: workdir, username: "ado-owner", password: tokens["ado-owner"] });
    const after = data<{ pullRequest: { headSha: string } }>(await session.call("get_pull_request", { number: pr })).pullRequest.headSha;
    expect(after).not.toBe(before);
    expect(after).toBe((await git(world, ["rev-parse", "HEAD"], { cwd: workdir })).trim());
    expect(data(await session.call("list_pull_request_files", { number: pr }))).toMatchObject({
      files: [
        { path: "README.md", status: "modified" },
        { path: "src/app.ts", status: "renamed", previousPath: "src/main.ts" },
      ],
    });

    await az("ado-reviewer", "POST", git$(`pullRequests/${pr}/threads`), { comments: [{ parentCommentId: 0, content: "Thanks for this." }], status: "active" });
    const comments = await session.call("list_pull_request_comments", { number: pr });
    expect(data(comments)).toMatchObject({ comments: [{ author: "ado-reviewer", body: "Thanks for this.", id: expect.stringMatching(/^\d+\/1$/) }], count: 1 });
  });

  it("reviews as votes: the reviewer asks for changes, then approves; a line comment lands on the old side", async () => {
    const asked = await reviewer.call("submit_review", { repository: REPO, number: pr, event: "REQUEST_CHANGES", body: "Please also explain the config.", comments: [{ path: "README.md", line: 4, body: "Which npm?" }] });
    expect(errorOf(asked)).toBeNull();
    expect(data(asked)).toMatchObject({ review: { state: "CHANGES_REQUESTED", author: "ado-reviewer" }, comments: [{ author: "ado-reviewer" }], notes: expect.arrayContaining([expect.stringMatching(/-5 \(waiting for author\)/)]) });
    const reviewers = (await az("ado-owner", "GET", git$(`pullrequests/${pr}`))).body.reviewers as { uniqueName: string; vote: number }[];
    expect(reviewers).toEqual([expect.objectContaining({ uniqueName: "ado-reviewer@users.sandbox.test", vote: -5 })]);
    expect(data(await session.call("list_reviews", { number: pr }))).toMatchObject({ reviews: [{ author: "ado-reviewer", state: "CHANGES_REQUESTED", vote: -5 }], count: 1 });
    expect(data(await session.call("list_pull_request_comments", { number: pr }))).toMatchObject({ comments: [{ body: "Thanks for this." }, { body: "Please also explain the config.", author: "ado-reviewer" }] });

    expect(data(await reviewer.call("submit_review", { repository: REPO, number: pr, event: "APPROVE" }))).toMatchObject({ review: { state: "APPROVED", id: null } });
    expect(data(await session.call("list_reviews", { number: pr }))).toMatchObject({ reviews: [{ author: "ado-reviewer", state: "APPROVED", vote: 10 }] });

    const left = await session.call("add_review_comment", { number: pr, path: "README.md", line: 1, side: "LEFT", body: "This line was wrong." });
    const { threadId } = data<{ threadId: string }>(left);
    expect((await az("ado-owner", "GET", git$(`pullRequests/${pr}/threads/${threadId}`))).body).toMatchObject({ threadContext: { filePath: "/README.md", leftFileStart: { line: 1 } } });
    expect(errorOf(await session.call("add_review_comment", { number: pr, path: "README.md", line: 99, body: "Past the end." }))).toMatchObject({ code: "validation_failed" });
    expect(errorOf(await session.call("add_review_comment", { number: pr, path: "README.md", line: 1, body: "x", commit: "0".repeat(40) }))).toMatchObject({ code: "validation_failed", fieldErrors: { commit: [expect.any(String)] } });
  });

  it("creates, updates, closes, comments on, lists and searches work items, with tags for labels and one assignee", async () => {
    const created = await session.call("create_issue", { title: "Crash <on> start", body: "Steps:\n1. start", labels: ["bug"], assignees: ["ado-reviewer", "ado-owner"] });
    expect(errorOf(created)).toBeNull();
    const { issue } = data<{ issue: { number: number; url: string } }>(created);
    expect(data(created)).toMatchObject({ issue: { state: "open", labels: ["bug"], assignees: ["ado-reviewer"], author: "ado-owner" }, notes: expect.arrayContaining([expect.stringMatching(/one assignee/)]) });
    const stored = (await az("ado-owner", "GET", `_apis/wit/workitems/${issue.number}`)).body.fields as Record<string, unknown>;
    expect(stored).toMatchObject({ "System.Title": "Crash <on> start", "System.Description": "Steps:<br>1. start", "System.Tags": "bug", "System.AssignedTo": { uniqueName: "ado-reviewer@users.sandbox.test" }, "System.WorkItemType": "Issue" });

    const closed = await session.call("update_issue", { number: issue.number, state: "closed", labels: ["bug", "p1"], assignees: [] });
    expect(data(closed)).toMatchObject({ issue: { state: "closed", labels: ["bug", "p1"], assignees: [], workItemState: "Done" } });
    const after = (await az("ado-owner", "GET", `_apis/wit/workitems/${issue.number}`)).body.fields as Record<string, unknown>;
    expect(after).toMatchObject({ "System.State": "Done", "System.Tags": "bug; p1" });
    expect(after["System.AssignedTo"]).toBeUndefined();
    expect(data(await session.call("update_issue", { number: issue.number, state: "open" }))).toMatchObject({ issue: { state: "open", workItemState: "To Do" } });
    await session.call("update_issue", { number: issue.number, state: "closed" });

    const commented = await session.call("comment_on_issue", { number: issue.number, body: "Fixed in !1." });
    expect(data(commented)).toMatchObject({ comment: { author: "ado-owner", url: issue.url } });
    const stored2 = await az("ado-owner", "GET", `proj/_apis/wit/workItems/${issue.number}/comments`, undefined, { version: "7.1-preview.4" });
    expect(stored2.body).toMatchObject({ comments: [{ text: "Fixed in !1.", createdBy: { uniqueName: "ado-owner@users.sandbox.test" } }] });

    expect(data(await session.call("list_issues", { state: "closed" }))).toMatchObject({ issues: [{ number: issue.number, state: "closed" }] });
    expect(data(await session.call("list_issues", { state: "all", labels: ["p1"] }))).toMatchObject({ issues: [{ number: issue.number }], count: 1 });
    expect(data(await session.call("search_issues", { query: "crash" }))).toMatchObject({ issues: [{ number: issue.number }], count: 1 });
    expect(data(await session.call("search_issues", { query: "crash", state: "open" }))).toMatchObject({ issues: [], count: 0 });
    expect(data(await session.call("list_labels", {}))).toMatchObject({ labels: [{ name: "bug" }, { name: "p1" }], hasMore: false });
    expect(errorOf(await session.call("create_issue", { title: "Nobody's", assignees: ["nobody"] }))).toMatchObject({ code: "validation_failed" });
    // Azure DevOps names people by their sign-in address: the address itself is a user name too.
    const byAddress = await session.call("update_issue", { number: issue.number, assignees: ["ado-reviewer@users.sandbox.test"] });
    expect(data(byAddress)).toMatchObject({ issue: { assignees: ["ado-reviewer"] } });
    expect(((await az("ado-owner", "GET", `_apis/wit/workitems/${issue.number}`)).body.fields as Record<string, unknown>)["System.AssignedTo"]).toMatchObject({ uniqueName: "ado-reviewer@users.sandbox.test" });
  });

  it("says who the owner is and who can be named, and pages every list with cursors", async () => {
    expect(data(await session.call("get_me", {}))).toMatchObject({ user: { login: "ado-owner", name: "ado-owner" } });
    const users = data<{ users: { login: string }[] }>(await session.call("list_assignable_users", {})).users.map((u) => u.login);
    expect(users).toEqual(expect.arrayContaining(["ado-owner", "ado-reviewer", "ado-reader"]));
    expect(data(await session.call("list_assignable_users", { query: "rita" }))).toMatchObject({ users: [{ login: "ado-reviewer", name: "Rita Reviewer" }], count: 1 });

    const page1 = data<{ users: { login: string }[]; hasMore: boolean; nextCursor: string }>(await session.call("list_assignable_users", { limit: 2 }));
    expect(page1).toMatchObject({ count: 2, hasMore: true, nextCursor: expect.any(String) });
    const page2 = data<{ users: { login: string }[]; hasMore: boolean }>(await session.call("list_assignable_users", { limit: 2, cursor: page1.nextCursor }));
    expect([...page1.users, ...page2.users].map((u) => u.login).sort()).toEqual([...users].sort());

    for (const title of ["Paged one", "Paged two", "Paged three"]) await session.call("create_issue", { title });
    const first = data<{ issues: { title: string }[]; hasMore: boolean; nextCursor: string }>(await session.call("search_issues", { query: "paged", limit: 2 }));
    expect(first).toMatchObject({ issues: [{ title: "Paged three" }, { title: "Paged two" }], hasMore: true });
    expect(data(await session.call("search_issues", { query: "paged", limit: 2, cursor: first.nextCursor }))).toMatchObject({ issues: [{ title: "Paged one" }], hasMore: false, nextCursor: null });

    const files = data<{ files: { path: string }[]; nextCursor: string }>(await session.call("list_pull_request_files", { number: pr, limit: 1 }));
    expect(files).toMatchObject({ files: [{ path: "README.md" }], hasMore: true });
    expect(data(await session.call("list_pull_request_files", { number: pr, limit: 1, cursor: files.nextCursor }))).toMatchObject({ files: [{ path: "src/app.ts" }], hasMore: false });

    const threads = data<{ nextCursor: string }>(await session.call("list_review_threads", { number: pr, limit: 2 }));
    expect(threads).toMatchObject({ count: 2, hasMore: true });
    expect(data(await session.call("list_review_threads", { number: pr, limit: 2, cursor: threads.nextCursor }))).toMatchObject({ hasMore: false });

    const wi = data<{ issue: { number: number } }>(await session.call("create_issue", { title: "Talked about" })).issue.number;
    for (const body of ["one", "two", "three"]) await session.call("comment_on_issue", { number: wi, body });
    const withComments = data<{ comments: { body: string }[]; commentsHasMore: boolean; commentsNextCursor: string }>(await session.call("get_issue", { number: wi, commentLimit: 2 }));
    expect(withComments).toMatchObject({ comments: [{ body: "one" }, { body: "two" }], commentsHasMore: true });
    expect(data(await session.call("list_issue_comments", { number: wi, cursor: withComments.commentsNextCursor }))).toMatchObject({ comments: [{ body: "three" }], hasMore: false, nextCursor: null });
    const none = data<{ commentsNextCursor: string }>(await session.call("get_issue", { number: wi, commentLimit: 0 }));
    expect(data(await session.call("list_issue_comments", { number: wi, limit: 5, cursor: none.commentsNextCursor }))).toMatchObject({ count: 3 });
  });

  it("refuses a reader's writes with Azure's 403, a nonexistent number as scm_item_not_found, and the policy's switch", async () => {
    const before = ((await az("ado-owner", "GET", git$("pullrequests?searchCriteria.status=all"))).body.value as unknown[]).length;
    expect(errorOf(await reader.call("create_pull_request", { repository: REPO, title: "Mine", head: "feature", base: "main" }))).toMatchObject({ code: "repository_permission_denied" });
    expect(((await az("ado-owner", "GET", git$("pullrequests?searchCriteria.status=all"))).body.value as unknown[]).length).toBe(before);
    expect(errorOf(await reader.call("reply_to_review_thread", { repository: REPO, number: pr, threadId: "1", body: "Me too" }))).toMatchObject({ code: "repository_permission_denied" });
    const wi = data<{ issue: { number: number } }>(await session.call("create_issue", { title: "Readers may not" })).issue.number;
    expect(errorOf(await reader.call("comment_on_issue", { repository: REPO, number: wi, body: "Mine" }))).toMatchObject({ code: "repository_permission_denied" });
    expect(errorOf(await reader.call("update_issue", { repository: REPO, number: wi, state: "closed" }))).toMatchObject({ code: "repository_permission_denied" });
    expect(data(await reader.call("get_issue", { repository: REPO, number: wi }))).toMatchObject({ issue: { number: wi } });
    expect(await activityOf(world, reader.environment.id)).toEqual(expect.arrayContaining([expect.objectContaining({ repository: REPO, outcome: "failed", errorCode: "repository_permission_denied" })]));

    expect(errorOf(await session.call("get_pull_request", { number: 424242 }))).toMatchObject({ code: "scm_item_not_found", message: expect.stringContaining("pull request !424242") });
    expect(errorOf(await session.call("get_issue", { number: 424242 }))).toMatchObject({ code: "scm_item_not_found", message: expect.stringContaining("work item #424242") });
    expect(errorOf(await session.call("comment_on_issue", { number: 424242, body: "x" }))).toMatchObject({ code: "scm_item_not_found" });

    await world.setPolicy({ pullRequests: false });
    try {
      expect(errorOf(await session.call("get_pull_request", { number: pr }))).toMatchObject({ code: "scm_tools_not_allowed", message: expect.stringMatching(/pull requests capability/) });
      expect(errorOf(await session.call("get_issue", { number: wi }))).toBeNull();
    } finally {
      await world.setPolicy({});
    }
  });

  it("a token Azure DevOps no longer accepts is credential_needs_reauth; one without the Work Items scope is pat_missing_scopes", async () => {
    await world.sandbox.admin.createUser({ provider: "azure-devops", login: "ado-narrow", organizations: ["contoso"] });
    const narrow = await world.sandbox.admin.issuePat({ provider: "azure-devops", login: "ado-narrow", organizations: ["contoso"], scopes: AZURE_PAT_SCOPES.filter((s) => s !== "vso.work_write") });
    const added = await addEnvironment(world, { provider: "azure_devops", login: "ado-narrow", repo: "narrow", token: narrow.value });
    const limited = await connect(world, added.environment);
    try {
      expect(errorOf(await limited.call("list_issues", {}))).toMatchObject({ code: "pat_missing_scopes" });
      expect(errorOf(await limited.call("list_pull_requests", {}))).toBeNull();
      await world.sandbox.admin.revokeToken({ value: narrow.value });
      expect(errorOf(await limited.call("list_pull_requests", {}))).toMatchObject({ code: "credential_needs_reauth" });
    } finally {
      await disconnect(limited);
    }
  });

  it("acts with an Entra ID access token (OAuth) as a bearer token", async () => {
    const app = await world.sandbox.admin.registerOAuthApp({ provider: "azure-devops", callbackUrls: [CALLBACK] });
    const appEndpoints = sandboxEndpoints(world.sandbox, "azure_devops", app);
    await world.sandbox.admin.setAutoApprove("azure-devops", true);
    await world.sandbox.admin.createUser({ provider: "azure-devops", login: "ado-entra", organizations: ["contoso"] });
    await world.sandbox.admin.signIn("azure-devops", "ado-entra");
    const { code, verifier } = await authorizeCode(appEndpoints, { client_id: app.clientId, scope: "499b84ac-1321-427f-aa17-267ca6975798/.default offline_access" });
    const issued = await providerClients.azure_devops.exchangeCode({ endpoints: appEndpoints, clientId: app.clientId, clientSecret: app.clientSecret, code, verifier, redirectUri: CALLBACK, signal: noDeadline() });
    expect(issued.accessToken).toMatch(/^eyJ/);
    // The integration offers OAuth through the sandbox's Entra ID (a connection by OAuth needs it on).
    const host = world.hosts.azure_devops;
    await world.database.db
      .update(scmIntegrations)
      .set({
        oauthEnabled: true,
        oauthClientId: app.clientId,
        issuerUrl: `${world.sandbox.urls.azure.entra}/${app.tenant}/v2.0`,
        oauthClientSecretSealed: await seal(world.runner.keys.publicKey, { purpose: "oauth_client_secret", runnerId: world.runner.runnerId, host }, app.clientSecret),
        oauthSecretKeyId: world.runner.keyId,
      })
      .where(eq(scmIntegrations.id, world.integrationIds.azure_devops));
    const added = await addEnvironment(world, { provider: "azure_devops", login: "ado-entra", repo: "entra", token: issued.accessToken, oauth: { refreshToken: issued.refreshToken!, expiresAt: new Date(Date.now() + 3_600_000) } });
    const entra = await connect(world, added.environment);
    try {
      const me = await entra.call("get_me", {});
      expect(errorOf(me)).toBeNull();
      expect(data(me)).toMatchObject({ user: { login: "ado-entra" } });
      expect(errorOf(await entra.call("list_issues", {}))).toBeNull();
      expect(JSON.stringify(entra.transcript)).not.toContain(issued.accessToken);
    } finally {
      await disconnect(entra);
    }
  });

  it("no token appears in any result", () => {
    expect(session.transcript.length).toBeGreaterThan(30);
    const all = JSON.stringify([...session.transcript, ...reviewer.transcript, ...reader.transcript]);
    for (const token of Object.values(tokens)) expect(all).not.toContain(token);
  });
});
