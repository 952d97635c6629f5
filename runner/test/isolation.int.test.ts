import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { Database } from "@/db/client";
import { environments, runners, scmEvents } from "@/db/schema";
import { seal } from "@/lib/crypto/sealed-box";
import { createEnvironment } from "@/lib/environments/create-environment";
import { connectWithPat } from "@/lib/git-auth/connect-with-pat";
import { removeMember } from "@/lib/members/remove-member";
import { setMemberDisabled } from "@/lib/members/set-member-disabled";
import { awaitJob } from "@/lib/runners/jobs/await-job";
import type { Actor } from "@/lib/users/actor";
import type { Sandbox } from "@/sandbox";
import { testEngines } from "@/tests/helpers/test-database";
import type { AgentToolsEndpoint } from "../agent-tools/endpoint-file";
import { CREDENTIALS_FILE, KEY_FILE } from "../data-dir";
import { environmentSocket, readEnvironmentRecord } from "../git/environment-record";
import { identityName, lookupIdentity } from "../isolation/identity";
import { sandboxForFile } from "./support/file-sandbox";
import { eventually, storedAccessToken } from "./support/fixtures";
import { gitIn, inEnvironment, readTree } from "./support/git";
import { addIntegration, Canaries, createWorld, memberWithAccount, runnerOutput, type SandboxIntegration, type World } from "./support/scm-world";

vi.setConfig({ testTimeout: 60_000 });

/** Isolation needs root (an OS user per environment); CI runs as root, so these run there for real. */
const root = process.getuid?.() === 0;

let sandbox: Sandbox;
const canaries = new Canaries();

sandboxForFile({ autoApprove: true, validateGithub: false }, (started) => (sandbox = started));

/** What git asks the credential helper for a host. */
const description = (host: string) => `protocol=http\nhost=${host}\n\n`;

/** A small Node program run inside an environment: tries to connect to a unix socket and prints the outcome. */
const CONNECT = `require("net").connect(process.argv[1]).on("connect", () => { console.log("CONNECTED"); process.exit(0); }).on("error", (e) => { console.log(e.code); process.exit(3); });`;

