import fs from "node:fs";
import path from "node:path";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { Database } from "@/db/client";
import { hostAuthTokens } from "@/db/schema";
import { seal } from "@/lib/crypto/sealed-box";
import { createEnvironment } from "@/lib/environments/create-environment";
import { listRepositories } from "@/lib/environments/list-repositories";
import { AppError } from "@/lib/errors/app-error";
import { connectWithPat } from "@/lib/git-auth/connect-with-pat";
import { disconnect } from "@/lib/git-auth/disconnect";
import { setLogSink } from "@/lib/log/logger";
import { awaitJob } from "@/lib/runners/jobs/await-job";
import type { Actor } from "@/lib/users/actor";
import type { Sandbox } from "@/sandbox";
import { testEngines } from "@/tests/helpers/test-database";
import { dumpDatabase } from "../test/support/fixtures";
import { sandboxForFile } from "../test/support/file-sandbox";
import { addIntegration, Canaries, connectOAuth, createWorld, memberWithAccount, runnerOutput, storedCredential, type SandboxIntegration, type World } from "../test/support/scm-world";
import type { AgentToolsEndpoint } from "./endpoint-file";

vi.setConfig({ testTimeout: 90_000 });

/** An API token with what the picker, git and every agent tool need on Bitbucket. */
const TOOL_SCOPES = ["read:user:bitbucket", "read:repository:bitbucket", "write:repository:bitbucket", "write:pullrequest:bitbucket", "write:issue:bitbucket"];

let sandbox: Sandbox;
const canaries = new Canaries();
sandboxForFile({ autoApprove: true, validateGithub: false }, (started) => (sandbox = started));

/** The tables of a database dump (`-- name` sections) whose rows contain `needle`. */
function tablesContaining(dump: string, needle: string): string[] {
  return dump
    .split(/^-- /m)
    .filter((section) => section.includes(needle))
    .map((section) => section.slice(0, section.indexOf("\n")));
}

/**
 * Bitbucket connected with an API token, through the real path: the PAT form's email and token
 * validated by a runner process at the sandbox, the repository picker's job, a clone, and the
 * runner's own agent tools server driven by the MCP SDK client. Bitbucket's REST API takes an API
 * token only over Basic with the account's email, so each of these works only when the email the
 * person entered reaches the runner with the credential.
 */
