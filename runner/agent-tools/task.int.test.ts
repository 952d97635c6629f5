import { writeFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import type { Octokit } from "@octokit/rest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ToolName } from "@/lib/agents/capabilities";
import { fingerprintOf } from "@/lib/crypto/sealed-box";
import { testEngines } from "@/tests/helpers/test-database";
import { saveRegistration } from "../data-dir";
import { environmentDir, writeEnvironmentRecord } from "../git/environment-record";
import { addEnvironment, connect, disconnect, errorOf, git, githubAs, startWorld, type World } from "./test-support/world";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const CLI = path.join(ROOT, "runner", "agent-tools", "cli.ts");

type Call = (tool: ToolName, args: Record<string, unknown>) => Promise<CallToolResult>;
type Threads = { threads: { id: string; resolved: boolean; path: string; line: number; comments: { author: string; body: string }[] }[]; count: number };

/** The structured result of a call that must have succeeded. */
async function ok<T>(call: Call, tool: ToolName, args: Record<string, unknown> = {}): Promise<T> {
  const result = await call(tool, args);
  expect(errorOf(result), `${tool}: ${JSON.stringify(result.content)}`).toBeNull();
  return result.structuredContent as T;
}

/**
 * The tools of `environment` over stdio, started as the README documents (`agent-tools mcp
 * --environment ID`) from the runner's data directory, as `register` and the environment.create
 * job leave it.
 */
async function stdioSession(world: World, opts: { dataDir: string; environment: { id: string; ownerId: string; host: string }; cloneUrl: string; provider: "github" | "gitlab" }) {
  const { keys, keyId, runnerId, accessToken } = world.runner;
  const now = new Date().toISOString();
  await saveRegistration(opts.dataDir, { ...keys, keyId, createdAt: now }, { planeUrl: world.api.url, runnerId, name: "task", accessToken, keyId, fingerprint: await fingerprintOf(keys.publicKey), registeredAt: now });
  const env = opts.environment;
  await writeEnvironmentRecord(opts.dataDir, { environmentId: env.id, ownerId: env.ownerId, integrationId: world.integrationIds[opts.provider], provider: opts.provider, host: env.host, protocol: "http:", repoUrl: opts.cloneUrl, createdAt: now });

  const client = new Client({ name: "task-stdio", version: "1.0.0" });
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: ["--import", "tsx", CLI, "mcp", "--environment", env.id, "--data-dir", opts.dataDir],
    cwd: ROOT,
    // The sandbox listens on loopback, which the runner reaches only when told to.
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", LOG_LEVEL: "warn", SCM_ALLOW_LOOPBACK_HOSTS: process.env.SCM_ALLOW_LOOPBACK_HOSTS ?? "1" },
    stderr: "pipe",
  });
  const errors: Error[] = [];
  client.onerror = (e) => errors.push(e);
  await client.connect(transport);
  const transcript: CallToolResult[] = [];
  const call: Call = async (tool, args) => {
    const result = (await client.callTool({ name: tool, arguments: args })) as CallToolResult;
    transcript.push(result);
    return result;
  };
  return { client, call, errors, transcript };
}

/**
 * The task an agent is given, played on GitHub the way an agent plays it: read the issue, fix it
 * with git in the environment's working copy, open a pull request, answer a reviewer's inline
 * comments (replying and resolving), and watch the checks go from pending to success. The reviewer
 * is another sandbox user acting through Octokit.
 */
