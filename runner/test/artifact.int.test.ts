import { spawnSync } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { Database } from "@/db/client";
import { createEnvironment } from "@/lib/environments/create-environment";
import { seal } from "@/lib/crypto/sealed-box";
import { connectWithPat } from "@/lib/git-auth/connect-with-pat";
import { awaitJob } from "@/lib/runners/jobs/await-job";
import { enqueueJob } from "@/lib/runners/jobs/enqueue-job";
import type { IntegrationTestResult } from "@/lib/runners/protocol";
import type { Sandbox } from "@/sandbox";
import { testEngines } from "@/tests/helpers/test-database";
import { sandboxForFile } from "./support/file-sandbox";
import { integrationTestPayload } from "./support/fixtures";
import { bareRepoWithReflog, lastPusher } from "./support/git";
import { runRunner, useRunnerArtifact } from "./support/runner-process";
import { addIntegration, Canaries, createWorld, memberWithAccount, type SandboxIntegration, type World } from "./support/scm-world";

vi.setConfig({ testTimeout: 60_000, hookTimeout: 120_000 });

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const { version } = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")) as { version: string };

let sandbox: Sandbox;
const canaries = new Canaries();
/** Outside the repository: nothing of the checkout (its node_modules, tsx, sources) is in reach. */
const installRoot = fs.mkdtempSync(path.join(os.tmpdir(), "scm-runner-artifact-"));
const installDir = path.join(installRoot, "opt", "scm-runner");
const bundle = path.join(installDir, "scm-runner.mjs");

sandboxForFile({ autoApprove: true, validateGithub: false }, (started) => (sandbox = started));

beforeAll(() => {
  // Built as `npm run build` builds it, then installed the way Settings > Runners says: the archive
  // unpacked into a directory of its own.
  const out = path.join(installRoot, "build");
  const build = spawnSync(process.execPath, [path.join(ROOT, "scripts", "build-runner.mjs"), "--out", out], { encoding: "utf8" });
  expect(build.status, build.stderr).toBe(0);
  fs.mkdirSync(installDir, { recursive: true });
  fs.chmodSync(installRoot, 0o755);
  const untar = spawnSync("tar", ["-xzf", path.join(out, `scm-runner-${version}.tgz`), "-C", installDir, "--strip-components=1"], { encoding: "utf8" });
  expect(untar.status, untar.stderr).toBe(0);
  useRunnerArtifact(bundle, installRoot);
});

afterAll(() => {
  fs.rmSync(installRoot, { recursive: true, force: true });
});

describe("the runner artifact, installed outside the repository", () => {
  it("is one bundle, its credential helper, a systemd unit and a package.json with a bin, nothing else", () => {
    expect(fs.readdirSync(installDir).sort()).toEqual(["README.md", "credential-helper.mjs", "credential-helper.sh", "package.json", "scm-runner.mjs", "scm-runner.mjs.LEGAL.txt", "scm-runner.service"]);
    expect(JSON.parse(fs.readFileSync(path.join(installDir, "package.json"), "utf8"))).toMatchObject({ name: "scm-runner", version, bin: { "scm-runner": "scm-runner.mjs" } });
    // No import of anything outside node's own modules survives bundling.
    const imports = [...fs.readFileSync(bundle, "utf8").matchAll(/^import .* from ["']([^"']+)["'];?$/gm)].map((m) => m[1]);
    expect(imports.filter((name) => !name!.startsWith("node:"))).toEqual([]);
  });

  it("prints its version, and its help names the installed command", async () => {
    expect(await runRunner(["version"])).toMatchObject({ code: 0, stdout: `${version}\n` });
    const help = await runRunner(["--help"]);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain("scm-runner register --url URL --token TOKEN");
    expect(help.stdout).not.toMatch(/npm run (-s )?(runner|agent-tools)/);
  });

  it("says it is not registered, and how to register, with exit code 2", async () => {
    const status = await runRunner(["status", "--data-dir", path.join(installRoot, "nowhere")]);
    expect(status.code).toBe(2);
    expect(status.stdout).toContain("Registration:     none. Register it: scm-runner register --url URL --token TOKEN --data-dir");
  });
});

