import fs from "node:fs";
import path from "node:path";
import { APP_SOURCES, distDir, ROOT, sourceHash } from "@/scripts/lib/build-state.mjs";
import { startStandalone, type StandaloneServer } from "./standalone-server";

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
  return { dir: into, current: before === sourceHash(APP_SOURCES) };
}

/**
 * Starts `node server.js` from a copy of the standalone output, as a deployment runs each replica,
 * and waits until it serves (an answer below 500: a replica whose start-up failed answers 500).
 */
export async function startReplica(dir: string, env: Record<string, string>): Promise<StandaloneServer> {
  const server = await startStandalone(dir, env);
  const status = await fetch(`${server.url}/login`, { redirect: "manual", signal: AbortSignal.timeout(30_000) }).then(
    (r) => r.status,
    () => 0,
  );
  if (status === 0 || status >= 500) {
    const output = server.output();
    await server.close();
    throw new Error(`the replica on ${server.url} answered ${status || "nothing"} on /login after starting:\n${output}`);
  }
  return server;
}
