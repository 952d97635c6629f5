import { spawn, type ChildProcess } from "node:child_process";
import http from "node:http";
import path from "node:path";
import readline from "node:readline";
import { freeLoopbackPort } from "./ports";
import { BENCH_DIST_DIR, benchBuildEnv } from "./repo";
import type { Scope } from "./scope";

export type RunningServer = {
  /** `http://localhost:PORT` (never 127.0.0.1: Next rewrites it to localhost and cookies go missing). */
  baseUrl: string;
  port: number;
  pid: number;
  /** Subscribes to the server's stdout, one call per line; returns the unsubscribe function. */
  onLine: (listener: (line: string) => void) => () => void;
  /** The last lines the server wrote (stdout and stderr), for error reports. */
  tail: (lines?: number) => string;
  stop: () => Promise<void>;
};

/** Variables inherited from the caller's shell that would point the app elsewhere. */
const STRIPPED = /^(DATABASE_URL|DATA_DIR|AUTH_URL|AUTH_SECRET|NEXTAUTH_URL|NEXTAUTH_SECRET|PUBLIC_BASE_URL|OIDC_.*|PORT|HOSTNAME|LOG_QUERIES|LOG_LEVEL|NODE_OPTIONS|E2E_SEED_SECRET|LOCAL_RUNNER_BOOTSTRAP_SECRET)$/;

function exited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null;
}

function probe(port: number, path: string): Promise<number | null> {
  return new Promise((resolve) => {
    const req = http.get({ host: "localhost", port, path, agent: false, timeout: 5_000 }, (res) => {
      res.resume();
      res.on("end", () => resolve(res.statusCode ?? null));
      res.on("error", () => resolve(null));
    });
    req.on("timeout", () => req.destroy());
    req.on("error", () => resolve(null));
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Starts the standalone server of the benchmark build (`.next-bench`, see `ensureBuild`) on a free
 * loopback port with `env` (on top of a cleaned copy of this process's environment), waits until `readyPath` answers below 500, and registers its shutdown
 * in `scope`. The server runs in its own process group so stopping it also stops any children.
 */
export async function startNextServer(opts: {
  root: string;
  env: Record<string, string>;
  scope: Scope;
  readyPath?: string;
  timeoutMs?: number;
  log?: (m: string) => void;
  /** Another app to serve instead (`next start` of the blank app the JavaScript budget is measured against). */
  app?: { cwd: string; args: string[] };
}): Promise<RunningServer> {
  const port = await freeLoopbackPort();
  const baseUrl = `http://localhost:${port}`;
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !STRIPPED.test(k)) env[k] = v;
  Object.assign(env, { PUBLIC_BASE_URL: baseUrl, PORT: String(port), HOSTNAME: "localhost" }, opts.env, benchBuildEnv());

  const started = Date.now();
  // The standalone server, as `npm start` and the image run it (it works from its own directory).
  const standalone = path.join(opts.root, BENCH_DIST_DIR, "standalone");
  const child = spawn(process.execPath, opts.app ? opts.app.args : [path.join(standalone, "server.js")], {
    cwd: opts.app ? opts.app.cwd : standalone,
    env: env as NodeJS.ProcessEnv,
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  const pid = child.pid;
  if (pid === undefined) throw new Error("could not start next start");

  // If this process dies without running the scope (a crash), do not leave the server behind.
  const killOnExit = () => {
    try {
      process.kill(-pid, "SIGKILL");
    } catch {
      /* already gone */
    }
  };
  process.on("exit", killOnExit);

  const tailLines: string[] = [];
  const remember = (line: string) => {
    tailLines.push(line);
    if (tailLines.length > 200) tailLines.shift();
  };
  const listeners = new Set<(line: string) => void>();
  readline.createInterface({ input: child.stdout! }).on("line", (line) => {
    remember(line);
    for (const l of listeners) l(line);
  });
  readline.createInterface({ input: child.stderr! }).on("line", (line) => remember(`[stderr] ${line}`));
  const exitPromise = new Promise<void>((resolve) => child.once("exit", () => resolve()));

  const stop = opts.scope.add(`stop next start (pid ${pid})`, async () => {
    process.off("exit", killOnExit);
    if (exited(child)) return;
    try {
      process.kill(-pid, "SIGTERM");
    } catch {
      return;
    }
    const gone = await Promise.race([exitPromise.then(() => true), sleep(5_000).then(() => false)]);
    if (!gone) {
      killOnExit();
      await Promise.race([exitPromise, sleep(2_000)]);
    }
  });

  const server: RunningServer = {
    baseUrl,
    port,
    pid,
    onLine(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    tail: (n = 40) => tailLines.slice(-n).join("\n"),
    stop,
  };

  const readyPath = opts.readyPath ?? "/api/auth/csrf";
  const deadline = started + (opts.timeoutMs ?? 90_000);
  let serverErrors = 0;
  for (;;) {
    if (exited(child)) {
      throw new Error(`next start exited (${child.signalCode ?? `code ${child.exitCode}`}) before it was ready:\n${server.tail()}`);
    }
    const status = await probe(port, readyPath);
    if (status !== null && status < 500) break;
    if (status !== null && status >= 500 && ++serverErrors >= 3) {
      throw new Error(`next start answered ${status} on ${readyPath}:\n${server.tail()}`);
    }
    if (Date.now() > deadline) throw new Error(`next start not ready after ${opts.timeoutMs ?? 90_000} ms:\n${server.tail()}`);
    await sleep(150);
  }
  opts.log?.(`next start ready on ${baseUrl} (pid ${pid}) in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return server;
}
