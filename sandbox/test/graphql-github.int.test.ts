import { writeFile } from "node:fs/promises";
import path from "node:path";
import { Octokit } from "@octokit/rest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSandbox, type Sandbox } from "../index";
import { GitClient } from "./support/git-client";

let sandbox: Sandbox;
let ownerToken: string;
let reviewerToken: string;
let readerToken: string;

const quiet = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };
const octokitFor = (token: string, baseUrl = sandbox.urls.github.api) => new Octokit({ auth: token, baseUrl, log: quiet });

const THREADS = `query($owner: String!, $name: String!, $number: Int!, $first: Int!, $after: String) {
  repository(owner: $owner, name: $name) {
    pullRequest(number: $number) {
      id isDraft
      reviewThreads(first: $first, after: $after) {
        totalCount
        pageInfo { hasNextPage endCursor }
        nodes { id isResolved isOutdated path line originalLine diffSide startLine comments(first: 10) { nodes { id databaseId body author { login } createdAt url } } }
      }
    }
  }
}`;

type Threads = {
  repository: {
    pullRequest: {
      id: string;
      isDraft: boolean;
      reviewThreads: {
        totalCount: number;
        pageInfo: { hasNextPage: boolean; endCursor: string | null };
        nodes: { id: string; isResolved: boolean; isOutdated: boolean; path: string; line: number | null; diffSide: string; comments: { nodes: { databaseId: number; body: string; author: { login: string } }[] } }[];
      };
    };
  };
};

/** A GraphQL call's failure as Octokit reports it: the HTTP status, or GitHub's `errors`. */
async function failureOf(call: Promise<unknown>): Promise<{ status?: number; errors?: { type?: string; message: string; path?: unknown[] }[]; data?: unknown }> {
  try {
    await call;
    return {};
  } catch (e) {
    const error = e as { status?: number; errors?: { type?: string; message: string }[]; data?: unknown };
    return { status: error.status, errors: error.errors, data: error.data };
  }
}

let pullNumber = 0;
let pullNodeId = "";

beforeAll(async () => {
  sandbox = await startSandbox();
  for (const login of ["octocat", "reviewer", "reader", "outsider"]) await sandbox.admin.createUser({ provider: "github", login });
  await sandbox.admin.createRepo({
    provider: "github",
    path: "octocat/app",
    files: { "README.md": "# app\n", "src/main.ts": "export const main = 1;\n" },
    branches: [{ name: "feature", files: { "README.md": "# app\n\nMore.\n", "src/main.ts": "export const main = 2;\n" } }],
    collaborators: [
      { login: "reviewer", permission: "write" },
      { login: "reader", permission: "read" },
    ],
  });
  ownerToken = (await sandbox.admin.issuePat({ provider: "github", login: "octocat" })).value;
  reviewerToken = (await sandbox.admin.issuePat({ provider: "github", login: "reviewer" })).value;
  readerToken = (await sandbox.admin.issuePat({ provider: "github", login: "reader" })).value;
  const { data: pull } = await octokitFor(ownerToken).rest.pulls.create({ owner: "octocat", repo: "app", title: "Feature", head: "feature", base: "main" });
  pullNumber = pull.number;
  pullNodeId = pull.node_id;
  await octokitFor(reviewerToken).rest.pulls.createReview({
    owner: "octocat",
    repo: "app",
    pull_number: pull.number,
    event: "COMMENT",
    comments: [
      { path: "README.md", line: 3, body: "Which more?" },
      { path: "src/main.ts", line: 1, body: "Why 2?" },
    ],
  });
});

afterAll(async () => {
  await sandbox?.close();
});

