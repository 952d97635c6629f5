import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { APP_SOURCES, distDir, isFresh, ROOT, sourceHash } from "@/scripts/lib/build-state.mjs";

/** The production build's standalone output (`npm run build`; `npm test` builds before the tests). Built here when missing or stale. */
export function standaloneDir(): string {
  const dist = distDir();
  const dir = path.join(dist, "standalone");
  if (!fs.existsSync(path.join(dir, "server.js")) || !isFresh(dist, sourceHash(APP_SOURCES))) {
    const build = spawnSync(process.execPath, [path.join(ROOT, "scripts", "build.mjs")], { cwd: ROOT, encoding: "utf8" });
    if (build.status !== 0) throw new Error(`npm run build failed:\n${build.stdout}\n${build.stderr}`);
  }
  return dir;
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
 * Starts `node server.js` from `dir` as the image does, with only the given environment (plus PATH
 * and HOME), and waits until it answers /login.
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
    if (answered > 0) return { url, child, output: () => out, close };
    await new Promise((r) => setTimeout(r, 200));
  }
  await close();
  throw new Error(`server.js did not answer within ${timeoutMs} ms:\n${out}`);
}
