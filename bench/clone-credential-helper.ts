import { spawn } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { seal } from "../lib/crypto/sealed-box";
import { createEnvironment } from "../lib/environments/create-environment";
import { completeOAuthCallback } from "../lib/git-auth/complete-oauth-callback";
import { connectWithPat } from "../lib/git-auth/connect-with-pat";
import { startOAuth } from "../lib/git-auth/start-oauth";
import { awaitJob } from "../lib/runners/jobs/await-job";
import { environmentHome, environmentSocket, readEnvironmentRecord } from "../runner/git/environment-record";
import { helperScript } from "../runner/git/install-helper";
import { credentialHelperCommand } from "../runner/git/run-git";
import { ensureIdentity, removeIdentity } from "../runner/isolation/identity";
import { startSandbox } from "../sandbox";
import { createFreshDatabase } from "./lib/database";
import { addGithubIntegration, PUBLIC_BASE_URL, startScmStack, type RunnerChild } from "./lib/scm-stack";
import { ms, round, summarize } from "./lib/stats";
import type { Bench } from "./lib/types";

/** Overridable for quick local runs; the budgets are defined for the defaults. */
const FILES = Number(process.env.BENCH_CLONE_FILES ?? 2_000);
const CLONE_ROUNDS = Number(process.env.BENCH_CLONE_ROUNDS ?? 15);
const OAUTH_SAMPLES = Number(process.env.BENCH_OAUTH_SAMPLES ?? 30);
const OAUTH_WARMUP = 3;
const LOOKUPS = 20;
/** DESIGN.md: a clone through the helper costs at most 10 % more than with the token given directly. */
const BUDGET_RATIO = 1.1;
/** DESIGN.md: OAuth callback to "connected" within 200 ms plus the provider's own time. */
const BUDGET_CONNECT_MS = 200;

/** An askpass program that answers git's prompts from the environment: the token "given directly". */
const ASKPASS = `#!/bin/sh
case "$1" in
  Username*) printf '%s\\n' "$BENCH_GIT_USERNAME" ;;
  *) printf '%s\\n' "$BENCH_GIT_TOKEN" ;;
esac
`;

/** Whom the clones run as: the environment's own OS user when the runner isolates. */
type As = { uid?: number; gid?: number; home: string };

function runGit(args: string[], env: Record<string, string>, opts: { cwd?: string; input?: string; as: As }): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const { uid, gid, home } = opts.as;
    const child = spawn("git", args, { cwd: opts.cwd, uid, gid, env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: home, GIT_TERMINAL_PROMPT: "0", LC_ALL: "C", ...env } as Record<string, string> as NodeJS.ProcessEnv, stdio: ["pipe", "ignore", "pipe"] });
    child.stdin.end(opts.input ?? "");
    let err = "";
    child.stderr.on("data", (c: Buffer) => (err += c.toString("utf8")));
    child.on("error", reject);
    child.on("exit", (code) => (code === 0 ? resolve(performance.now() - started) : reject(new Error(`git ${args.join(" ")} failed (${code}): ${err.trim().slice(-500)}`))));
  });
}

/**
 * The provider's own time in an `oauth.exchange`, as the runner saw it: from its `exchanging_code`
 * stage (the token request goes out) to the job's end (the identity answer is in; only sealing,
 * well under a millisecond, follows). Read from the runner's log, at millisecond resolution.
 */
async function providerTimeMs(runner: RunnerChild, jobId: string): Promise<number> {
  const to = await runner.waitFor((l) => l.jobId === jobId && l.event === "job.finished", `the end of job ${jobId}`, 5_000);
  const from = runner.lines.find((l) => l.jobId === jobId && l.event === "job.stage" && l.stage === "exchanging_code");
  if (!from) throw new Error(`the runner's log lacks the exchange of job ${jobId}`);
  return Date.parse(to.t) - Date.parse(from.t);
}

function countFiles(dir: string): number {
  return fs.readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile() && !e.parentPath.split(path.sep).includes(".git")).length;
}

/** How long the clone job took in all and in its OS-user stage, from the runner's log. */
function environmentCreationTimes(runner: RunnerChild, jobId: string): { totalMs: number; identityMs: number | null } {
  const lines = runner.lines.filter((l) => l.jobId === jobId);
  const at = (match: (l: (typeof lines)[number]) => boolean) => {
    const line = lines.find(match);
    return line ? Date.parse(line.t) : null;
  };
  const started = at((l) => l.event === "job.started") ?? at(() => true) ?? 0;
  const finished = at((l) => l.event === "job.finished") ?? started;
  const identity = at((l) => l.event === "job.stage" && l.stage === "identity");
  const cloning = at((l) => l.event === "job.stage" && l.stage === "cloning");
  return { totalMs: finished - started, identityMs: identity !== null && cloning !== null ? cloning - identity : null };
}

