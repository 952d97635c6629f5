import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

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

export function nextBin(root: string): string {
  const bin = path.join(root, "node_modules", "next", "dist", "bin", "next");
  if (!fs.existsSync(bin)) throw new Error(`${bin} is missing: dependencies are not installed`);
  return bin;
}

function describeAge(mtime: Date): string {
  const minutes = Math.round((Date.now() - mtime.getTime()) / 60_000);
  if (minutes < 1) return "just now";
  if (minutes < 120) return `${minutes} min ago`;
  return `${Math.round(minutes / 60)} h ago`;
}

/**
 * Makes sure a production build exists: runs `next build` only when `.next/BUILD_ID` is missing
 * (and says so). Returns a line describing which build is measured.
 */
export async function ensureBuild(root: string, log: (m: string) => void): Promise<string> {
  const buildIdFile = path.join(root, ".next", "BUILD_ID");
  if (!fs.existsSync(buildIdFile)) {
    log("no .next/BUILD_ID: running `next build` first (about a minute on 2 cores)");
    const started = Date.now();
    await new Promise<void>((resolve, reject) => {
      const child = spawn(process.execPath, [nextBin(root), "build"], {
        cwd: root,
        // Build output goes to stderr so stdout stays the results.
        stdio: ["ignore", process.stderr, process.stderr],
        env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1", NODE_ENV: "production" },
      });
      child.on("error", reject);
      child.on("exit", (code, signal) =>
        code === 0 ? resolve() : reject(new Error(`next build failed (${signal ?? `exit code ${code}`})`)),
      );
    });
    log(`next build done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    if (!fs.existsSync(buildIdFile)) throw new Error("next build finished but .next/BUILD_ID is still missing");
    return `fresh build ${fs.readFileSync(buildIdFile, "utf8").trim()}`;
  }
  const stat = fs.statSync(buildIdFile);
  return `existing build ${fs.readFileSync(buildIdFile, "utf8").trim()} (${describeAge(stat.mtime)}; delete .next/BUILD_ID to rebuild)`;
}
