// What a build was made from, so `npm start` rebuilds only when the sources changed: a hash over the
// contents of the files a build reads, stored beside the build.
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");

/** What the production app is built from. */
export const APP_SOURCES = ["app", "components", "lib", "db", "runner", "public", "instrumentation.ts", "proxy.ts", "middleware.ts", "next.config.ts", "postcss.config.mjs", "tsconfig.json", "tsconfig.build.json", "package.json", "package-lock.json", "scripts/build.mjs", "scripts/build-runner.mjs"];
/** What the runner artifact is built from. */
export const RUNNER_SOURCES = ["runner", "lib", "tsconfig.json", "package.json", "package-lock.json", "scripts/build-runner.mjs"];

const SKIP = /(\.test\.tsx?$|\.int\.test\.tsx?$|(^|\/)test(-support)?\/|(^|\/)node_modules\/)/;

function* files(entry) {
  let stat;
  try {
    stat = fs.statSync(entry);
  } catch {
    return;
  }
  if (stat.isFile()) {
    yield entry;
    return;
  }
  if (!stat.isDirectory()) return;
  for (const name of fs.readdirSync(entry).sort()) yield* files(path.join(entry, name));
}

/** A hash of the named files and directories (tests excluded: a build does not read them). */
export function sourceHash(sources) {
  const hash = crypto.createHash("sha256");
  for (const source of sources) {
    for (const file of files(path.join(ROOT, source))) {
      const relative = path.relative(ROOT, file);
      if (SKIP.test(relative)) continue;
      hash.update(relative).update("\0").update(fs.readFileSync(file)).update("\0");
    }
  }
  return hash.digest("hex");
}

/** The build directory of the app (NEXT_DIST_DIR, as next.config.ts reads it). */
export function distDir(env = process.env) {
  return path.resolve(ROOT, env.NEXT_DIST_DIR || ".next");
}

const STAMP = "source-hash";

/** Whether `dir` holds a build made from the sources as they are now (its stamp matches). */
export function isFresh(dir, hash) {
  try {
    return fs.readFileSync(path.join(dir, STAMP), "utf8").trim() === hash;
  } catch {
    return false;
  }
}

export function stamp(dir, hash) {
  fs.writeFileSync(path.join(dir, STAMP), hash + "\n");
}
