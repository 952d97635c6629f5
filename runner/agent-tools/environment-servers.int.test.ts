import { execFile } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { Octokit } from "@octokit/rest";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { Database } from "@/db/client";
import { toolCapabilities } from "@/lib/agents/capabilities";
import { seal } from "@/lib/crypto/sealed-box";
import { createEnvironment } from "@/lib/environments/create-environment";
import { connectWithPat } from "@/lib/git-auth/connect-with-pat";
import { awaitJob } from "@/lib/runners/jobs/await-job";
import type { Actor } from "@/lib/users/actor";
import type { Sandbox } from "@/sandbox";
import { testEngines } from "@/tests/helpers/test-database";
import { writeEnvironmentRecord } from "../git/environment-record";
import { readTree } from "../test/support/git";
import { addIntegration, Canaries, createWorld, memberWithAccount, runnerOutput, type SandboxIntegration, type World } from "../test/support/scm-world";
import type { AgentToolsEndpoint } from "./endpoint-file";
import { sandboxForFile } from "../test/support/file-sandbox";

vi.setConfig({ testTimeout: 60_000 });

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const CLI = path.join(ROOT, "runner", "agent-tools", "cli.ts");
/** Readable by the environment's own group (its OS user) on a runner that isolates (as root), else by the runner alone. */
const ENDPOINT_MODE = process.getuid?.() === 0 ? 0o640 : 0o600;
const quiet = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };

/** `npm run agent-tools -- ...` (tsx), resolving with its exit code and output. */
function agentTools(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ["--import", "tsx", CLI, ...args], { cwd: ROOT, timeout: 60_000, env: { ...process.env, LOG_LEVEL: "warn" } }, (error, stdout, stderr) => {
      resolve({ code: error ? Number((error as { code?: unknown }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

/** A tools/list request as an MCP client sends it, with `authorization` as given. */
function rawList(url: string, authorization?: string): Promise<Response> {
  return fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", accept: "application/json, text/event-stream", ...(authorization ? { authorization } : {}) },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/list", params: {} }),
  });
}

/** Connects the SDK's streamable HTTP client the way an agent given the endpoint file does. */
async function connectAgent(endpoint: AgentToolsEndpoint): Promise<Client> {
  const client = new Client({ name: "environment-agent", version: "1.0.0" });
  await client.connect(new StreamableHTTPClientTransport(new URL(endpoint.url), { requestInit: { headers: { Authorization: `Bearer ${endpoint.token}` } } }));
  return client;
}

let sandbox: Sandbox;
const canaries = new Canaries();

sandboxForFile({ validateGithub: false }, (started) => (sandbox = started));

// The servers are the runner's own; the plane's engine makes no difference to them, so one is enough.
describe("the runner serving each ready environment's agent tools on loopback", () => {
  let database: Database;
  let world: World;
  let github: SandboxIntegration;
  let member: Actor;
  let login: string;
  let octokit: Octokit;
  const env: { a: string; b: string } = { a: "", b: "" };
  let first: AgentToolsEndpoint;
  let issueNumber: number;

  const endpointPath = (environmentId: string) => path.join(world.dataDir, "environments", `${environmentId}.agent-tools.json`);
  const cloneDir = (environmentId: string) => path.join(world.dataDir, "environments", environmentId);
  const readEndpointFile = (environmentId: string) => JSON.parse(fs.readFileSync(endpointPath(environmentId), "utf8")) as AgentToolsEndpoint;

  /** Creates an environment through the plane and waits until the runner's clone job succeeded. */
  async function create(repoPath: string): Promise<string> {
    const outcome = await createEnvironment({ db: database.db, actor: member, runnerId: world.runnerId, repoUrl: `${github.baseUrl}/${repoPath}`, allowLoopback: true });
    if (outcome.kind !== "created") throw new Error(`expected an environment, got ${outcome.kind}`);
    const job = await awaitJob({ database, orgId: member.orgId, jobId: outcome.jobId });
    expect(job).toMatchObject({ status: "succeeded" });
    return outcome.environmentId;
  }

  beforeAll(async () => {
    database = await testEngines()[0]!.open();
    world = await createWorld({ database, sandbox });
    github = await addIntegration(world, sandbox, canaries, "github", { oauth: false, pat: true });
    // Connecting by PAT is a job of the runner's too.
    await world.startRunner();
    ({ member, login } = await memberWithAccount(world, sandbox, "github"));
    const pat = await sandbox.admin.issuePat({ provider: "github", login, scopes: ["repo", "read:user"] });
    canaries.add(pat.value);
    const patSealed = await seal(world.publicKey, { purpose: "pat", runnerId: world.runnerId, host: github.host, userId: member.userId }, pat.value);
    await connectWithPat({ database, actor: member, integrationId: github.integrationId, patSealed });
    await Promise.all(["app", "api"].map((repo) => sandbox.admin.createRepo({ provider: "github", path: `${login}/${repo}`, files: { "README.md": `# ${repo}\n` } })));
    octokit = new Octokit({ auth: pat.value, baseUrl: sandbox.urls.github.enterpriseApi, log: quiet });
  });

  afterAll(async () => {
    await world?.close();
    await database?.close();
  });

  it("serves a new environment once its clone is made: an endpoint file only the environment can read beside the clone, tools as the owner, other tokens refused", async () => {
    env.a = await create(`${login}/app`);
    env.b = await create(`${login}/api`);

    first = readEndpointFile(env.a);
    expect(first).toEqual({ environmentId: env.a, url: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\/mcp$/), token: expect.any(String), transport: "streamable-http", startedAt: expect.any(String) });
    expect(fs.statSync(endpointPath(env.a)).mode & 0o777).toBe(ENDPOINT_MODE);
    // Beside the clone, never in it: nothing in the repository names the endpoint or holds its token.
    expect(path.relative(cloneDir(env.a), endpointPath(env.a)).startsWith("..")).toBe(true);
    expect(readTree(cloneDir(env.a))).not.toContain(first.token);
    const second = readEndpointFile(env.b);
    expect(second.token).not.toBe(first.token);
    expect(second.url).not.toBe(first.url);

    const client = await connectAgent(first);
    try {
      const { tools } = await client.listTools();
      expect(tools.map((t) => t.name).sort()).toEqual(Object.keys(toolCapabilities).sort());
      const made = (await client.callTool({ name: "create_issue", arguments: { title: "Filed by the environment's agent" } })) as CallToolResult;
      expect(made.isError, JSON.stringify(made.content)).toBeFalsy();
      issueNumber = (made.structuredContent as { issue: { number: number } }).issue.number;
    } finally {
      await client.close();
    }
    const { data } = await octokit.rest.issues.get({ owner: login, repo: "app", issue_number: issueNumber });
    expect(data).toMatchObject({ title: "Filed by the environment's agent", user: { login } });

    // No token, a wrong one, or the other environment's: refused before any tool runs.
    for (const authorization of [undefined, `Bearer ${crypto.randomBytes(32).toString("base64url")}`, `Bearer ${second.token}`]) {
      const refused = await rawList(first.url, authorization);
      expect(refused.status).toBe(401);
      expect(await refused.json()).toMatchObject({ error: { code: "environment_token_invalid" } });
    }
    const intruder = new Client({ name: "intruder", version: "1.0.0" });
    await expect(intruder.connect(new StreamableHTTPClientTransport(new URL(first.url), { requestInit: { headers: { Authorization: `Bearer ${second.token}` } } }))).rejects.toThrow();

    // Scripts discover it through the CLI.
    const printed = await agentTools(["endpoint", "--environment", env.a, "--data-dir", world.dataDir]);
    expect(printed.code, printed.stderr).toBe(0);
    expect(JSON.parse(printed.stdout)).toEqual(first);

    const logs = world.runner!.logs();
    expect(logs.filter((l) => l.event === "agent_tools.serving").map((l) => l.environmentId)).toEqual([env.a, env.b]);
    const output = runnerOutput(world);
    expect(output).not.toContain(first.token);
    expect(output).not.toContain(second.token);
    canaries.expectAbsent({ runnerOutput: output });
  });

  it("stops serving when the runner stops, and at the next start serves the existing environments again, replacing stale files", async () => {
    await world.stopRunner();
    expect(fs.existsSync(endpointPath(env.a))).toBe(false);
    expect(fs.existsSync(endpointPath(env.b))).toBe(false);
    await expect(rawList(first.url, `Bearer ${first.token}`)).rejects.toMatchObject({ cause: { code: "ECONNREFUSED" } });
    const stopped = await agentTools(["endpoint", "--environment", env.a, "--data-dir", world.dataDir]);
    expect(stopped.code).toBe(1);
    expect(stopped.stdout).toBe("");
    expect(stopped.stderr).toContain("not serving");

    // What a killed runner leaves behind, and an environment whose tools cannot be served.
    fs.writeFileSync(endpointPath(env.a), JSON.stringify({ ...first, startedAt: "2020-01-01T00:00:00.000Z" }), { mode: 0o600 });
    const broken = crypto.randomUUID();
    await writeEnvironmentRecord(world.dataDir, {
      environmentId: broken,
      ownerId: member.userId,
      integrationId: github.integrationId,
      provider: "github",
      host: github.host,
      protocol: "http:",
      repoUrl: "not a url",
      createdAt: new Date().toISOString(),
    });
    fs.mkdirSync(cloneDir(broken));
    const stale = await agentTools(["endpoint", "--environment", env.a, "--data-dir", world.dataDir]);
    expect(stale.code).toBe(1);

    const runner = await world.startRunner();
    const again = readEndpointFile(env.a);
    expect(again).toMatchObject({ environmentId: env.a, transport: "streamable-http" });
    expect(again.token).not.toBe(first.token);
    expect(again.startedAt).not.toBe("2020-01-01T00:00:00.000Z");
    expect(fs.statSync(endpointPath(env.a)).mode & 0o777).toBe(ENDPOINT_MODE);
    expect(fs.existsSync(endpointPath(env.b))).toBe(true);
    expect(fs.existsSync(endpointPath(broken))).toBe(false);
    expect(runner.logs().find((l) => l.event === "agent_tools.serve_failed")).toMatchObject({ environmentId: broken });

    const client = await connectAgent(again);
    try {
      const listed = (await client.callTool({ name: "list_issues", arguments: { state: "all" } })) as CallToolResult;
      expect(listed.isError, JSON.stringify(listed.content)).toBeFalsy();
      expect(listed.structuredContent).toMatchObject({ issues: [{ number: issueNumber, author: login }] });
    } finally {
      await client.close();
    }
    expect((await rawList(again.url, `Bearer ${first.token}`)).status).toBe(401);

    await world.stopRunner();
    expect(fs.readdirSync(path.join(world.dataDir, "environments")).filter((n) => n.includes(".agent-tools."))).toEqual([]);
    expect(runnerOutput(world)).not.toContain(again.token);
  });
});