async function playTask(world: World, opts: { call: Call; reviewer: Octokit; repo: string; workdir: string; token: string; login: string }): Promise<void> {
  const { call, reviewer } = opts;
  const where = { owner: opts.login, repo: opts.repo };
  const { data: filed } = await reviewer.rest.issues.create({ ...where, title: "main is off by one", body: "`main` should be 2, not 1." });
  await reviewer.rest.issues.createComment({ ...where, issue_number: filed.number, body: "It breaks the start script." });

  // 1. Read the issue, with its comments.
  const read = await ok<{ issue: { title: string; body: string; author: string }; comments: { body: string; author: string }[]; commentsHasMore: boolean }>(call, "get_issue", { number: filed.number });
  expect(read).toMatchObject({ issue: { title: "main is off by one", body: "`main` should be 2, not 1.", author: "task-reviewer" }, comments: [{ body: "It breaks the start script.", author: "task-reviewer" }], commentsHasMore: false });

  // 2. Fix it with real git in the working copy, and push with the owner's token.
  await git(world, ["checkout", "--quiet", "-b", "fix/main"], { cwd: opts.workdir });
  await writeFile(path.join(opts.workdir, "src", "main.ts"), "export const main = 2;\n");
  await git(world, ["commit", "--quiet", "-am", `Fix main (#${filed.number})`], { cwd: opts.workdir });
  await git(world, ["push", "--quiet", "origin", "fix/main"], { cwd: opts.workdir, username: opts.login, password: opts.token });

  // 3. Open the pull request from the checked-out branch.
  const { pullRequest } = await ok<{ pullRequest: { number: number; head: string; base: string; headSha: string; url: string } }>(call, "create_pull_request", { title: "Fix main", body: `Fixes #${filed.number}.` });
  expect(pullRequest).toMatchObject({ head: "fix/main", base: "main" });
  const { number, headSha } = pullRequest;
  await reviewer.rest.repos.createCommitStatus({ ...where, sha: headSha, state: "pending", context: "ci/test", description: "Running" });

  // 4. The reviewer leaves a review with two inline comments.
  await reviewer.rest.pulls.createReview({
    ...where,
    pull_number: number,
    event: "COMMENT",
    body: "Two small things.",
    comments: [
      { path: "src/main.ts", line: 1, body: "Add a test for this." },
      { path: "src/main.ts", line: 1, side: "LEFT", body: "Was 1 ever right?" },
    ],
  });

  // 5. The threads are open; answer one and resolve it in the same call.
  const open = await ok<Threads>(call, "list_review_threads", { number });
  expect(open).toMatchObject({ count: 2 });
  expect(open.threads.every((t) => !t.resolved)).toBe(true);
  const [first] = open.threads;
  expect(first).toMatchObject({ path: "src/main.ts", line: 1, comments: [{ author: "task-reviewer", body: "Add a test for this." }] });
  const replied = await ok<{ resolved: boolean; comment: { url: string } }>(call, "reply_to_review_thread", { number, threadId: first!.id, body: "Added in the next commit.", resolve: true });
  expect(replied.resolved).toBe(true);

  const after = await ok<Threads>(call, "list_review_threads", { number });
  expect(after.threads.find((t) => t.id === first!.id)).toMatchObject({ resolved: true, comments: [{ author: "task-reviewer" }, { author: opts.login, body: "Added in the next commit." }] });
  expect((await ok<Threads>(call, "list_review_threads", { number, state: "unresolved" })).count).toBe(1);
  // What the reviewer sees at GitHub.
  const { data: comments } = await reviewer.rest.pulls.listReviewComments({ ...where, pull_number: number });
  expect(comments.find((c) => c.body === "Added in the next commit.")).toMatchObject({ user: { login: opts.login }, in_reply_to_id: comments.find((c) => c.body === "Add a test for this.")!.id });

  // 6. The checks: pending, then success once the reviewer's CI reports.
  expect(await ok(call, "get_pull_request_checks", { number })).toMatchObject({ sha: headSha, overall: "pending", checks: [{ name: "ci/test", kind: "status", state: "pending" }] });
  await reviewer.rest.repos.createCommitStatus({ ...where, sha: headSha, state: "success", context: "ci/test", description: "All passed" });
  expect(await ok(call, "get_pull_request_checks", { number })).toMatchObject({ overall: "success", checks: [{ name: "ci/test", state: "success", description: "All passed" }] });
}

