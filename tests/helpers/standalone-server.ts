import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { APP_SOURCES, distDir, ROOT, sourceHash } from "@/scripts/lib/build-state.mjs";

/** What `scripts/build.mjs` writes last, once the standalone output is complete (build-state.mjs). */
const BUILD_STAMP = "source-hash";

/**
 * Copies the production build's standalone output (`npm run build`) to `into`, so replicas run
 * from files of their own: a build started meanwhile in the checkout (next build empties its
 * directory first) cannot pull them from under running servers. Refuses an incomplete build, and
 * a build that changed while it was being copied. Reports whether the build matches the sources.
 * It never builds: `npm test` builds before the tests, and a build started from a test would empty
 * the checkout's build directory under anybody else's running servers (and fail on anybody's
 * half-written file, since next build type-checks the whole project).
 */
export function copyStandaloneBuild(into: string): { dir: string; current: boolean } {
  const dist = distDir();
  const standalone = path.join(dist, "standalone");
  const stamp = () => {
    try {
      return fs.readFileSync(path.join(dist, BUILD_STAMP), "utf8").trim();
    } catch {
      return null;
    }
  };
  const before = stamp();
  const where = path.relative(ROOT, standalone);
  if (!before || !fs.existsSync(path.join(standalone, "server.js"))) {
    throw new Error(`No complete production build in ${where}: run \`npm run build\` first (\`npm test\` does). If a build is running right now, let it finish and run this again.`);
  }
  try {
    fs.cpSync(standalone, into, { recursive: true, verbatimSymlinks: true });
  } catch (e) {
    throw new Error(`${where} changed while it was being copied (another build running?): run this again once it is done. ${e instanceof Error ? e.message : String(e)}`);
  }
  if (stamp() !== before) throw new Error(`${where} was rebuilt while it was being copied: run this again.`);
  return { dir: into, current: before.replace(/\+test-seeding$/, "") === sourceHash(APP_SOURCES) };
}

/** A free loopback port. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export type StandaloneServer = { url: string; child: ChildProcess; output: () => string; close: () => Promise<void> };

/**
 * Starts `node server.js` from `dir` (a copy of the standalone output) as the image does, with only
 * the given environment (plus PATH and HOME), and waits until it serves /login (an answer below 500).
 */
export async function startStandalone(dir: string, env: Record<string, string>, timeoutMs = 60_000): Promise<StandaloneServer> {
  const port = env.PORT ?? String(await freePort());
  const child = spawn(process.execPath, [path.join(dir, "server.js")], {
    cwd: dir,
    env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: os.tmpdir(), NODE_ENV: "production", HOSTNAME: "localhost", PORT: port, LOG_LEVEL: "warn", NEXT_TELEMETRY_DISABLED: "1", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  child.stdout!.on("data", (c: Buffer) => (out += c.toString("utf8")));
  child.stderr!.on("data", (c: Buffer) => (out += c.toString("utf8")));
  const lifetime = setTimeout(() => child.kill("SIGKILL"), 300_000);
  const exited = new Promise<void>((resolve) => child.once("exit", () => (clearTimeout(lifetime), resolve())));
  const url = `http://localhost:${port}`;
  const close = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 5_000);
      await exited;
      clearTimeout(timer);
    }
  };
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`server.js exited with ${child.exitCode}:\n${out}`);
    const answered = await fetch(`${url}/login`, { redirect: "manual", signal: AbortSignal.timeout(5_000) }).then(
      (r) => r.status,
      () => 0,
    );
    // A server whose start-up failed (its database, its migrations) answers 500: not ready.
    if (answered > 0 && answered < 500) return { url, child, output: () => out, close };
    await new Promise((r) => setTimeout(r, 200));
  }
  await close();
  throw new Error(`server.js did not answer within ${timeoutMs} ms:\n${out}`);
}
