import { spawn, type ChildProcess } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Database } from "../../db/client";
import { listEnvironmentIds } from "../../runner/git/environment-record";
import { removeIdentity } from "../../runner/isolation/identity";
import { seal } from "../../lib/crypto/sealed-box";
import { oauthCallbackUrl } from "../../lib/integrations/callback-url";
import { createIntegration } from "../../lib/integrations/create-integration";
import { completeSetup } from "../../lib/orgs/complete-setup";
import { createRunner } from "../../lib/runners/create-runner";
import type { Actor } from "../../lib/users/actor";
import type { OAuthAppDto, Sandbox } from "../../sandbox";
import { startRunnerApiServer } from "../../tests/helpers/runner-api-server";
import type { Scope } from "./scope";

/** The app's public URL (only the OAuth callback URL is built from it; nothing listens there). */
export const PUBLIC_BASE_URL = "http://localhost:3000";

/** One JSON log line of the runner. */
export type RunnerLogLine = { t: string; event: string; jobId?: string; stage?: string };

/** A runner process (`runner/cli.ts start`) with its JSON log lines. */
export type RunnerChild = {
  child: ChildProcess;
  dataDir: string;
  /** Every log line so far. */
  lines: RunnerLogLine[];
  /** Resolves with the first log line (past or future) that matches. */
  waitFor: (match: (line: RunnerLogLine) => boolean, what: string, timeoutMs?: number) => Promise<RunnerLogLine>;
};

/**
 * The plane side of the SCM flows without a Next.js build: the runner API served in process (the
 * same handler as the app's route) on `database`, an organization with its admin, and a runner
 * registered and started through the real CLI. Everything stops when `scope` closes.
 */
export async function startScmStack(opts: { root: string; scope: Scope; database: Database; log: (m: string) => void }): Promise<{ admin: Actor; runnerId: string; publicKey: string; runner: RunnerChild }> {
  const { db } = opts.database;
  const api = await startRunnerApiServer(opts.database);
  opts.scope.add("stop the runner API", () => api.close());
  const password = crypto.randomBytes(18).toString("base64url");
  const setup = await completeSetup({ db, orgName: "Bench Org", name: "Bench Admin", email: "admin@bench.example", password });
  const admin: Actor = { userId: setup.userId, orgId: setup.orgId, role: "admin", email: "admin@bench.example", name: "Bench Admin", orgName: "Bench Org" };
  const { runnerId, registrationToken } = await createRunner({ db, actor: admin, name: "bench-runner" });

  const home = fs.mkdtempSync(path.join(os.tmpdir(), "scm-bench-runner-"));
  // Passable by environments' OS users, so a runner started as root isolates (as in production).
  fs.chmodSync(home, 0o711);
  opts.scope.add(`remove ${home}`, () => fs.rmSync(home, { recursive: true, force: true }));
  const dataDir = path.join(home, "data");
  opts.scope.add("remove the environments' OS users", async () => {
    for (const environmentId of await listEnvironmentIds(dataDir)) await removeIdentity(environmentId);
  });
  await runCli(opts.root, ["register", "--url", api.url, "--token", registrationToken, "--data-dir", dataDir]);
  const runner = startRunnerChild(opts.root, dataDir, opts.scope);
  await runner.waitFor((l) => l.event === "runner.connected", "runner.connected");
  opts.log(`runner ${runnerId} registered and connected`);
  const key = JSON.parse(fs.readFileSync(path.join(dataDir, "runner-key.json"), "utf8")) as { publicKey: string };
  return { admin, runnerId, publicKey: key.publicKey, runner };
}

function runCli(root: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", path.join(root, "runner", "cli.ts"), ...args], { cwd: root, stdio: ["ignore", "ignore", "pipe"] });
    let err = "";
    child.stderr.on("data", (c: Buffer) => (err += c.toString("utf8")));
    child.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`runner ${args[0]} failed (${code}): ${err.trim()}`))));
  });
}

function startRunnerChild(root: string, dataDir: string, scope: Scope): RunnerChild {
  const child = spawn(process.execPath, ["--import", "tsx", path.join(root, "runner", "cli.ts"), "start", "--data-dir", dataDir], {
    cwd: root,
    env: { ...process.env, LOG_LEVEL: "info", SCM_ALLOW_LOOPBACK_HOSTS: "1" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  scope.add("stop the runner", () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    return new Promise<void>((resolve) => {
      const timer = setTimeout(() => child.kill("SIGKILL"), 8_000);
      child.once("exit", () => {
        clearTimeout(timer);
        resolve();
      });
      child.kill("SIGTERM");
    });
  });
  const lines: RunnerLogLine[] = [];
  const waiters: Array<() => void> = [];
  let buffered = "";
  child.stdout!.on("data", (chunk: Buffer) => {
    buffered += chunk.toString("utf8");
    const complete = buffered.split("\n");
    buffered = complete.pop() ?? "";
    for (const line of complete) {
      try {
        const parsed = JSON.parse(line) as RunnerLogLine;
        if (typeof parsed.event === "string") lines.push(parsed);
      } catch {
        // not a log line
      }
    }
    for (const w of waiters.splice(0)) w();
  });
  child.stderr!.resume();
  const waitFor = (match: (line: RunnerLogLine) => boolean, what: string, timeoutMs = 60_000) =>
    new Promise<RunnerLogLine>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the runner did not log ${what} within ${timeoutMs / 1000} s`)), timeoutMs);
      const check = () => {
        const found = lines.find(match);
        if (found) {
          clearTimeout(timer);
          resolve(found);
        } else if (child.exitCode !== null) {
          clearTimeout(timer);
          reject(new Error(`the runner exited (${child.exitCode}) before logging ${what}`));
        } else waiters.push(check);
      };
      check();
    });
  return { child, dataDir, lines, waitFor };
}

/**
 * A GitHub integration on the runner for the sandbox's GitHub (the Enterprise Server layout),
 * OAuth and PAT, created the way Settings > Runners does, with the client secret sealed to the runner.
 */
export async function addGithubIntegration(opts: { db: Database["db"]; admin: Actor; runnerId: string; publicKey: string; sandbox: Sandbox }): Promise<{ integrationId: string; host: string; baseUrl: string; app: OAuthAppDto }> {
  const integrationId = crypto.randomUUID();
  const baseUrl = opts.sandbox.urls.github.web;
  const host = new URL(baseUrl).host;
  const app = await opts.sandbox.admin.registerOAuthApp({ provider: "github", callbackUrls: [oauthCallbackUrl(PUBLIC_BASE_URL, integrationId)] });
  await createIntegration({
    db: opts.db,
    actor: opts.admin,
    allowLoopback: true,
    input: {
      runnerId: opts.runnerId,
      integrationId,
      provider: "github",
      deployment: "self_hosted",
      host: baseUrl,
      oauthEnabled: true,
      oauthClientId: app.clientId,
      oauthClientSecretSealed: await seal(opts.publicKey, { purpose: "oauth_client_secret", runnerId: opts.runnerId, host }, app.clientSecret),
      oauthSecretHost: host,
      oauthScopes: null,
      patEnabled: true,
      allowPrivateHosts: false,
      patScopes: null,
      issuerUrl: null,
      virtualDirectory: null,
      test: false,
    },
  });
  return { integrationId, host, baseUrl, app };
}
