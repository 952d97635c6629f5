import { execFile } from "node:child_process";
import path from "node:path";
import { mkdir } from "node:fs/promises";
import { fileURLToPath, pathToFileURL } from "node:url";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { Octokit } from "@octokit/rest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { toolCapabilities } from "@/lib/agents/capabilities";
import { fingerprintOf } from "@/lib/crypto/sealed-box";
import { testEngines } from "@/tests/helpers/test-database";
import { loadRegistration, saveRegistration } from "../data-dir";
import { writeEndpoint } from "./endpoint-file";
import { createEnvironmentToken, startAgentToolsHttp } from "./http";
import { readEnvironmentRecord, writeEnvironmentRecord } from "../git/environment-record";
import { activityOf, addEnvironment, startWorld, type World } from "./test-support/world";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const CLI = path.join(ROOT, "runner", "agent-tools", "cli.ts");
const quiet = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };

/** Runs the CLI as `npm run -s agent-tools --` does (tsx), resolving with its exit code and output. */
function cli(args: string[], opts: { cwd?: string; env?: Record<string, string> } = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    // From another directory tsx still needs the project's tsconfig (its @/ paths).
    // An empty value in opts.env unsets the variable.
    const env = Object.fromEntries(Object.entries({ ...process.env, LOG_LEVEL: "warn", TSX_TSCONFIG_PATH: path.join(ROOT, "tsconfig.json"), ...opts.env }).filter((e): e is [string, string] => e[1] !== undefined && e[1] !== ""));
    const tsx = pathToFileURL(path.join(ROOT, "node_modules", "tsx", "dist", "loader.mjs")).href;
    execFile(process.execPath, ["--import", tsx, CLI, ...args], { cwd: opts.cwd ?? ROOT, timeout: 60_000, env: env as NodeJS.ProcessEnv }, (error, stdout, stderr) => {
      resolve({ code: error ? Number((error as { code?: unknown }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

describe("the agent tools CLI, reading the runner's data directory", () => {
  let world: World;
  let dataDir: string;
  let environmentId: string;
  let octokit: Octokit;

  beforeAll(async () => {
    world = await startWorld(testEngines()[0]!);
    const added = await addEnvironment(world, { provider: "github", login: "cli-owner", repo: "app" });
    environmentId = added.environment.id;
    octokit = new Octokit({ auth: added.token, baseUrl: world.sandbox.urls.github.enterpriseApi, log: quiet });
    // What `npm run runner -- register` and the environment.create job leave on the runner's disk.
    dataDir = path.join(world.scratch, "runner-data");
    const { keys, keyId, runnerId, accessToken } = world.runner;
    const now = new Date().toISOString();
    await saveRegistration(
      dataDir,
      { ...keys, keyId, createdAt: now },
      { planeUrl: world.api.url, runnerId, name: "test", accessToken, keyId, fingerprint: await fingerprintOf(keys.publicKey), registeredAt: now },
    );
    await writeEnvironmentRecord(dataDir, {
      environmentId,
      ownerId: added.environment.ownerId,
      integrationId: world.integrationIds.github,
      provider: "github",
      host: added.environment.host,
      protocol: "http:",
      repoUrl: added.cloneUrl,
      createdAt: now,
    });
  });
  afterAll(async () => {
    await world?.close();
  });

  it("call prints the JSON result, or the typed error with a non-zero exit", async () => {
    const made = await cli(["call", "create_issue", "--environment", environmentId, "--data-dir", dataDir, "--json", JSON.stringify({ title: "From a script" })]);
    expect(made.code, made.stderr).toBe(0);
    const { issue } = JSON.parse(made.stdout) as { issue: { number: number; url: string } };
    const { data } = await octokit.rest.issues.get({ owner: "cli-owner", repo: "app", issue_number: issue.number });
    expect(data).toMatchObject({ title: "From a script", user: { login: "cli-owner" }, html_url: issue.url });

    const bad = await cli(["call", "get_pull_request", "--environment", environmentId, "--data-dir", dataDir, "--json", '{"number":"one"}']);
    expect(bad.code).toBe(1);
    expect(JSON.parse(bad.stdout)).toMatchObject({ error: { code: "validation_failed", fieldErrors: { number: [expect.any(String)] }, remedy: expect.any(String) } });
    expect(bad.stderr).toContain("Error validation_failed");

    const usage = await cli(["call", "delete_repository", "--environment", environmentId, "--data-dir", dataDir]);
    expect(usage.code).toBe(2);
    // The malformed call is recorded as refused; an unknown tool is a usage error, not a call.
    expect(await activityOf(world, environmentId)).toMatchObject([
      { tool: "create_issue", outcome: "succeeded", resultUrl: issue.url },
      { tool: "get_pull_request", outcome: "refused", errorCode: "validation_failed", resultUrl: null },
    ]);
  });

  it("mcp serves the same tools over stdio to an MCP client", async () => {
    const client = new Client({ name: "stdio-test", version: "1.0.0" });
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: ["--import", "tsx", CLI, "mcp", "--environment", environmentId, "--data-dir", dataDir],
      cwd: ROOT,
      // The sandbox listens on loopback, which the runner reaches only when told to.
      env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", LOG_LEVEL: "warn", SCM_ALLOW_LOOPBACK_HOSTS: process.env.SCM_ALLOW_LOOPBACK_HOSTS ?? "1" },
      stderr: "pipe",
    });
    // Anything but the protocol on stdout (a banner, a log line) is a parse error at the client.
    const errors: Error[] = [];
    client.onerror = (e) => errors.push(e);
    await client.connect(transport);
    try {
      const { tools } = await client.listTools();
      expect(tools.map((t) => t.name).sort()).toEqual(Object.keys(toolCapabilities).sort());
      const listed = await client.callTool({ name: "list_issues", arguments: { state: "all" } });
      expect(listed.isError, JSON.stringify(listed.content)).toBeFalsy();
      expect(listed.structuredContent).toMatchObject({ issues: [{ title: "From a script", author: "cli-owner" }] });
      expect(errors).toEqual([]);
    } finally {
      await client.close();
    }
  });

  it("endpoint finds an environment kept by the embedded runner (npm run dev) even when the standalone runner's directory is registered too (regression)", async () => {
    // A checkout: .data/runner registered without the environment, .data/local-runner with it.
    const checkout = path.join(world.scratch, "checkout");
    const standalone = path.join(checkout, ".data", "runner");
    const embedded = path.join(checkout, ".data", "local-runner");
    await mkdir(standalone, { recursive: true });
    const { key, credentials } = (await loadRegistration(dataDir))!;
    await saveRegistration(standalone, key, credentials);
    await saveRegistration(embedded, key, credentials);
    await writeEnvironmentRecord(embedded, (await readEnvironmentRecord(dataDir, environmentId))!);
    const token = createEnvironmentToken();
    const http = await startAgentToolsHttp({ createServer: () => { throw new Error("no tool runs for endpoint"); }, token });
    try {
      await writeEndpoint(embedded, { environmentId, url: http.url, token, transport: "streamable-http", startedAt: new Date().toISOString() });
      const env = { SCM_RUNNER_DEFAULT_DATA_DIR: ".data/runner", RUNNER_DATA_DIR: "" };
      const found = await cli(["endpoint", "--environment", environmentId], { cwd: checkout, env });
      expect(found.code, found.stderr).toBe(0);
      expect(JSON.parse(found.stdout)).toMatchObject({ environmentId, url: http.url });
    } finally {
      await http.close();
    }
  });
});
