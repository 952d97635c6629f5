// The embedded default, shared by `npm start` (the production build) and `npm run dev` (the
// development server): the app, and next to it a local runner that registers itself through the
// app once first-run setup has created the organization. The two share a bootstrap secret made
// for this start only, so nothing else can use the app's local-bootstrap endpoint. The console says
// where to go and what the runner does, in plain words; Ctrl-C stops both; a crashed runner is
// restarted with backoff; when the app exits, the runner is stopped and this exits with the app.
import { spawn } from "node:child_process";
import crypto from "node:crypto";
import path from "node:path";
import readline from "node:readline";

const LOOPBACK = ["localhost", "127.0.0.1", "[::1]", "::1"];

/** PORT, HOST (127.0.0.1 unless told), PUBLIC_BASE_URL and the data directory, as the app and runner need them. */
export function embeddedSettings(env = process.env) {
  const port = env.PORT || "3000";
  const host = env.HOST || "127.0.0.1";
  const publicBaseUrl = env.PUBLIC_BASE_URL || `http://localhost:${port}`;
  const publicHost = new URL(publicBaseUrl).hostname;
  const dataDir = path.resolve(env.DATA_DIR || ".data");
  // The runner talks to the app directly on this machine, whatever its public address.
  const direct = ["0.0.0.0", "::", ...LOOPBACK].includes(host) ? "localhost" : host.includes(":") ? `[${host}]` : host;
  return {
    port,
    host,
    publicBaseUrl,
    dataDir,
    runnerDataDir: path.join(dataDir, "local-runner"),
    runnerPlaneUrl: `http://${direct}:${port}`,
    // The app refuses a bootstrap secret unless it is served on loopback (see lib/env.ts).
    embeddedRunner: LOOPBACK.includes(publicHost),
  };
}

/** Turns the runner's JSON log lines into what a person at the console needs; the rest stays quiet. */
function describeRunnerLine(line) {
  let entry;
  try {
    entry = JSON.parse(line);
  } catch {
    return `[runner] ${line}`;
  }
  const { event, level } = entry;
  if (event === "runner.connected") return `[runner] Local runner "${entry.name}" connected.`;
  if (event === "plane.reconnected") return `[runner] Local runner reconnected.`;
  if (event === "runner.not_isolated") return `[runner] Not isolated: ${entry.reason} Settings > Runners says what that means for shared use.`;
  if (event === "runner.registered") return `[runner] Local runner registered.`;
  // Waiting for the app or for first-run setup is the normal state of a first start: said above.
  if (event === "runner.awaiting_setup" || event === "runner.awaiting_app") return null;
  if (level === "warn" || level === "error") {
    const detail = Object.entries(entry)
      .filter(([k]) => !["t", "level", "event"].includes(k))
      .map(([k, v]) => `${k}=${typeof v === "string" ? v : JSON.stringify(v)}`)
      .join(" ");
    return `[runner] ${level}: ${event}${detail ? ` ${detail}` : ""}`;
  }
  return null;
}

/** The pages people open first: requested once before saying "ready", so the server has loaded their code. */
const WARM_UP = ["/login", "/setup", "/settings", "/settings/members", "/settings/runners", "/settings/git-authentications", "/settings/agents", "/settings/diagnostics", "/environments"];

async function waitForApp(url, stopped, warmUp) {
  while (!stopped()) {
    try {
      const response = await fetch(`${url}/`, { redirect: "manual", signal: AbortSignal.timeout(5_000) });
      const location = response.headers.get("location") ?? "";
      // Signed out, each answers a redirect, but only after the server has loaded the page's code.
      if (warmUp) for (const page of WARM_UP) await fetch(`${url}${page}`, { redirect: "manual", signal: AbortSignal.timeout(30_000) }).then((r) => r.arrayBuffer(), () => null);
      return location;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
  return null;
}

/**
 * Runs the app and its local runner until stopped.
 * `app`: { command, args, env } for the app process; `runner`: { command, args } for the runner;
 * `warmUp`: request the first pages before saying ready (the production server; the development
 * server would compile each of them on every start).
 */
export function runEmbedded({ settings, app, runner: runnerCommand, env: baseEnv = process.env, label, warmUp = false }) {
  const secret = crypto.randomBytes(32).toString("base64url");
  const env = { ...baseEnv, PORT: settings.port, PUBLIC_BASE_URL: settings.publicBaseUrl, DATA_DIR: settings.dataDir };
  const startedAt = Date.now();
  const appProcess = spawn(app.command, app.args, {
    stdio: "inherit",
    env: { ...env, ...app.env, ...(settings.embeddedRunner ? { LOCAL_RUNNER_BOOTSTRAP_SECRET: secret } : {}) },
  });

  let stopping = false;
  let runner = null;
  let restartDelayMs = 1_000;

  function startRunner() {
    const runnerStartedAt = Date.now();
    runner = spawn(runnerCommand.command, [...runnerCommand.args, "start", "--embedded", "--data-dir", settings.runnerDataDir], {
      stdio: ["ignore", "pipe", "pipe"],
      // At info, so the console can say when it connected; what it shows is chosen below.
      env: { ...env, LOG_LEVEL: env.LOG_LEVEL === "debug" ? "debug" : "info", RUNNER_PLANE_URL: settings.runnerPlaneUrl, LOCAL_RUNNER_BOOTSTRAP_SECRET: secret },
    });
    readline.createInterface({ input: runner.stdout }).on("line", (line) => {
      const text = describeRunnerLine(line);
      if (text) process.stdout.write(`${text}\n`);
    });
    readline.createInterface({ input: runner.stderr }).on("line", (line) => process.stderr.write(`[runner] ${line}\n`));
    runner.on("exit", (code, signal) => {
      runner = null;
      if (stopping) return;
      // A crash should not leave the app without its runner, nor restart in a tight loop.
      if (Date.now() - runnerStartedAt > 60_000) restartDelayMs = 1_000;
      process.stderr.write(`[runner] exited (${signal ?? `code ${code}`}); restarting in ${Math.round(restartDelayMs / 1000)} s\n`);
      setTimeout(() => !stopping && startRunner(), restartDelayMs).unref();
      restartDelayMs = Math.min(restartDelayMs * 2, 30_000);
    });
  }

  if (settings.embeddedRunner) startRunner();
  else console.log(`PUBLIC_BASE_URL is not a loopback address: no local runner. Register runners from Settings > Runners.`);

  void waitForApp(settings.runnerPlaneUrl, () => stopping, warmUp).then((location) => {
    if (location === null) return;
    const seconds = ((Date.now() - startedAt) / 1000).toFixed(1);
    const where = location.includes("/setup")
      ? `First run: open ${settings.publicBaseUrl}/setup to create the organization and its first admin.`
      : `Open ${settings.publicBaseUrl} and sign in.`;
    console.log(`\n${label} is ready in ${seconds} s, listening on ${settings.host}:${settings.port}. ${where}\n`);
  });

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
    appProcess.kill(signal);
    runner?.kill(signal);
  }

  for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => shutDown(signal));

  // Stopped by a signal to npm alone (a supervisor, `timeout`), this process may not hear it: when
  // whoever started it is gone, stop the app and the runner too, not orphan them.
  const parent = process.ppid;
  setInterval(() => {
    if (!stopping && process.ppid !== parent) shutDown("SIGTERM");
  }, 1_000).unref();

  appProcess.on("exit", async (code, signal) => {
    stopping = true;
    await stopRunner();
    process.exit(code ?? (signal === "SIGINT" || signal === "SIGTERM" ? 0 : 1));
  });
}