describe.each([
  { layout: "api.github.com (/graphql)", baseUrl: () => sandbox.urls.github.api },
  { layout: "Enterprise Server (/api/graphql)", baseUrl: () => sandbox.urls.github.enterpriseApi },
])("GitHub GraphQL on the $layout layout", ({ baseUrl }) => {
  const vars = () => ({ owner: "octocat", name: "app", number: pullNumber });

  it("answers the viewer, and a pull request's review threads with their comments, paged", async () => {
    const octokit = octokitFor(ownerToken, baseUrl());
    expect(await octokit.graphql<{ viewer: { login: string } }>("{ viewer { login } }")).toEqual({ viewer: { login: "octocat" } });
    const first = await octokit.graphql<Threads>(THREADS, { ...vars(), first: 1 });
    const pr = first.repository.pullRequest;
    expect(pr.id).toBe(pullNodeId);
    expect(pr.reviewThreads).toMatchObject({ totalCount: 2, pageInfo: { hasNextPage: true } });
    expect(pr.reviewThreads.nodes).toMatchObject([
      { isResolved: false, isOutdated: false, path: "README.md", line: 3, diffSide: "RIGHT" },
    ]);
    expect(pr.reviewThreads.nodes[0]!.comments.nodes[0]).toMatchObject({ body: "Which more?", author: { login: "reviewer" } });
    expect(pr.reviewThreads.nodes[0]!.id).toMatch(/^PRRT_/);
    const second = await octokit.graphql<Threads>(THREADS, { ...vars(), first: 1, after: pr.reviewThreads.pageInfo.endCursor });
    expect(second.repository.pullRequest.reviewThreads).toMatchObject({ pageInfo: { hasNextPage: false }, nodes: [{ path: "src/main.ts", line: 1 }] });
  });

  it("resolves and unresolves a thread; a reply joins its thread", async () => {
    const octokit = octokitFor(ownerToken, baseUrl());
    const { repository } = await octokit.graphql<Threads>(THREADS, { ...vars(), first: 10 });
    const thread = repository.pullRequest.reviewThreads.nodes[0]!;
    await octokit.rest.pulls.createReplyForReviewComment({ owner: "octocat", repo: "app", pull_number: pullNumber, comment_id: thread.comments.nodes[0]!.databaseId, body: "Fixed." });
    const resolved = await octokit.graphql<{ resolveReviewThread: { thread: { id: string; isResolved: boolean } } }>(
      "mutation($id: ID!) { resolveReviewThread(input: { threadId: $id }) { thread { id isResolved } } }",
      { id: thread.id },
    );
    expect(resolved.resolveReviewThread.thread).toEqual({ id: thread.id, isResolved: true });
    const after = await octokit.graphql<Threads>(THREADS, { ...vars(), first: 10 });
    const now = after.repository.pullRequest.reviewThreads.nodes[0]!;
    expect(now.isResolved).toBe(true);
    expect(now.comments.nodes[0]).toMatchObject({ body: "Which more?" });
    expect(now.comments.nodes.at(-1)).toMatchObject({ body: "Fixed.", author: { login: "octocat" } });
    const reopened = await octokit.graphql<{ unresolveReviewThread: { thread: { isResolved: boolean } } }>(
      "mutation($id: ID!) { unresolveReviewThread(input: { threadId: $id }) { thread { isResolved } } }",
      { id: thread.id },
    );
    expect(reopened.unresolveReviewThread.thread.isResolved).toBe(false);
  });

  it("converts a pull request to draft and marks it ready again, as REST then shows", async () => {
    const octokit = octokitFor(ownerToken, baseUrl());
    const draft = await octokit.graphql<{ convertPullRequestToDraft: { pullRequest: { id: string; isDraft: boolean } } }>(
      "mutation($id: ID!) { convertPullRequestToDraft(input: { pullRequestId: $id }) { pullRequest { id isDraft } } }",
      { id: pullNodeId },
    );
    expect(draft.convertPullRequestToDraft.pullRequest).toEqual({ id: pullNodeId, isDraft: true });
    expect((await octokit.rest.pulls.get({ owner: "octocat", repo: "app", pull_number: pullNumber })).data.draft).toBe(true);
    await octokit.graphql("mutation($id: ID!) { markPullRequestReadyForReview(input: { pullRequestId: $id }) { pullRequest { isDraft } } }", { id: pullNodeId });
    expect((await octokit.rest.pulls.get({ owner: "octocat", repo: "app", pull_number: pullNumber })).data.draft).toBe(false);
  });
});

