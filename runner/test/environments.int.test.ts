import fs from "node:fs";
import path from "node:path";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { Database } from "@/db/client";
import { hostAuthTokens } from "@/db/schema";
import { seal } from "@/lib/crypto/sealed-box";
import { connectWithPat } from "@/lib/git-auth/connect-with-pat";
import { createEnvironment } from "@/lib/environments/create-environment";
import { listEnvironments } from "@/lib/environments/list-environments";
import { awaitJob, type JobView } from "@/lib/runners/jobs/await-job";
import type { Actor } from "@/lib/users/actor";
import type { Sandbox } from "@/sandbox";
import { testEngines } from "@/tests/helpers/test-database";
import { dumpDatabase } from "./support/fixtures";
import { bareRepoWithReflog, gitIn, inEnvironment, lastPusher, readTree } from "./support/git";
import { addIntegration, Canaries, connectOAuth, createWorld, memberWithAccount, openStored, runnerOutput, storedCredential, type SandboxIntegration, type World } from "./support/scm-world";
import { sandboxForFile } from "./support/file-sandbox";

vi.setConfig({ testTimeout: 60_000 });

/** Short, so a clone slowed down at the sandbox outlives it several times over unless the runner renews it. */
const LEASE_SECONDS = 6;

let sandbox: Sandbox;
const canaries = new Canaries();

sandboxForFile({ autoApprove: true, validateGithub: false }, (started) => (sandbox = started));