describe.each(testEngines())("the runner artifact with plain node against a plane on $name", (engine) => {
  let database: Database;
  let world: World;
  let github: SandboxIntegration;

  beforeAll(async () => {
    database = await engine.open();
    // Registered through the artifact's `register`, started with its `start`.
    world = await createWorld({ database, sandbox });
    github = await addIntegration(world, sandbox, canaries, "github", { oauth: true, pat: true });
    await world.startRunner();
  });

  afterAll(async () => {
    await world?.close();
    await database?.close();
  });

  it("reports its status: registered, running, accepted by the plane with the same version", async () => {
    const status = await runRunner(["status", "--data-dir", world.dataDir]);
    expect(status.code, status.stdout + status.stderr).toBe(0);
    expect(status.stdout).toContain(`Runner version:   ${version}`);
    expect(status.stdout).toMatch(new RegExp(`Registration: +"runner-[0-9a-f]+" \\(${world.runnerId}\\)`));
    expect(status.stdout).toMatch(/Process: +running \(pid \d+\)/);
    expect(status.stdout).toContain(`Management plane: accepts this runner (plane version ${version})`);
    expect(world.runner!.logs().find((l) => l.event === "runner.connected")).toMatchObject({ version, planeVersion: version });
  });

  it("passes Save & Test against the sandbox", async () => {
    const app = github.app!;
    const payload = await integrationTestPayload({ runnerId: world.runnerId, publicKey: world.publicKey, provider: "github", url: sandbox.urls.github.web, oauth: { clientId: app.clientId, clientSecret: app.clientSecret } });
    const { job } = await enqueueJob(database.db, {
      orgId: world.admin.orgId,
      runnerId: world.runnerId,
      kind: "integration.test",
      payload,
      idempotencyKey: crypto.randomUUID(),
      deadlineAt: new Date(Date.now() + 15_000),
      maxAttempts: 1,
    });
    const done = await awaitJob({ database, orgId: world.admin.orgId, jobId: job.id });
    expect(done).toMatchObject({ status: "succeeded" });
    expect((done.result as IntegrationTestResult).checks.map((c) => [c.id, c.ok])).toEqual([
      ["reachable", true],
      ["api", true],
      ["oauth_client", true],
    ]);
  });

  it("clones an environment with the owner's credentials and pushes from it through its exec command", async () => {
    const { member, login } = await memberWithAccount(world, sandbox, "github");
    const pat = await sandbox.admin.issuePat({ provider: "github", login, scopes: ["repo", "read:user"] });
    canaries.add(pat.value);
    const patSealed = await seal(world.publicKey, { purpose: "pat", runnerId: world.runnerId, host: github.host, userId: member.userId }, pat.value);
    await connectWithPat({ database, actor: member, integrationId: github.integrationId, patSealed });
    const repo = await sandbox.admin.createRepo({ provider: "github", path: `${login}/artifact-app`, files: { "README.md": "# app\n" } });

    const outcome = await createEnvironment({ db: database.db, actor: member, runnerId: world.runnerId, repoUrl: `${github.baseUrl}/${repo.path}`, allowLoopback: true });
    if (outcome.kind !== "created") throw new Error(`expected an environment, got ${outcome.kind}`);
    const job = await awaitJob({ database, orgId: member.orgId, jobId: outcome.jobId });
    expect(job).toMatchObject({ status: "succeeded", result: { branch: "main", headSha: repo.headSha } });

    const dir = path.join(world.dataDir, "environments", outcome.environmentId);
    // The clone names the helper in the data directory, not anything of the artifact's install path.
    const config = fs.readFileSync(path.join(dir, ".git", "config"), "utf8");
    expect(config).toContain(path.join(world.dataDir, "bin", "git-credential-scm.sh"));
    expect(config).not.toContain(installDir);

    const bare = await bareRepoWithReflog(sandbox, repo);
    const exec = (command: string[]) => runRunner(["exec", "--data-dir", world.dataDir, "--environment", outcome.environmentId, "--", ...command]);
    expect((await exec(["git", "-c", "user.name=Ada", "-c", "user.email=ada@example.com", "commit", "--allow-empty", "-m", "from the artifact"])).code).toBe(0);
    const push = await exec(["git", "push", "origin", "HEAD:refs/heads/from-artifact"]);
    expect(push.code, push.stderr).toBe(0);
    expect(await lastPusher(bare, "from-artifact")).toBe(login);
    for (const secret of canaries.values) expect(push.stdout + push.stderr + config).not.toContain(secret);

    // Upgraded in place: the new artifact unpacked elsewhere, the old one gone, the runner restarted
    // from it. The clone made by the old one keeps fetching and pushing.
    await world.stopRunner();
    const upgraded = path.join(installRoot, "opt", "scm-runner-next");
    fs.cpSync(installDir, upgraded, { recursive: true });
    fs.renameSync(installDir, `${installDir}.removed`);
    useRunnerArtifact(path.join(upgraded, "scm-runner.mjs"), installRoot);
    try {
      await world.startRunner();
      expect((await exec(["git", "fetch", "origin"])).code).toBe(0);
      const again = await exec(["git", "push", "origin", "HEAD:refs/heads/after-upgrade"]);
      expect(again.code, again.stderr).toBe(0);
      expect(await lastPusher(bare, "after-upgrade")).toBe(login);
    } finally {
      fs.renameSync(`${installDir}.removed`, installDir);
      useRunnerArtifact(bundle, installRoot);
    }
  });
});
