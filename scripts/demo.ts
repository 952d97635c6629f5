// `npm run demo`: the offline demo. Starts the provider sandbox (GitHub and GitLab stand-ins on
// fixed loopback ports), seeds a demo organization whose embedded local runner offers sandbox
// GitHub and GitLab integrations, then runs the embedded default on a data
// directory of its own on the production build (`scripts/start.mjs`), so a newcomer can connect accounts, create environments, push and
// disconnect without any real provider, and without touching the developer's `.data`.
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { openDatabase } from "@/db/client";
import { PASSWORD_MAX, PASSWORD_MIN } from "@/lib/passwords/limits";
import { environmentsDir } from "@/runner/git/environment-record";
import { startSandbox, type Sandbox } from "@/sandbox";
import { demoBanner } from "./demo/banner";
import { allSandboxPorts, DEFAULT_APP_PORT, DEFAULT_DEMO_DATA_DIR, DEFAULT_PORT_BASE, pgliteDir, runnerDataDir, sandboxPorts } from "./demo/config";
import { portFromEnv, takenPorts, type PortNeed } from "./demo/ports";
import { seedDemo, type DemoSeed } from "./demo/seed-demo";
import { newDemoState, readDemoState, type DemoState } from "./demo/state";

/** A problem the user can fix from the message alone: printed without a stack trace. */
class DemoError extends Error {}

/** How long the app may take to answer its first request (`npm start` builds the production app first when it has to). */
const READY_TIMEOUT_MS = 600_000;
/** How long the app and runner get to stop after Ctrl-C before they are killed. */
const STOP_GRACE_MS = 15_000;

type Settings = { dataDir: string; appPort: number; appUrl: string; state: DemoState; firstRun: boolean };

/** A port from the environment; a bad value is the user's to fix. */
function envPort(name: string, fallback: number, span = 0): number {
  try {
    return portFromEnv(name, process.env[name], fallback, span);
  } catch (e) {
    throw new DemoError((e as Error).message);
  }
}

/** Reads the configuration and the state of an earlier run; the sandbox ports are fixed by the first run. */
async function settings(): Promise<Settings> {
  const dataDir = path.resolve(process.env.DEMO_DATA_DIR || DEFAULT_DEMO_DATA_DIR);
  const appPort = envPort("PORT", DEFAULT_APP_PORT);
  const password = process.env.DEMO_PASSWORD || undefined;
  if (password !== undefined && (password.length < PASSWORD_MIN || password.length > PASSWORD_MAX)) {
    throw new DemoError(`DEMO_PASSWORD must be ${PASSWORD_MIN} to ${PASSWORD_MAX} characters long.`);
  }
  const requestedBase = process.env.DEMO_PORT_BASE ? envPort("DEMO_PORT_BASE", DEFAULT_PORT_BASE, 8) : undefined;
  const saved = await readDemoState(dataDir).catch((e: unknown) => {
    throw new DemoError(e instanceof Error ? e.message : String(e));
  });
  if (saved && requestedBase !== undefined && requestedBase !== saved.portBase) {
    // The integrations stored in the database name the sandbox hosts with their ports.
    throw new DemoError(`This demo was set up with DEMO_PORT_BASE=${saved.portBase}. Use that, or delete ${dataDir} to start over with ${requestedBase}.`);
  }
  if (saved && password !== undefined && password !== saved.adminPassword) {
    console.log(`DEMO_PASSWORD is ignored: the admin's password was set on the first run (printed below).`);
  }
  const state = saved ?? newDemoState({ portBase: requestedBase ?? DEFAULT_PORT_BASE, password });
  // The app's address, and the runner's: `scripts/dev.mjs` points the runner at localhost too, and
  // the runner registers again (with a new key) when the URL it was registered with differs.
  return { dataDir, appPort, appUrl: `http://localhost:${appPort}`, state, firstRun: !saved };
}