describe("the task played end to end on GitHub, as an agent plays it", () => {
  let world: World;
  let reviewer: Octokit;

  beforeAll(async () => {
    world = await startWorld(testEngines()[0]!);
    reviewer = (await githubAs(world, "task-reviewer")).octokit;
  });
  afterAll(async () => {
    await world?.close();
  });

  /** An environment of task-owner with the reviewer as a collaborator, cloned into `workdir(id)`. */
  async function environment(repo: string, workdir: (id: string) => string) {
    const added = await addEnvironment(world, { provider: "github", login: "task-owner", repo, collaborators: [{ login: "task-reviewer", permission: "write" }] });
    const dir = workdir(added.environment.id);
    await git(world, ["clone", "--quiet", added.cloneUrl, dir], { username: "task-owner", password: added.token });
    return { ...added, environment: { ...added.environment, workdir: dir } };
  }

  it("over streamable HTTP", async () => {
    const { environment: env, token } = await environment("http-app", (id) => path.join(world.scratch, `clone-${id}`));
    const session = await connect(world, env);
    try {
      await playTask(world, { call: session.call, reviewer, repo: "http-app", workdir: env.workdir, token, login: "task-owner" });
      expect(JSON.stringify(session.transcript)).not.toContain(token);
    } finally {
      await disconnect(session);
    }
  });

  it("over stdio, started as the README documents (agent-tools mcp --environment)", async () => {
    const dataDir = path.join(world.scratch, "runner-data");
    const { environment: env, token, cloneUrl } = await environment("stdio-app", (id) => environmentDir(dataDir, id));
    const { client, call, errors, transcript } = await stdioSession(world, { dataDir, environment: env, cloneUrl, provider: "github" });
    try {
      await playTask(world, { call, reviewer, repo: "stdio-app", workdir: env.workdir, token, login: "task-owner" });
      expect(errors).toEqual([]);
      expect(JSON.stringify(transcript)).not.toContain(token);
    } finally {
      await client.close();
    }
  });
});

describe("the tools over stdio on GitLab", () => {
  let world: World;

  beforeAll(async () => {
    world = await startWorld(testEngines()[0]!);
  });
  afterAll(async () => {
    await world?.close();
  });

  it("reads and writes issues and merge requests as the owner, through agent-tools mcp", async () => {
    const dataDir = path.join(world.scratch, "runner-data");
    const added = await addEnvironment(world, { provider: "gitlab", login: "gl-stdio", repo: "app", pushBranch: "feature" });
    const { client, call, errors, transcript } = await stdioSession(world, { dataDir, environment: added.environment, cloneUrl: added.cloneUrl, provider: "gitlab" });
    try {
      expect(await ok(call, "get_me")).toMatchObject({ user: { login: "gl-stdio" } });
      const { issue } = await ok<{ issue: { number: number } }>(call, "create_issue", { title: "Crash on start", body: "Steps: start it." });
      await ok(call, "comment_on_issue", { number: issue.number, body: "Seen on main too." });
      expect(await ok(call, "get_issue", { number: issue.number })).toMatchObject({ issue: { body: "Steps: start it." }, comments: [{ body: "Seen on main too.", author: "gl-stdio" }], commentsHasMore: false });
      const { pullRequest } = await ok<{ pullRequest: { number: number } }>(call, "create_pull_request", { title: "Fix the crash", head: "feature" });
      expect(await ok(call, "list_review_threads", { number: pullRequest.number })).toMatchObject({ threads: [], count: 0, hasMore: false });
      const listed = await call("list_pull_requests", {});
      expect((listed.content as { text: string }[])[0]!.text).toContain(`!${pullRequest.number} Fix the crash`);
      expect(errors).toEqual([]);
      expect(JSON.stringify(transcript)).not.toContain(added.token);
    } finally {
      await client.close();
    }
  });
});