describe.each(testEngines())("Bitbucket with an API token through a runner process on $name", (engine) => {
  let database: Database;
  let world: World;
  let bitbucket: SandboxIntegration;
  const planeLog: string[] = [];
  let restoreSink: ReturnType<typeof setLogSink>;
  const transcript: CallToolResult[] = [];

  const readEndpointFile = (environmentId: string) => JSON.parse(fs.readFileSync(path.join(world.dataDir, "environments", `${environmentId}.agent-tools.json`), "utf8")) as AgentToolsEndpoint;

  async function connectApiToken(actor: Actor, login: string, email: string): Promise<string> {
    const pat = await sandbox.admin.issuePat({ provider: "bitbucket", login, scopes: TOOL_SCOPES });
    canaries.add(pat.value);
    const patSealed = await seal(world.publicKey, { purpose: "pat", runnerId: world.runnerId, host: bitbucket.host, userId: actor.userId }, pat.value);
    // As typed into the form, with stray spaces around it.
    await connectWithPat({ database, actor, integrationId: bitbucket.integrationId, patSealed, username: ` ${email} ` });
    return pat.value;
  }

  /** Creates an environment through the plane and waits for the runner's clone. */
  async function createReadyEnvironment(actor: Actor, repoPath: string): Promise<string> {
    const outcome = await createEnvironment({ db: database.db, actor, runnerId: world.runnerId, repoUrl: `${bitbucket.baseUrl}/${repoPath}`, allowLoopback: true });
    if (outcome.kind !== "created") throw new Error(`expected an environment, got ${outcome.kind}`);
    expect(await awaitJob({ database, orgId: actor.orgId, jobId: outcome.jobId })).toMatchObject({ status: "succeeded" });
    return outcome.environmentId;
  }

  /** Calls tools as the environment's agent does: the SDK client on the runner's endpoint. */
  async function agentOf(environmentId: string): Promise<{ call: (name: string, args?: Record<string, unknown>) => Promise<CallToolResult>; close: () => Promise<void> }> {
    const endpoint = readEndpointFile(environmentId);
    const client = new Client({ name: "environment-agent", version: "1.0.0" });
    await client.connect(new StreamableHTTPClientTransport(new URL(endpoint.url), { requestInit: { headers: { Authorization: `Bearer ${endpoint.token}` } } }));
    return {
      call: async (name, args = {}) => {
        const result = (await client.callTool({ name, arguments: args })) as CallToolResult;
        transcript.push(result);
        return result;
      },
      close: () => client.close(),
    };
  }

  const errorOf = (result: CallToolResult) => (result.isError ? (JSON.parse((result.content as { text?: string }[]).at(-1)?.text ?? "{}") as { error: { code: string; message: string } }).error : null);

  beforeAll(async () => {
    restoreSink = setLogSink((line) => planeLog.push(line));
    database = await engine.open();
    world = await createWorld({ database, sandbox });
    bitbucket = await addIntegration(world, sandbox, canaries, "bitbucket", { oauth: true, pat: true });
    await world.startRunner();
  });

  afterAll(async () => {
    setLogSink(restoreSink);
    await world?.close();
    await database?.close();
  });

  it("keeps the email the token was accepted with; the picker lists, git clones and the agent tools act with Basic email:token", async () => {
    const { member, login, email } = await memberWithAccount(world, sandbox, "bitbucket");
    const token = await connectApiToken(member, login, email);
    const row = await storedCredential(world, member.userId, bitbucket.host);
    expect(row).toMatchObject({ source: "pat", subjectLogin: login, patUsername: email });

    const repoPath = `${login}/app`;
    await sandbox.admin.createRepo({ provider: "bitbucket", path: repoPath, files: { "README.md": "# app\n" } });
    await sandbox.admin.configureBitbucketRepo({ path: repoPath, issueTracker: true });
    const since = Date.now();

    const listed = await listRepositories({ database, actor: member, runnerId: world.runnerId, host: bitbucket.host, offlineAfterMs: 60_000 });
    expect(listed.repositories.map((r) => r.fullName)).toEqual([repoPath]);

    const environmentId = await createReadyEnvironment(member, repoPath);
    const agent = await agentOf(environmentId);
    try {
      const me = await agent.call("get_me");
      expect(errorOf(me)).toBeNull();
      expect(me.structuredContent).toMatchObject({ user: { login } });
      const filed = await agent.call("create_issue", { title: "Filed with an API token" });
      expect(errorOf(filed)).toBeNull();
      const number = (filed.structuredContent as { issue: { number: number } }).issue.number;
      const pulls = await agent.call("list_pull_requests", { state: "open" });
      expect(errorOf(pulls)).toBeNull();
      expect(pulls.structuredContent).toMatchObject({ pullRequests: [], hasMore: false });

      // The issue is there, filed by the account, as Bitbucket's own API says.
      const basic = `Basic ${Buffer.from(`${email}:${token}`).toString("base64")}`;
      const issue = await fetch(`${sandbox.urls.bitbucket.api}/2.0/repositories/${repoPath}/issues/${number}`, { headers: { authorization: basic } });
      expect(await issue.json()).toMatchObject({ title: "Filed with an API token", reporter: { nickname: login } });
    } finally {
      await agent.close();
    }

    // The sandbox takes an API token only over Basic with the account's email (as Bitbucket does):
    // as a bearer token, or with the user name, it answers 401, and none of the calls above got one.
    for (const authorization of [`Bearer ${token}`, `Basic ${Buffer.from(`${login}:${token}`).toString("base64")}`]) {
      expect((await fetch(`${sandbox.urls.bitbucket.api}/2.0/user`, { headers: { authorization } })).status).toBe(401);
    }
    const calls = sandbox.admin.requests({ provider: "bitbucket", since }).filter((r) => r.path.startsWith("/2.0/") && r.at < Date.now());
    expect(calls.map((r) => r.path)).toEqual(expect.arrayContaining(["/2.0/repositories", "/2.0/user", `/2.0/repositories/${repoPath}/issues`, `/2.0/repositories/${repoPath}/pullrequests`]));

    // The email is kept with the credential (and the job that connected it) and shown nowhere else:
    // no log of the plane or the runner, no event, audit entry or agent activity, no tool result.
    expect(tablesContaining(await dumpDatabase(database.db), email).sort()).toEqual(["host_auth_tokens", "runner_jobs"]);
    expect(planeLog.join("\n")).not.toContain(email);
    expect(runnerOutput(world)).not.toContain(email);
    expect(JSON.stringify(transcript)).not.toContain(email);
    canaries.expectAbsent({ transcript: JSON.stringify(transcript), runner: runnerOutput(world), planeLog: planeLog.join("\n") });

    // Disconnecting removes it with the credential.
    await disconnect({ database, actor: member, integrationId: bitbucket.integrationId });
    expect(tablesContaining(await dumpDatabase(database.db), email)).toEqual(["runner_jobs"]);
  });

  it("a connection made before the email was kept: git still clones, the picker and the agent tools refuse in words and send Bitbucket nothing", async () => {
    const { member, login, email } = await memberWithAccount(world, sandbox, "bitbucket");
    await connectApiToken(member, login, email);
    // What a row written before the column existed holds.
    await database.db.update(hostAuthTokens).set({ patUsername: null }).where(and(eq(hostAuthTokens.userId, member.userId), eq(hostAuthTokens.host, bitbucket.host)));
    const repoPath = `${login}/old`;
    await sandbox.admin.createRepo({ provider: "bitbucket", path: repoPath, files: { "README.md": "# old\n" } });
    const since = Date.now();

    const refused = await listRepositories({ database, actor: member, runnerId: world.runnerId, host: bitbucket.host, offlineAfterMs: 60_000 }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(refused).toBeInstanceOf(AppError);
    expect(refused).toMatchObject({ code: "unsupported_credential_type", message: expect.stringMatching(/Reconnect the token .*entering the email, or connect with OAuth/) });

    const environmentId = await createReadyEnvironment(member, repoPath);
    const agent = await agentOf(environmentId);
    try {
      expect(errorOf(await agent.call("get_me"))).toMatchObject({
        code: "unsupported_credential_type",
        message: expect.stringMatching(/Nothing was sent to Bitbucket\. The owner can reconnect the API token .*entering the email, or connect Bitbucket with OAuth/),
      });
    } finally {
      await agent.close();
    }
    expect(sandbox.admin.requests({ provider: "bitbucket", since }).filter((r) => r.path.startsWith("/2.0/"))).toEqual([]);
    // Refusing is not the provider refusing the token: the connection is not marked for reconnection.
    expect(await storedCredential(world, member.userId, bitbucket.host)).toMatchObject({ needsReauthReason: null });
  });

  it("reconnecting with OAuth drops the email an earlier API token was used with", async () => {
    const { member, login, email } = await memberWithAccount(world, sandbox, "bitbucket");
    await connectApiToken(member, login, email);
    expect(await storedCredential(world, member.userId, bitbucket.host)).toMatchObject({ source: "pat", patUsername: email });
    expect(await connectOAuth(world, sandbox, bitbucket, member, login)).toMatchObject({ status: "succeeded" });
    expect(await storedCredential(world, member.userId, bitbucket.host)).toMatchObject({ source: "oauth", subjectLogin: login, patUsername: null });
    expect(tablesContaining(await dumpDatabase(database.db), email)).not.toContain("host_auth_tokens");
  });
});
