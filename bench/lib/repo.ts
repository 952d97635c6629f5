import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { acquireBenchLock } from "./lock";

/** The repository root: the nearest directory upwards holding package.json and next.config.*. */
export function findRepoRoot(start = process.cwd()): string {
  let dir = path.resolve(start);
  for (;;) {
    const hasNextConfig = ["next.config.ts", "next.config.mjs", "next.config.js"].some((f) => fs.existsSync(path.join(dir, f)));
    if (hasNextConfig && fs.existsSync(path.join(dir, "package.json"))) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`no Next.js project found above ${start}`);
    dir = parent;
  }
}

/**
 * Benchmarks build into and start from their own directory, so a benchmark never races a test
 * run's or a developer's build in `.next` (next.config.ts reads NEXT_DIST_DIR): `.next-bench`, or
 * the `NEXT_DIST_DIR` the run is given (a developer keeping their own build directory).
 */
export const BENCH_DIST_DIR = process.env.NEXT_DIST_DIR && process.env.NEXT_DIST_DIR !== ".next" ? process.env.NEXT_DIST_DIR : ".next-bench";

/** The environment the build and the standalone server both get, so they agree on the build directory. */
export function benchBuildEnv(): Record<string, string> {
  return { NEXT_DIST_DIR: BENCH_DIST_DIR, NEXT_TELEMETRY_DISABLED: "1", NODE_ENV: "production", SCM_TEST_SEEDING: "1" };
}

/** What a build is made from: a change to any of these makes the build stale. */
const SOURCE_DIRS = ["app", "components", "lib", "db", "runner"];
const SOURCE_FILES = ["next.config.ts", "proxy.ts", "instrumentation.ts", "package.json", "package-lock.json", "postcss.config.mjs", "tsconfig.json"];

/** The newest modification under the app's sources (directories count too: a deleted file changes its directory). */
function newestSource(root: string): { path: string; mtimeMs: number } {
  let newest = { path: "", mtimeMs: 0 };
  const consider = (p: string, st: fs.Stats) => {
    if (st.mtimeMs > newest.mtimeMs) newest = { path: path.relative(root, p), mtimeMs: st.mtimeMs };
  };
  const walk = (dir: string) => {
    consider(dir, fs.statSync(dir));
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(p);
      else if (entry.isFile()) consider(p, fs.statSync(p));
    }
  };
  for (const d of SOURCE_DIRS) if (fs.existsSync(path.join(root, d))) walk(path.join(root, d));
  for (const f of SOURCE_FILES) if (fs.existsSync(path.join(root, f))) consider(path.join(root, f), fs.statSync(path.join(root, f)));
  return newest;
}

function describeAge(mtime: Date): string {
  const minutes = Math.round((Date.now() - mtime.getTime()) / 60_000);
  if (minutes < 1) return "just now";
  if (minutes < 120) return `${minutes} min ago`;
  return `${Math.round(minutes / 60)} h ago`;
}

function runBuild(root: string): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    // `npm run build`: next build, the standalone output completed, and the runner artifact.
    const child = spawn(process.execPath, [path.join(root, "scripts", "build.mjs")], {
      cwd: root,
      // Build output goes to stderr so stdout stays the results.
      stdio: ["ignore", process.stderr, process.stderr],
      env: { ...process.env, ...benchBuildEnv() },
    });
    child.on("error", reject);
    child.on("exit", (code, signal) => (code === 0 ? resolve() : reject(new Error(`npm run build failed (${signal ?? `exit code ${code}`})`))));
  });
}

/**
 * Makes sure `.next-bench` holds a production build of the current sources: runs `next build`
 * when there is none or when any source file is newer than it (so a benchmark never measures
 * yesterday's code). Takes the benchmark lock first, so no other benchmark process rebuilds
 * it under a running server. Returns a line describing which build is measured and why.
 */
export async function ensureBuild(root: string, log: (m: string) => void): Promise<string> {
  // Held until the process exits: the server started next runs from this build.
  await acquireBenchLock(root, log);
  const buildIdFile = path.join(root, BENCH_DIST_DIR, "BUILD_ID");
  const newest = newestSource(root);
  const built = fs.existsSync(buildIdFile) && fs.existsSync(path.join(root, BENCH_DIST_DIR, "standalone", "server.js")) ? fs.statSync(buildIdFile) : null;
  if (built && built.mtimeMs > newest.mtimeMs) {
    return `existing build ${fs.readFileSync(buildIdFile, "utf8").trim()} in ${BENCH_DIST_DIR} (${describeAge(built.mtime)}; newer than every source file)`;
  }
  const reason = built ? `${newest.path} changed after the last build` : `no ${BENCH_DIST_DIR}/BUILD_ID`;
  log(`${reason}: running \`npm run build\` into ${BENCH_DIST_DIR} (about a minute on 2 cores)`);
  const started = Date.now();
  await runBuild(root);
  log(`next build done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  if (!fs.existsSync(buildIdFile)) throw new Error(`next build finished but ${BENCH_DIST_DIR}/BUILD_ID is still missing`);
  // Date the build by when it read the sources: a file saved during the build makes it stale.
  fs.utimesSync(buildIdFile, new Date(started), new Date(started));
  return `fresh build ${fs.readFileSync(buildIdFile, "utf8").trim()} in ${BENCH_DIST_DIR} (${reason})`;
}