describe.each(testEngines())("Environments cloned by a runner process with the owner's credentials on $name", (engine) => {
  let database: Database;
  let world: World;
  let github: SandboxIntegration;
  let gitlab: SandboxIntegration;

  beforeAll(async () => {
    database = await engine.open();
    world = await createWorld({ database, sandbox, leaseSeconds: LEASE_SECONDS });
    github = await addIntegration(world, sandbox, canaries, "github", { oauth: false, pat: true });
    gitlab = await addIntegration(world, sandbox, canaries, "gitlab", { oauth: true, pat: false });
    await world.startRunner();
  });

  afterAll(async () => {
    await world?.close();
    await database?.close();
  });

  /** Creates an environment through the plane and waits for the runner's clone job. */
  async function create(actor: Actor, repoUrl: string): Promise<{ environmentId: string; job: JobView; dir: string }> {
    const outcome = await createEnvironment({ db: database.db, actor, runnerId: world.runnerId, repoUrl, allowLoopback: true });
    if (outcome.kind !== "created") throw new Error(`expected an environment, got ${outcome.kind}`);
    const job = await awaitJob({ database, orgId: actor.orgId, jobId: outcome.jobId });
    return { environmentId: outcome.environmentId, job, dir: path.join(world.dataDir, "environments", outcome.environmentId) };
  }

  /** A GitHub account connected by PAT, with a private repository of someone else it may write to. */
  async function githubOwner() {
    const { member, login } = await memberWithAccount(world, sandbox, "github");
    const pat = await sandbox.admin.issuePat({ provider: "github", login, scopes: ["repo", "read:user"] });
    canaries.add(pat.value);
    const patSealed = await seal(world.publicKey, { purpose: "pat", runnerId: world.runnerId, host: github.host, userId: member.userId }, pat.value);
    await connectWithPat({ database, actor: member, integrationId: github.integrationId, patSealed });
    const { login: team } = await memberWithAccount(world, sandbox, "github");
    const repo = await sandbox.admin.createRepo({ provider: "github", path: `${team}/app`, files: { "README.md": "# app\n" }, collaborators: [{ login, permission: "write" }] });
    return { member, login, pat: pat.value, repo };
  }

  it("clones as the owner through the credential helper, with no token on disk, and pushes a commit as the owner", async () => {
    const { member, login, pat, repo } = await githubOwner();
    const { environmentId, job, dir } = await create(member, `${github.baseUrl}/${repo.path}`);
    expect(job).toMatchObject({ status: "succeeded", attempts: 1, result: { branch: "main", headSha: repo.headSha } });
    const [listed] = await listEnvironments({ db: database.db, actor: member });
    expect(listed).toMatchObject({ id: environmentId, status: "ready", branch: "main" });
    const stages = world.runner!.logs().filter((l) => l.event === "job.stage" && l.jobId === job.id).map((l) => String(l.stage));
    // As root the runner first makes the environment's OS user.
    expect(stages.slice(0, 3)).toEqual(process.getuid?.() === 0 ? ["credentials", "identity", "cloning"] : ["credentials", "cloning"]);

    const config = fs.readFileSync(path.join(dir, ".git", "config"), "utf8");
    expect(config).toContain(path.join(world.dataDir, "bin", "git-credential-scm.sh"));
    const inEnv = (args: string[]) => gitIn(world.dataDir, environmentId, args);
    expect((await inEnv(["config", "--get", "scm.environmentId"])).stdout.trim()).toBe(environmentId);
    expect((await inEnv(["remote", "get-url", "origin"])).stdout.trim()).toBe(`${github.baseUrl}/${repo.path}`);
    expect(readTree(dir)).not.toContain(pat);
    expect(readTree(world.dataDir)).not.toContain(pat);

    // Later git work in the environment, as a person or an agent would do it: no credentials given.
    const bare = await bareRepoWithReflog(sandbox, repo);
    expect((await inEnvironment(world.dataDir, environmentId, ["sh", "-c", "echo 'changed in the environment' > CHANGE.md"])).code).toBe(0);
    expect((await inEnv(["add", "CHANGE.md"])).code).toBe(0);
    expect((await inEnv(["-c", "user.name=Dev", "-c", "user.email=dev@example.test", "commit", "-m", "Change from the environment"])).code).toBe(0);
    const push = await inEnv(["push", "origin", "HEAD:main"]);
    expect(push.code, push.stderr).toBe(0);
    expect(await lastPusher(bare, "main")).toBe(login);
    expect((await inEnv(["fetch", "origin"])).code).toBe(0);
    expect(readTree(dir)).not.toContain(pat);
  });

  it("keeps the clone's job through a clone that outlasts the lease, by renewing it with progress", async () => {
    const { member, repo } = await githubOwner();
    // Each git request waits 2.5 s: the clone takes well over the 6-second lease.
    const fault = await sandbox.admin.addFault({ provider: "github", host: "web", pathRegex: "/(info/refs|git-upload-pack)$", kind: "latency", latencyMs: 2_500 });
    try {
      const started = Date.now();
      const { job } = await create(member, `${github.baseUrl}/${repo.path}`);
      expect(Date.now() - started).toBeGreaterThan(LEASE_SECONDS * 1000);
      expect(job).toMatchObject({ status: "succeeded", attempts: 1 });
    } finally {
      await sandbox.admin.removeFault(fault.id);
    }
  });

  it("fails with repository_not_found for a repository the owner cannot see, and leaves nothing behind", async () => {
    const { member } = await githubOwner();
    const { job, dir } = await create(member, `${github.baseUrl}/someone-else/secret-${Date.now()}`);
    expect(job).toMatchObject({ status: "failed", errorCode: "repository_not_found", attempts: 1 });
    expect(fs.existsSync(dir)).toBe(false);
  });

  it("refreshes an expiring GitLab OAuth credential once for simultaneous clones, saving the rotated token (generation + 1)", async () => {
    const { member, login } = await memberWithAccount(world, sandbox, "gitlab");
    await connectOAuth(world, sandbox, gitlab, member, login);
    const repos = await Promise.all([1, 2, 3, 4].map((i) => sandbox.admin.createRepo({ provider: "gitlab", path: `${login}/repo-${i}`, files: { "README.md": `# ${i}\n` } })));
    const before = await storedCredential(world, member.userId, gitlab.host);
    const old = await openStored(world, before!);
    canaries.add(old.accessToken);
    // The plane's record says it expires in a minute: inside the runner's refresh window.
    await database.db.update(hostAuthTokens).set({ expiresAt: new Date(Date.now() + 60_000) }).where(eq(hostAuthTokens.id, before!.id));
    const refreshes = sandbox.admin.tokenEndpointCounters().gitlab.refresh_token;

    const created = await Promise.all(repos.map((repo) => create(member, `${gitlab.baseUrl}/${repo.path}`)));
    for (const { job } of created) expect(job).toMatchObject({ status: "succeeded", attempts: 1 });
    expect(sandbox.admin.tokenEndpointCounters().gitlab.refresh_token - refreshes).toBe(1);
    const after = await storedCredential(world, member.userId, gitlab.host);
    expect(after).toMatchObject({ generation: before!.generation + 1, needsReauthReason: null });
    expect(after!.expiresAt!.getTime()).toBeGreaterThan(Date.now() + 60 * 60_000);
    const rotated = await openStored(world, after!);
    canaries.add(rotated.accessToken);
    canaries.add(rotated.refreshToken!);
    expect(rotated.accessToken).not.toBe(old.accessToken);
    for (const { dir } of created) expect(readTree(dir)).not.toContain(rotated.accessToken);
  });

  it("marks the credential as needing re-authentication when the provider refuses the refresh, and the clone fails with credential_needs_reauth", async () => {
    const { member, login } = await memberWithAccount(world, sandbox, "gitlab");
    await connectOAuth(world, sandbox, gitlab, member, login);
    const repo = await sandbox.admin.createRepo({ provider: "gitlab", path: `${login}/app`, files: { "README.md": "# app\n" } });
    const row = await storedCredential(world, member.userId, gitlab.host);
    const tokens = await openStored(world, row!);
    canaries.add(tokens.accessToken);
    await sandbox.admin.revokeToken({ value: tokens.refreshToken!, grant: true });
    await database.db.update(hostAuthTokens).set({ expiresAt: new Date(Date.now() + 60_000) }).where(eq(hostAuthTokens.id, row!.id));

    const { job } = await create(member, `${gitlab.baseUrl}/${repo.path}`);
    expect(job).toMatchObject({ status: "failed", errorCode: "credential_needs_reauth", attempts: 1 });
    expect(await storedCredential(world, member.userId, gitlab.host)).toMatchObject({ needsReauthReason: "refresh_failed", generation: row!.generation });
  });

  it("keeps every token out of the database, the runner API's responses, the runner's output and its data directory", async () => {
    expect(canaries.values.length).toBeGreaterThanOrEqual(8);
    canaries.expectAbsent({
      database: await dumpDatabase(database.db),
      apiResponses: world.proxy.responses.join("\n"),
      runnerOutput: runnerOutput(world),
      dataDir: readTree(world.dataDir),
    });
  });
});