describe("GitHub GraphQL refusals, GitHub's way", () => {
  it("401 Bad credentials for a bad token, and authentication required without one", async () => {
    expect(await failureOf(octokitFor("ghp_not_a_token").graphql("{ viewer { login } }"))).toMatchObject({ status: 401 });
    const anonymous = await fetch(`${sandbox.urls.github.api}/graphql`, { method: "POST", body: JSON.stringify({ query: "{ viewer { login } }" }) });
    expect(anonymous.status).toBe(401);
    expect(await anonymous.json()).toMatchObject({ message: "This endpoint requires you to be authenticated." });
  });

  it("NOT_FOUND in errors with HTTP 200 for an unknown or invisible repository, pull request or thread", async () => {
    const answer = await fetch(`${sandbox.urls.github.api}/graphql`, {
      method: "POST",
      headers: { authorization: `bearer ${ownerToken}` },
      body: JSON.stringify({ query: 'query { repository(owner: "octocat", name: "app") { pullRequest(number: 999) { id } } }' }),
    });
    expect(answer.status).toBe(200);
    expect(await answer.json()).toEqual({
      data: { repository: { pullRequest: null } },
      errors: [{ type: "NOT_FOUND", path: ["repository", "pullRequest"], locations: [expect.any(Object)], message: "Could not resolve to a PullRequest with the number of 999." }],
    });
    const outsider = octokitFor((await sandbox.admin.issuePat({ provider: "github", login: "outsider" })).value);
    expect(await failureOf(outsider.graphql('{ repository(owner: "octocat", name: "app") { id } }'))).toMatchObject({
      errors: [{ type: "NOT_FOUND", message: "Could not resolve to a Repository with the name 'octocat/app'." }],
    });
    expect(await failureOf(octokitFor(ownerToken).graphql('mutation { resolveReviewThread(input: { threadId: "PRRT_nope" }) { thread { id } } }'))).toMatchObject({
      errors: [{ type: "NOT_FOUND", message: "Could not resolve to a node with the global id of 'PRRT_nope'" }],
    });
  });

  it("FORBIDDEN for a read-only collaborator's resolve or draft, and nothing changes", async () => {
    const owner = octokitFor(ownerToken);
    const { repository } = await owner.graphql<Threads>(THREADS, { owner: "octocat", name: "app", number: pullNumber, first: 10 });
    const thread = repository.pullRequest.reviewThreads.nodes[1]!;
    const reader = octokitFor(readerToken);
    expect(await failureOf(reader.graphql("mutation($id: ID!) { resolveReviewThread(input: { threadId: $id }) { thread { id } } }", { id: thread.id }))).toMatchObject({
      errors: [{ type: "FORBIDDEN", message: "reader does not have the correct permissions to execute `ResolveReviewThread`" }],
    });
    expect(await failureOf(reader.graphql("mutation($id: ID!) { convertPullRequestToDraft(input: { pullRequestId: $id }) { pullRequest { id } } }", { id: pullNodeId }))).toMatchObject({
      errors: [{ type: "FORBIDDEN" }],
    });
    const again = await owner.graphql<Threads>(THREADS, { owner: "octocat", name: "app", number: pullNumber, first: 10 });
    expect(again.repository.pullRequest).toMatchObject({ isDraft: false });
    expect(again.repository.pullRequest.reviewThreads.nodes[1]!.isResolved).toBe(false);
    // A fine-grained token without write is refused as GitHub refuses it.
    const readOnly = await sandbox.admin.issuePat({ provider: "github", login: "octocat", kind: "fine-grained", repositories: { "octocat/app": "read" } });
    expect(await failureOf(octokitFor(readOnly.value).graphql("mutation($id: ID!) { resolveReviewThread(input: { threadId: $id }) { thread { id } } }", { id: thread.id }))).toMatchObject({
      errors: [{ type: "FORBIDDEN", message: "Resource not accessible by personal access token" }],
    });
  });

  it("a connection without first or last, and a field GitHub does not have, are errors", async () => {
    const owner = octokitFor(ownerToken);
    expect(await failureOf(owner.graphql(`{ repository(owner: "octocat", name: "app") { pullRequest(number: ${pullNumber}) { reviewThreads { totalCount } } } }`))).toMatchObject({
      errors: [{ type: "MISSING_PAGINATION_BOUNDARIES" }],
    });
    expect(await failureOf(owner.graphql("{ viewer { password } }"))).toMatchObject({ errors: [{ message: expect.stringContaining("password") }] });
  });

  it("a thread goes outdated, its line null, when a push changes the line it is on", async () => {
    const git = await GitClient.create();
    try {
      const work = git.workdir("outdate");
      const credentials = { username: "x-access-token", password: ownerToken };
      const repo = (await octokitFor(ownerToken).rest.repos.get({ owner: "octocat", repo: "app" })).data;
      expect((await git.run(["clone", "--quiet", "--branch", "feature", repo.clone_url, work], { credentials })).code).toBe(0);
      await writeFile(path.join(work, "README.md"), "# app\n\nRewritten.\n");
      await git.run(["commit", "--quiet", "-am", "Rewrite"], { cwd: work });
      expect((await git.run(["push", "--quiet", "origin", "feature"], { cwd: work, credentials })).code).toBe(0);
      const { repository } = await octokitFor(reviewerToken).graphql<Threads>(THREADS, { owner: "octocat", name: "app", number: pullNumber, first: 10 });
      const [readme, main] = repository.pullRequest.reviewThreads.nodes;
      expect(readme).toMatchObject({ path: "README.md", isOutdated: true, line: null });
      expect(main).toMatchObject({ path: "src/main.ts", isOutdated: false, line: 1 });
    } finally {
      await git.dispose();
    }
  });
});
