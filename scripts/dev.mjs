#!/usr/bin/env node
// `npm run dev`: the embedded default. Migrates the database, then starts `next dev` and, next to
// it, a local runner that registers itself through the app once first-run setup has created the
// organization. The two share a bootstrap secret generated for this start only, so nothing else
// can use the app's local-bootstrap endpoint. The runner's output is prefixed with "[runner]";
// Ctrl-C stops both; when the app exits, the runner is stopped and this script exits with the app.
import { spawn, spawnSync } from "node:child_process";
import crypto from "node:crypto";
import { createRequire } from "node:module";
import path from "node:path";
import readline from "node:readline";

const require = createRequire(import.meta.url);
const port = process.env.PORT || "3000";
const env = { ...process.env, PORT: port };
// The app's own links and OAuth callbacks must name the port it really listens on.
if (!env.PUBLIC_BASE_URL && port !== "3000") env.PUBLIC_BASE_URL = `http://localhost:${port}`;
const publicHost = env.PUBLIC_BASE_URL ? new URL(env.PUBLIC_BASE_URL).hostname : "localhost";
// The app refuses a bootstrap secret unless it is served on loopback (see lib/env.ts).
const embedded = ["localhost", "127.0.0.1", "[::1]"].includes(publicHost);
const runnerDataDir = path.join(env.DATA_DIR || ".data", "local-runner");

const migrate = spawnSync(process.execPath, ["--import", "tsx", "db/migrate-cli.ts"], { stdio: "inherit", env });
if (migrate.status !== 0) process.exit(migrate.status ?? 1);

const secret = crypto.randomBytes(32).toString("base64url");
const app = spawn(process.execPath, [require.resolve("next/dist/bin/next"), "dev", "-p", port], {
  stdio: "inherit",
  env: embedded ? { ...env, LOCAL_RUNNER_BOOTSTRAP_SECRET: secret } : env,
});

let stopping = false;
let runner = null;
let restartDelayMs = 1_000;

function prefix(stream, target) {
  readline.createInterface({ input: stream }).on("line", (line) => target.write(`[runner] ${line}\n`));
}

function startRunner() {
  const startedAt = Date.now();
  runner = spawn(process.execPath, ["--import", "tsx", "runner/cli.ts", "start", "--embedded", "--data-dir", runnerDataDir], {
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...env, RUNNER_PLANE_URL: `http://localhost:${port}`, LOCAL_RUNNER_BOOTSTRAP_SECRET: secret },
  });
  prefix(runner.stdout, process.stdout);
  prefix(runner.stderr, process.stderr);
  runner.on("exit", (code, signal) => {
    runner = null;
    if (stopping) return;
    // A crash should not leave the app without its runner, nor restart in a tight loop.
    if (Date.now() - startedAt > 60_000) restartDelayMs = 1_000;
    process.stderr.write(`[runner] exited (${signal ?? `code ${code}`}); restarting in ${Math.round(restartDelayMs / 1000)} s\n`);
    setTimeout(() => !stopping && startRunner(), restartDelayMs).unref();
    restartDelayMs = Math.min(restartDelayMs * 2, 30_000);
  });
}

if (embedded) startRunner();
else console.log(`PUBLIC_BASE_URL is not a loopback address: no embedded runner (register runners with "npm run runner -- register").`);

function stopRunner() {
  return new Promise((resolve) => {
    if (!runner) return resolve();
    const child = runner;
    const timer = setTimeout(() => child.kill("SIGKILL"), 8_000);
    child.once("exit", () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill("SIGTERM");
  });
}

function shutDown(signal) {
  stopping = true;
  app.kill(signal);
  runner?.kill(signal);
}

for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => shutDown(signal));

// `npm run dev` stopped by a signal to npm alone (a supervisor, `timeout`) does not always reach
// this process: when whoever started it is gone, stop the app and the runner too, not orphan them.
const parent = process.ppid;
setInterval(() => {
  if (!stopping && process.ppid !== parent) shutDown("SIGTERM");
}, 1_000).unref();

app.on("exit", async (code, signal) => {
  stopping = true;
  await stopRunner();
  process.exit(code ?? (signal === "SIGINT" || signal === "SIGTERM" ? 0 : 1));
});