async function checkPorts(s: Settings): Promise<void> {
  const needs: PortNeed[] = [
    ...allSandboxPorts(s.state.portBase).map((port, i) => ({ port, host: "127.0.0.1", label: i === 0 ? "sandbox admin API" : "sandbox provider host" })),
    { port: s.appPort, label: "the app" },
  ];
  const taken = await takenPorts(needs);
  if (taken.length === 0) return;
  const list = taken.map((t) => `  ${t.port} (${t.label})`).join("\n");
  const fixes = [
    taken.some((t) => t.port === s.appPort) ? `PORT=<free port> npm run demo (the app)` : null,
    taken.some((t) => t.port !== s.appPort)
      ? s.firstRun
        ? `DEMO_PORT_BASE=<n> npm run demo (the sandbox uses n to n+8)`
        : `stop what uses them: this demo's integrations were created for sandbox ports ${s.state.portBase}-${s.state.portBase + 8} (or delete ${s.dataDir} to start over)`
      : null,
  ].filter(Boolean);
  throw new DemoError(`These ports are taken:\n${list}\nStop whatever listens there, or: ${fixes.join("; ")}.`);
}

/** Starts the sandbox and seeds both sides; the database is closed again before the app opens it. */
async function prepare(s: Settings): Promise<{ sandbox: Sandbox; seed: DemoSeed }> {
  console.log(`${s.firstRun ? "Setting up" : "Starting"} the offline demo in ${s.dataDir} ...`);
  const sandbox = await startSandbox({ ports: sandboxPorts(s.state.portBase) });
  try {
    const database = await openDatabase({ dataDir: pgliteDir(s.dataDir) });
    try {
      const seed = await seedDemo({ db: database.db, sandbox, state: s.state, dataDir: s.dataDir, publicBaseUrl: s.appUrl });
      return { sandbox, seed };
    } finally {
      await database.close();
    }
  } catch (e) {
    await sandbox.close();
    throw e;
  }
}

/** The embedded default on the demo's data dir, with loopback provider hosts allowed. */
function startApp(s: Settings): ChildProcess {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DATA_DIR: s.dataDir,
    PORT: String(s.appPort),
    PUBLIC_BASE_URL: s.appUrl,
    SCM_ALLOW_LOOPBACK_HOSTS: "1",
    // The banner is what matters; LOG_LEVEL=info shows the app's and the runner's JSON logs.
    LOG_LEVEL: process.env.LOG_LEVEL || "warn",
  };
  // The demo was seeded into the embedded database; a DATABASE_URL from the shell would bypass it.
  delete env.DATABASE_URL;
  // The product as `npm start` runs it: the production build (made first when missing or stale).
  return spawn(process.execPath, [path.join("scripts", "start.mjs")], { stdio: "inherit", env });
}

/** Resolves once the app answers (any status below 500), or false on timeout or when it exits. */
async function waitForApp(url: string, app: ChildProcess): Promise<boolean> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline && app.exitCode === null && app.signalCode === null) {
    try {
      const response = await fetch(`${url}/login`, { redirect: "manual", signal: AbortSignal.timeout(60_000) });
      if (response.status < 500) return true;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 1_000));
  }
  return false;
}

async function main(): Promise<void> {
  const s = await settings();
  await checkPorts(s);
  const { sandbox, seed } = await prepare(s);
  const app = startApp(s);

  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) {
      // A second Ctrl-C: do not wait for a graceful stop any longer.
      app.kill("SIGKILL");
      return;
    }
    stopping = true;
    console.log(`\nStopping the offline demo ...`);
    app.kill(signal);
    setTimeout(() => app.kill("SIGKILL"), STOP_GRACE_MS).unref();
  };
  process.on("SIGINT", () => stop("SIGINT"));
  process.on("SIGTERM", () => stop("SIGTERM"));
  app.on("exit", (code, signal) => {
    void sandbox.close().finally(() => {
      if (!stopping) console.error(`The app stopped (${signal ?? `exit code ${code}`}); the sandbox is stopped too.`);
      process.exit(stopping ? 0 : (code ?? 1));
    });
  });

  const ready = await waitForApp(s.appUrl, app);
  if (stopping || app.exitCode !== null) return;
  if (!ready) console.log(`The app has not answered at ${s.appUrl} yet; it may still be building.`);
  const shown = (dir: string) => path.relative(process.cwd(), dir) || dir;
  const environments = shown(environmentsDir(runnerDataDir(s.dataDir)));
  console.log(`\n${demoBanner({ seed, appUrl: s.appUrl, urls: sandbox.urls, dataDir: shown(s.dataDir), environmentsDir: environments })}\n`);
}

main().catch((e: unknown) => {
  console.error(e instanceof DemoError ? e.message : e);
  process.exit(1);
});