/** Creates and removes a few environment OS users, as the runner does around an environment's life. */
async function identityCost(samples = 10) {
  const create: number[] = [];
  const remove: number[] = [];
  for (let i = 0; i < samples; i++) {
    const id = crypto.randomUUID();
    let started = performance.now();
    await ensureIdentity(id, `/nonexistent/${id}`);
    create.push(performance.now() - started);
    started = performance.now();
    await removeIdentity(id);
    remove.push(performance.now() - started);
  }
  return { create: summarize(create), remove: summarize(remove) };
}

const bench: Bench = {
  name: "clone-credential-helper",
  description: `git clone of a ${FILES.toLocaleString("en")}-file repository through the runner's credential helper vs the token given directly; OAuth callback to connected`,
  async run({ root, scope, log }) {
    const sandbox = await startSandbox({ autoApprove: true, validateGithub: false });
    scope.add("stop the sandbox", () => sandbox.close());
    const fresh = await createFreshDatabase(scope, log);
    const database = await fresh.open();
    scope.add("close the database", () => database.close());
    const { admin, runnerId, publicKey, runner } = await startScmStack({ root, scope, database, log });
    const github = await addGithubIntegration({ db: database.db, admin, runnerId, publicKey, sandbox });
    const login = "bench-dev";
    await sandbox.admin.createUser({ provider: "github", login });
    await sandbox.admin.signIn("github", login);

    log(`OAuth callback → connected: ${OAUTH_WARMUP} warm-up + ${OAUTH_SAMPLES} connections`);
    const connect: number[] = [];
    const ours: number[] = [];
    for (let i = 0; i < OAUTH_WARMUP + OAUTH_SAMPLES; i++) {
      const { authorizeUrl } = await startOAuth({ db: database.db, actor: admin, integrationId: github.integrationId, publicBaseUrl: PUBLIC_BASE_URL });
      const answer = await fetch(authorizeUrl, { redirect: "manual" });
      const back = new URL(answer.headers.get("location") ?? "");
      const started = performance.now();
      const outcome = await completeOAuthCallback({ db: database.db, actor: admin, integrationId: github.integrationId, params: back.searchParams, publicBaseUrl: PUBLIC_BASE_URL });
      if (!outcome.ok) throw new Error(`the OAuth callback failed: ${outcome.code}`);
      const job = await awaitJob({ database, orgId: admin.orgId, jobId: outcome.jobId });
      const total = performance.now() - started;
      if (job.status !== "succeeded") throw new Error(`oauth.exchange ended ${job.status} (${job.errorCode})`);
      const provider = await providerTimeMs(runner, outcome.jobId);
      if (i >= OAUTH_WARMUP) {
        connect.push(total);
        ours.push(total - provider);
      }
    }

    log(`seeding a repository with ${FILES} files and connecting a PAT`);
    const repo = await sandbox.admin.createRepo({ provider: "github", path: `${login}/big`, generatedFiles: { count: FILES } });
    const pat = await sandbox.admin.issuePat({ provider: "github", login, scopes: ["repo", "read:user"] });
    const patSealed = await seal(publicKey, { purpose: "pat", runnerId, host: github.host, userId: admin.userId }, pat.value);
    await connectWithPat({ database, actor: admin, integrationId: github.integrationId, patSealed });
    const created = await createEnvironment({ db: database.db, actor: admin, runnerId, repoUrl: `${github.baseUrl}/${repo.path}`, allowLoopback: true });
    if (created.kind !== "created") throw new Error("the environment was not created");
    const envJob = await awaitJob({ database, orgId: admin.orgId, jobId: created.jobId });
    if (envJob.status !== "succeeded") throw new Error(`the environment's clone ended ${envJob.status} (${envJob.errorCode})`);
    const creation = environmentCreationTimes(runner, created.jobId);

    // Both variants run as the environment does: as its OS user on an isolating runner.
    const record = await readEnvironmentRecord(runner.dataDir, created.environmentId);
    if (!record) throw new Error("the runner has no record of the environment");
    const isolated = typeof record.uid === "number" && typeof record.gid === "number";
    const as: As = { home: environmentHome(runner.dataDir, created.environmentId), ...(isolated ? { uid: record.uid!, gid: record.gid! } : {}) };
    const work = fs.mkdtempSync(path.join(os.tmpdir(), "scm-bench-clones-"));
    scope.add(`remove ${work}`, () => fs.rmSync(work, { recursive: true, force: true }));
    if (isolated) fs.chownSync(work, record.uid!, record.gid!);
    const askpass = path.join(work, "askpass.sh");
    fs.writeFileSync(askpass, ASKPASS, { mode: 0o755 });
    const url = `${github.baseUrl}/${repo.path}`;
    const helper = credentialHelperCommand({ helperScript: helperScript(runner.dataDir), socketPath: environmentSocket(runner.dataDir, created.environmentId) });
    const variants = {
      helper: (target: string) => runGit(["-c", "credential.helper=", "-c", `credential.helper=${helper}`, "clone", "-q", url, target], { GIT_ASKPASS: "" }, { cwd: work, as }),
      direct: (target: string) => runGit(["-c", "credential.helper=", "clone", "-q", url, target], { GIT_ASKPASS: askpass, BENCH_GIT_USERNAME: "x-access-token", BENCH_GIT_TOKEN: pat.value }, { cwd: work, as }),
    };
    const times: Record<keyof typeof variants, number[]> = { helper: [], direct: [] };
    log(`cloning ${CLONE_ROUNDS} rounds + 1 warm-up, alternating which variant goes first`);
    for (let round = 0; round <= CLONE_ROUNDS; round++) {
      const order: Array<keyof typeof variants> = round % 2 === 0 ? ["helper", "direct"] : ["direct", "helper"];
      for (const variant of order) {
        const target = path.join(work, `${variant}-${round}`);
        const took = await variants[variant](target);
        if (round === 0 && countFiles(target) < FILES) throw new Error(`the ${variant} clone has ${countFiles(target)} files, expected ${FILES}`);
        fs.rmSync(target, { recursive: true, force: true });
        if (round > 0) times[variant].push(took);
      }
    }

    // The credential lookup alone, as git does it at the start of a clone: far less noisy than
    // whole clones on a busy machine, and exactly what the helper adds.
    const envDir = path.join(runner.dataDir, "environments", created.environmentId);
    const describe = `protocol=http\nhost=${github.host}\n\n`;
    const lookups: Record<keyof typeof variants, number[]> = { helper: [], direct: [] };
    for (let i = 0; i < LOOKUPS; i++) {
      lookups.helper.push(await runGit(["credential", "fill"], { GIT_ASKPASS: "" }, { cwd: envDir, input: describe, as }));
      lookups.direct.push(await runGit(["-c", "credential.helper=", "credential", "fill"], { GIT_ASKPASS: askpass, BENCH_GIT_USERNAME: "x-access-token", BENCH_GIT_TOKEN: pat.value }, { cwd: work, input: describe, as }));
    }
    // What an OS user per environment costs: creating and removing one (useradd, userdel).
    const identity = isolated ? await identityCost() : null;
    const lh = summarize(lookups.helper);
    const ld = summarize(lookups.direct);

    const h = summarize(times.helper);
    const d = summarize(times.direct);
    const ratio = h.median / d.median;
    const c = summarize(connect);
    const o = summarize(ours);
    return {
      title: `clone-credential-helper · ${FILES.toLocaleString("en")} files · ${fresh.engine}`,
      rows: [
        ["database", fresh.label],
        ["clone via credential helper", `median ${ms(h.median)} · min ${ms(h.min)} · max ${ms(h.max)} · n=${h.n}`],
        ["clone with token given directly", `median ${ms(d.median)} · min ${ms(d.min)} · max ${ms(d.max)} · n=${d.n}`],
        ["ratio (helper / direct, medians)", ratio.toFixed(3)],
        ["credential lookup (git credential fill)", `helper median ${ms(lh.median)} · askpass median ${ms(ld.median)} · n=${lh.n}`],
        ["isolation", isolated ? `an OS user per environment (${record.osUser}); clones above run as it` : "not isolated (the runner is not root): clones run as the runner's user"],
        ["environment creation (clone job)", `${ms(creation.totalMs)} in all · OS user ${creation.identityMs === null ? "n/a" : ms(creation.identityMs)}`],
        ...(identity ? ([["isolation adds (useradd / userdel)", `create median ${ms(identity.create.median)} · remove median ${ms(identity.remove.median)} · n=${identity.create.n}`]] as [string, string][]) : []),
        ["OAuth callback → connected", `median ${ms(c.median)} · p95 ${ms(c.p95)} · n=${c.n}`],
        ["  of which not the provider's time", `median ${ms(o.median)} · p95 ${ms(o.p95)}`],
      ],
      notes: [
        `helper runs (ms): ${times.helper.map((t) => Math.round(t)).join(", ")}`,
        `direct runs (ms): ${times.direct.map((t) => Math.round(t)).join(", ")}`,
      ],
      budgets: [
        { label: `clone ratio <= ${BUDGET_RATIO}`, op: "<=", metric: "clone_ratio", value: round(ratio, 3), limit: BUDGET_RATIO },
        { label: `callback → connected, minus provider time, median < ${BUDGET_CONNECT_MS} ms`, op: "<", metric: "connect_own_median_ms", value: round(o.median), limit: BUDGET_CONNECT_MS },
      ],
      figures: {
        files: FILES,
        engine: fresh.engine,
        clone_helper_median_ms: round(h.median),
        clone_direct_median_ms: round(d.median),
        clone_ratio: round(ratio, 3),
        lookup_helper_median_ms: round(lh.median),
        lookup_askpass_median_ms: round(ld.median),
        isolated: isolated ? 1 : 0,
        environment_create_ms: round(creation.totalMs),
        ...(identity ? { identity_create_median_ms: round(identity.create.median), identity_remove_median_ms: round(identity.remove.median) } : {}),
        connect_median_ms: round(c.median),
        connect_p95_ms: round(c.p95),
        connect_own_median_ms: round(o.median),
      },
    };
  },
};

export default bench;
