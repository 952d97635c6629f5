import { execFile } from "node:child_process";
import crypto from "node:crypto";
import { chmod, mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { Octokit } from "@octokit/rest";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { and, eq } from "drizzle-orm";
import type { Database } from "@/db/client";
import { agentActivity, environments, hostAuthTokens } from "@/db/schema";
import type { ToolName } from "@/lib/agents/capabilities";
import { updateAgentPolicy } from "@/lib/agents/update-agent-policy";
import type { UpdateAgentPolicyInput } from "@/lib/agents/schemas";
import { seal } from "@/lib/crypto/sealed-box";
import type { ProviderId } from "@/lib/providers";
import { seedGitAuth, type SeededGitAuth } from "@/lib/testing/seed-git-auth";
import type { Actor } from "@/lib/users/actor";
import { startSandbox, type Sandbox } from "@/sandbox";
import { startRunnerApiServer, type RunnerApiServer } from "@/tests/helpers/runner-api-server";
import { seedOrg, seedUser } from "@/tests/helpers/seed";
import type { TestEngine } from "@/tests/helpers/test-database";
import { createCredentialBroker } from "../../credentials/credential-broker";
import { createEnvironmentToken, startAgentToolsHttp, type AgentToolsHttp } from "../http";
import { createAgentToolsPlane } from "../plane-api";
import type { AgentEnvironment } from "../run-tool-call";
import { createAgentToolsServer } from "../server";

const run = promisify(execFile);

/** The sandbox's id for each product provider id. */
export const SANDBOX_PROVIDER = { github: "github", gitlab: "gitlab", bitbucket: "bitbucket", azure_devops: "azure-devops" } as const satisfies Record<ProviderId, string>;

/** What an Azure DevOps PAT needs for every agent tool: Code (read & write, status), Work Items (read & write), Project and Team (read). */
export const AZURE_PAT_SCOPES = ["vso.code_write", "vso.code_status", "vso.work_write", "vso.project", "vso.profile"];

/** A connected MCP client of one environment's tools, and what it acts for. */
export type ToolSession = {
  client: Client;
  http: AgentToolsHttp;
  token: string;
  environment: AgentEnvironment;
  /** Calls a tool; the result as the agent gets it. */
  call: (tool: ToolName, args?: Record<string, unknown>) => Promise<CallToolResult>;
  /** Every result this session got, to check that none carries a secret. */
  transcript: CallToolResult[];
};

/**
 * One test file's world: a database, the runner API over HTTP, a registered runner with a real key
 * pair and an integration per sandbox host, and the sandbox itself. Environments are added per test.
 */
export type World = {
  database: Database;
  api: RunnerApiServer;
  sandbox: Sandbox;
  admin: Actor;
  runner: SeededGitAuth;
  integrationIds: Record<ProviderId, string>;
  hosts: Record<ProviderId, string>;
  scratch: string;
  setPolicy: (input: Partial<UpdateAgentPolicyInput>) => Promise<void>;
  close: () => Promise<void>;
};

const hostOf = (url: string) => new URL(url).host;

export async function startWorld(engine: TestEngine): Promise<World> {
  const [database, sandbox, scratch] = await Promise.all([engine.open(), startSandbox({ validateGithub: false }), mkdtemp(path.join(os.tmpdir(), "agent-tools-"))]);
  const api = await startRunnerApiServer(database);
  const { admin } = await seedOrg(database.db);
  const bases: Record<ProviderId, string> = { github: sandbox.urls.github.web, gitlab: sandbox.urls.gitlab.web, bitbucket: sandbox.urls.bitbucket.web, azure_devops: sandbox.urls.azure.web };
  const order: ProviderId[] = ["github", "gitlab", "bitbucket", "azure_devops"];
  const runner = await seedGitAuth({
    db: database.db,
    orgId: admin.orgId,
    adminUserId: admin.userId,
    integrations: order.map((provider) => ({ provider, host: hostOf(bases[provider]), baseUrl: bases[provider], oauth: false, pat: true })),
  });
  // git reads the owner's token from the environment through this script: never argv, never a URL.
  await writeFile(path.join(scratch, "askpass.sh"), '#!/bin/sh\ncase "$1" in\n  Username*) printf "%s\\n" "$T_USER" ;;\n  *) printf "%s\\n" "$T_PASS" ;;\nesac\n');
  await chmod(path.join(scratch, "askpass.sh"), 0o700);
  const allOn = { mode: "enabled" as const, allowedGroupIds: [], pullRequests: true, issues: true, reviewComments: true };
  return {
    database,
    api,
    sandbox,
    admin,
    runner,
    integrationIds: Object.fromEntries(order.map((p, i) => [p, runner.integrationIds[i]!])) as Record<ProviderId, string>,
    hosts: Object.fromEntries(order.map((p) => [p, hostOf(bases[p])])) as Record<ProviderId, string>,
    scratch,
    setPolicy: (input) => updateAgentPolicy({ db: database.db, actor: admin, input: { ...allOn, ...input } }),
    close: async () => {
      await api.close();
      await Promise.all([sandbox.close(), database.close(), rm(scratch, { recursive: true, force: true })]);
    },
  };
}

/** Runs git in `cwd` with the given credentials handed over by GIT_ASKPASS. */
export async function git(world: World, args: string[], opts: { cwd?: string; username?: string; password?: string } = {}): Promise<string> {
  const env = {
    NODE_ENV: process.env.NODE_ENV,
    PATH: process.env.PATH ?? "",
    HOME: world.scratch,
    GIT_CONFIG_NOSYSTEM: "1",
    GIT_TERMINAL_PROMPT: "0",
    GIT_ASKPASS: path.join(world.scratch, "askpass.sh"),
    GIT_AUTHOR_NAME: "Agent",
    GIT_AUTHOR_EMAIL: "agent@example.test",
    GIT_COMMITTER_NAME: "Agent",
    GIT_COMMITTER_EMAIL: "agent@example.test",
    T_USER: opts.username ?? "x-access-token",
    T_PASS: opts.password ?? "",
  };
  const { stdout } = await run("git", ["-c", "credential.helper=", ...args], { cwd: opts.cwd ?? world.scratch, env, timeout: 20_000 });
  return stdout;
}

export type EnvironmentSetup = {
  provider: ProviderId;
  owner?: Actor;
  /** The owner's login at the sandbox (created if missing). */
  login: string;
  repo: string;
  /** The token the owner connected with; by default a fresh PAT with full access. */
  token?: string;
  /** Connected by OAuth instead: the tokens as the runner sealed them, with their expiry. */
  oauth?: { refreshToken: string; expiresAt: Date };
  /** A branch committed and pushed from the environment's working copy (cloned only then), left checked out. */
  pushBranch?: string;
  /** Other sandbox users (created already) given access to the environment's repository. */
  collaborators?: { login: string; permission: "read" | "write" | "admin" }[];
  /** Azure DevOps: the project the repository is in (default "proj"). */
  azureProject?: string;
};

/** An environment of `owner` on the runner, with its owner's sealed credential and a working copy. */
export async function addEnvironment(world: World, setup: EnvironmentSetup): Promise<{ environment: AgentEnvironment; owner: Actor; token: string; cloneUrl: string }> {
  const { db } = world.database;
  const sandboxProvider = SANDBOX_PROVIDER[setup.provider];
  const owner = setup.owner ?? (await seedUser(db, world.admin.orgId, "member"));
  await world.sandbox.admin.createUser({ provider: sandboxProvider, login: setup.login, organizations: setup.provider === "azure_devops" ? ["contoso"] : undefined }).catch(() => {});
  const repoPath = setup.provider === "azure_devops" ? `contoso/${setup.azureProject ?? "proj"}/${setup.repo}` : `${setup.login}/${setup.repo}`;
  const repo = await world.sandbox.admin.createRepo({
    provider: sandboxProvider,
    path: repoPath,
    files: { "README.md": "# app\n", "src/main.ts": "export const main = 1;\n" },
    collaborators: [...(setup.provider === "azure_devops" ? [{ login: setup.login, permission: "write" as const }] : []), ...(setup.collaborators ?? [])],
  });
  const azure = setup.provider === "azure_devops";
  const token = setup.token ?? (await world.sandbox.admin.issuePat({ provider: sandboxProvider, login: setup.login, organizations: azure ? ["contoso"] : undefined, scopes: azure ? AZURE_PAT_SCOPES : undefined })).value;
  const host = world.hosts[setup.provider];
  const integrationId = world.integrationIds[setup.provider];
  const ctx = { runnerId: world.runner.runnerId, integrationId, userId: owner.userId, generation: 1 };
  await db.insert(hostAuthTokens).values({
    orgId: world.admin.orgId,
    runnerId: world.runner.runnerId,
    integrationId,
    userId: owner.userId,
    host,
    source: setup.oauth ? "oauth" : "pat",
    tokenSealed: await seal(world.runner.keys.publicKey, { ...ctx, purpose: "access_token" }, token),
    refreshTokenSealed: setup.oauth ? await seal(world.runner.keys.publicKey, { ...ctx, purpose: "refresh_token" }, setup.oauth.refreshToken) : null,
    expiresAt: setup.oauth?.expiresAt ?? null,
    keyId: world.runner.keyId,
    subjectLogin: setup.login,
  });
  const [row] = await db
    .insert(environments)
    .values({ orgId: world.admin.orgId, ownerId: owner.userId, runnerId: world.runner.runnerId, integrationId, name: `env-${crypto.randomBytes(3).toString("hex")}`, repoUrl: repo.cloneUrl, host, repoPath, status: "ready", readyAt: new Date() })
    .returning({ id: environments.id });
  // A working copy only where a test pushes from it: cloning is the slow part of an environment.
  const workdir = setup.pushBranch ? path.join(world.scratch, row!.id) : null;
  const gitUser = setup.provider === "gitlab" ? "oauth2" : setup.login;
  if (workdir && setup.pushBranch) {
    await git(world, ["clone", "--quiet", repo.cloneUrl, workdir], { username: gitUser, password: token });
    await git(world, ["checkout", "--quiet", "-b", setup.pushBranch], { cwd: workdir });
    await writeFile(path.join(workdir, "README.md"), "# app\n\nChanged by the agent.\n");
    await git(world, ["commit", "--quiet", "-am", "Explain the app"], { cwd: workdir });
    await git(world, ["push", "--quiet", "origin", setup.pushBranch], { cwd: workdir, username: gitUser, password: token });
  }
  return { environment: { id: row!.id, ownerId: owner.userId, host, provider: setup.provider, repoPath, workdir }, owner, token, cloneUrl: repo.cloneUrl };
}

/** Serves an environment's tools over streamable HTTP and connects a real MCP client to them. */
export async function connect(world: World, environment: AgentEnvironment): Promise<ToolSession> {
  const token = createEnvironmentToken();
  const plane = createAgentToolsPlane({ url: world.api.url, accessToken: world.runner.accessToken });
  // One broker for every request, as the runner process shares one.
  const credentials = createCredentialBroker({ plane, keys: world.runner.keys, runnerId: world.runner.runnerId });
  const http = await startAgentToolsHttp({
    createServer: () => createAgentToolsServer({ environment, plane, credentials, keys: world.runner.keys, runnerId: world.runner.runnerId, timeoutMs: 5_000 }),
    token,
  });
  const client = new Client({ name: "agent-tools-test", version: "1.0.0" });
  await client.connect(new StreamableHTTPClientTransport(new URL(http.url), { requestInit: { headers: { authorization: `Bearer ${token}` } } }));
  const transcript: CallToolResult[] = [];
  return {
    client,
    http,
    token,
    environment,
    transcript,
    call: async (tool, args = {}) => {
      const result = (await client.callTool({ name: tool, arguments: args })) as CallToolResult;
      transcript.push(result);
      return result;
    },
  };
}

/** Closes a session's client and server. */
export async function disconnect(session: ToolSession): Promise<void> {
  await session.client.close();
  await session.http.close();
}

/** The environment's agent activity, oldest first. */
export function activityOf(world: World, environmentId: string) {
  return world.database.db.select().from(agentActivity).where(eq(agentActivity.environmentId, environmentId)).orderBy(agentActivity.at);
}

/** Removes the owner's connection for the environment's host (a disconnect). */
export async function disconnectOwner(world: World, environment: AgentEnvironment): Promise<void> {
  await world.database.db.delete(hostAuthTokens).where(and(eq(hostAuthTokens.userId, environment.ownerId), eq(hostAuthTokens.host, environment.host)));
}

/** The error body of a tool error result, or null when the call succeeded. */
export function errorOf(result: CallToolResult): { code: string; message: string; retryAfterSeconds?: number; fieldErrors?: Record<string, string[]> } | null {
  if (!result.isError) return null;
  // The error's body is the JSON text block that follows its description.
  const json = (result.content as { type: string; text?: string }[]).filter((c) => c.type === "text").at(-1)?.text ?? "{}";
  return (JSON.parse(json) as { error: { code: string; message: string } }).error;
}

/** A sandbox GitHub user acting directly (a fresh PAT) on the Enterprise Server layout the environments use; the user is created if missing. */
export async function githubAs(world: World, login: string): Promise<{ octokit: Octokit; token: string }> {
  await world.sandbox.admin.createUser({ provider: "github", login }).catch(() => {});
  const token = (await world.sandbox.admin.issuePat({ provider: "github", login })).value;
  const quiet = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };
  return { octokit: new Octokit({ auth: token, baseUrl: world.sandbox.urls.github.enterpriseApi, log: quiet }), token };
}