describe.skipIf(!root).each(testEngines())("Environments isolated from each other on a runner started as root, on $name", (engine) => {
  let database: Database;
  let world: World;
  let github: SandboxIntegration;
  type Owner = { member: Actor; login: string; pat: string; environmentId: string; repoPath: string };
  let a: Owner;
  let b: Owner;

  /** A member with a GitHub PAT connected and an environment of their own repository. */
  async function owner(): Promise<Owner> {
    const { member, login } = await memberWithAccount(world, sandbox, "github");
    const pat = await sandbox.admin.issuePat({ provider: "github", login, scopes: ["repo", "read:user"] });
    canaries.add(pat.value);
    const patSealed = await seal(world.publicKey, { purpose: "pat", runnerId: world.runnerId, host: github.host, userId: member.userId }, pat.value);
    await connectWithPat({ database, actor: member, integrationId: github.integrationId, patSealed });
    const repo = await sandbox.admin.createRepo({ provider: "github", path: `${login}/app`, files: { "README.md": "# app\n" } });
    const outcome = await createEnvironment({ db: database.db, actor: member, runnerId: world.runnerId, repoUrl: `${github.baseUrl}/${repo.path}`, allowLoopback: true });
    if (outcome.kind !== "created") throw new Error(`expected an environment, got ${outcome.kind}`);
    const job = await awaitJob({ database, orgId: member.orgId, jobId: outcome.jobId });
    expect(job).toMatchObject({ status: "succeeded" });
    return { member, login, pat: pat.value, environmentId: outcome.environmentId, repoPath: repo.path };
  }

  const environmentsDir = () => path.join(world.dataDir, "environments");
  const asA = (command: string[], input?: string) => inEnvironment(world.dataDir, a.environmentId, command, input);
  /** A request to a credential socket from inside A, on a path of the attacker's choosing. */
  const curlFromA = (socket: string, urlPath: string, host = github.host) =>
    asA(["curl", "--silent", "--show-error", "--unix-socket", socket, "--data-binary", "@-", `http://runner${urlPath}`], description(host));

  beforeAll(async () => {
    database = await engine.open();
    world = await createWorld({ database, sandbox });
    github = await addIntegration(world, sandbox, canaries, "github", { oauth: false, pat: true });
    await world.startRunner();
    a = await owner();
    b = await owner();
  });

  afterAll(async () => {
    await world?.close();
    await database?.close();
  });

  it("gives each environment an OS user of its own, owning only its clone, and reports the runner as isolated", async () => {
    const [runner] = await database.db.select({ isolation: runners.isolation }).from(runners).where(eq(runners.id, world.runnerId));
    expect(runner?.isolation).toBe("os_user");
    const recordA = await readEnvironmentRecord(world.dataDir, a.environmentId);
    const recordB = await readEnvironmentRecord(world.dataDir, b.environmentId);
    expect(recordA?.osUser).toBe(identityName(a.environmentId));
    expect(recordA?.uid).not.toBe(recordB?.uid);
    expect(recordA?.uid).not.toBe(0);
    const who = await asA(["id", "-un"]);
    expect(who.stdout.trim()).toBe(identityName(a.environmentId));
    expect(fs.statSync(path.join(environmentsDir(), a.environmentId)).uid).toBe(recordA?.uid);
    const [env] = await database.db.select().from(environments).where(eq(environments.id, a.environmentId));
    expect(env).toMatchObject({ status: "ready", osUser: identityName(a.environmentId), clonePath: path.join(environmentsDir(), a.environmentId) });
  });

  it("refuses environment A every way to B's credentials and the runner's secrets, records the attempt, and still serves A's own git", async () => {
    // B's socket: the OS refuses A's identity outright.
    const connect = await asA([process.execPath, "-e", CONNECT, environmentSocket(world.dataDir, b.environmentId)]);
    expect(connect.stdout.trim()).toBe("EACCES");

    // A's own socket, asked for B by name, for a crafted id, for an unknown id: the same refusal, which reveals nothing.
    const own = environmentSocket(world.dataDir, a.environmentId);
    const answers = await Promise.all(
      [`/v1/environments/${b.environmentId}/git-credential/get`, "/v1/environments/..%2F..%2Fcredentials.json/git-credential/get", `/v1/environments/${crypto.randomUUID()}/git-credential/get`, "/v1/../../runner-key.json"].map(
        (p) => curlFromA(own, p),
      ),
    );
    for (const answer of answers) {
      expect(answer.stdout).toMatch(/^error=refused: this environment's credential socket serves only this environment's own git credentials/);
      expect(answer.stdout).toBe(answers[0]!.stdout);
      expect(answer.stdout).not.toContain(b.pat);
      expect(answer.stdout).not.toContain(a.pat);
    }
    // Asking its own socket for the host both repositories are on gives A's token, never B's.
    const mine = await curlFromA(own, "/v1/git-credential/get");
    expect(mine.stdout).toContain(`password=${a.pat}`);
    expect(mine.stdout).not.toContain(b.pat);

    // The runner's files and B's: EACCES, not even a listing.
    for (const file of [path.join(world.dataDir, KEY_FILE), path.join(world.dataDir, CREDENTIALS_FILE), path.join(environmentsDir(), `${b.environmentId}.json`), path.join(environmentsDir(), `${b.environmentId}.agent-tools.json`), path.join(environmentsDir(), `${a.environmentId}.json`)]) {
      const read = await asA(["cat", file]);
      expect(read.code, file).not.toBe(0);
      expect(read.stderr, file).toContain("Permission denied");
    }
    for (const dir of [world.dataDir, environmentsDir(), path.join(environmentsDir(), b.environmentId), path.join(environmentsDir(), `${b.environmentId}.home`), path.join(world.dataDir, "sockets")]) {
      const list = await asA(["ls", dir]);
      expect(list.stderr, dir).toContain("Permission denied");
    }
    // The runner process itself.
    const pid = world.runner!.child.pid!;
    for (const file of [`/proc/${pid}/environ`, `/proc/${pid}/mem`]) {
      const read = await asA(["cat", file]);
      expect(read.code, file).not.toBe(0);
      expect(read.stderr, file).toContain("Permission denied");
    }
    // A can read its own agent-tools endpoint file, and nothing else's.
    const endpoint = await asA(["cat", path.join(environmentsDir(), `${a.environmentId}.agent-tools.json`)]);
    expect(endpoint.code, endpoint.stderr).toBe(0);
    expect(fs.statSync(path.join(environmentsDir(), `${a.environmentId}.agent-tools.json`)).mode & 0o777).toBe(0o640);

    // A's own git still works: fetch and push as A's owner.
    expect((await gitIn(world.dataDir, a.environmentId, ["fetch", "origin"])).code).toBe(0);
    expect((await asA(["sh", "-c", "echo change > CHANGE.md && git add CHANGE.md && git -c user.name=A -c user.email=a@example.test commit -qm change && git push -q origin HEAD:main"])).code).toBe(0);

    // The refusals are in the trail as security events of A's environment and owner.
    const refusals = await eventually(async () => {
      const rows = await database.db
        .select()
        .from(scmEvents)
        .where(and(eq(scmEvents.orgId, a.member.orgId), eq(scmEvents.environmentId, a.environmentId), eq(scmEvents.stage, "security")));
      return rows.length >= 4 ? rows : undefined;
    });
    for (const row of refusals) expect(row).toMatchObject({ operation: "git.credential", outcome: "refused", errorCode: "environment_access_refused", userId: a.member.userId, runnerId: world.runnerId });
    expect(JSON.stringify(refusals)).not.toContain(b.environmentId);
  });

  it("refuses crafted environment ids at the runner API without saying whether they exist", async () => {
    const token = storedAccessToken(world.dataDir);
    // Another runner of the same org, with an environment of its own.
    const [other] = await database.db.insert(runners).values({ orgId: a.member.orgId, name: `other-${Date.now()}` }).returning();
    const [foreign] = await database.db
      .insert(environments)
      .values({ orgId: a.member.orgId, ownerId: a.member.userId, runnerId: other!.id, name: "x", repoUrl: `${github.baseUrl}/${a.repoPath}`, host: github.host, repoPath: a.repoPath, status: "ready" })
      .returning();
    const ask = (id: string) => fetch(`${world.api.url}/api/runner/v1/environments/${id}/credential`, { headers: { authorization: `Bearer ${token}` } });
    const bodies: string[] = [];
    for (const id of [foreign!.id, crypto.randomUUID(), "..", "..%2F..%2Fcredentials", `${a.environmentId}%2F..`]) {
      const response = await ask(id);
      expect(response.status, id).toBe(404);
      bodies.push(await response.text());
    }
    expect(new Set(bodies).size).toBe(1);
    // Its own environment answers (the same request that the ids above could not make).
    expect((await ask(a.environmentId)).status).toBe(200);
  });

  it("ends A's git and agent access at the next request once its owner is disabled, restores it when re-enabled, and deletes it when the owner is removed", async () => {
    const endpoint = JSON.parse(fs.readFileSync(path.join(environmentsDir(), `${a.environmentId}.agent-tools.json`), "utf8")) as AgentToolsEndpoint;
    const callTool = async () => {
      const client = new Client({ name: "agent", version: "1.0.0" });
      await client.connect(new StreamableHTTPClientTransport(new URL(endpoint.url), { requestInit: { headers: { Authorization: `Bearer ${endpoint.token}` } } }));
      try {
        return (await client.callTool({ name: "list_issues", arguments: {} })) as CallToolResult;
      } finally {
        await client.close();
      }
    };
    const admin = world.admin;
    expect((await callTool()).isError).toBeFalsy();

    await setMemberDisabled({ db: database.db, actor: admin, userId: a.member.userId, disabled: true });
    const refused = await gitIn(world.dataDir, a.environmentId, ["fetch", "origin"]);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain("Environment owner disabled");
    const tool = await callTool();
    expect(tool.isError).toBe(true);
    expect(JSON.stringify(tool)).toContain("environment_owner_disabled");
    // B is untouched.
    expect((await gitIn(world.dataDir, b.environmentId, ["fetch", "origin"])).code).toBe(0);

    await setMemberDisabled({ db: database.db, actor: admin, userId: a.member.userId, disabled: false });
    expect((await gitIn(world.dataDir, a.environmentId, ["fetch", "origin"])).code).toBe(0);
    expect((await callTool()).isError).toBeFalsy();

    // Removing the owner: access ends at once, then the runner removes the clone and the OS user.
    const user = identityName(a.environmentId);
    await removeMember({ db: database.db, actor: admin, userId: a.member.userId });
    const gone = await gitIn(world.dataDir, a.environmentId, ["fetch", "origin"]).catch(() => ({ code: 1, stdout: "", stderr: "gone" }));
    expect(gone.code).not.toBe(0);
    await eventually(async () => ((await lookupIdentity(user)) === null && !fs.existsSync(path.join(environmentsDir(), a.environmentId)) ? true : undefined), 20_000, "A's clone and OS user removed");
    expect(fs.existsSync(path.join(environmentsDir(), `${a.environmentId}.json`))).toBe(false);
    expect(fs.existsSync(environmentSocket(world.dataDir, a.environmentId))).toBe(false);
    expect(fs.existsSync(path.join(environmentsDir(), `${a.environmentId}.agent-tools.json`))).toBe(false);
  });

  it("keeps every token out of the runner's output and its data directory", () => {
    canaries.expectAbsent({ runnerOutput: runnerOutput(world), dataDir: readTree(world.dataDir) });
  });
});
