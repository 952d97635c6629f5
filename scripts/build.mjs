#!/usr/bin/env node
// `npm run build`: the production app and the runner artifact. Runs `next build` (type errors fail
// it), completes the standalone output (`<dist>/standalone`: server.js with the production
// dependencies it needs, plus the static files, the migrations and the runner artifact it serves),
// and stamps the build with the hash of its sources so `npm start` knows when it is stale.
//
// With SCM_TEST_SEEDING=1 the build also has the test seeding endpoints (/api/test/*, see
// next.config.ts), which the end-to-end tests, the two-replica test and the benchmarks use. Such a
// build says so in <dist>/test-seeding, and its stamp differs, so `npm start` never serves it: it
// builds the production app again, without them.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { APP_SOURCES, distDir, ROOT, sourceHash, stamp } from "./lib/build-state.mjs";

const require = createRequire(import.meta.url);
const dist = distDir();
const testSeeding = process.env.SCM_TEST_SEEDING === "1";
const hash = sourceHash(APP_SOURCES) + (testSeeding ? "+test-seeding" : "");
const TEST_SEEDING_MARKER = path.join(dist, "test-seeding");

function run(label, args) {
  const result = spawnSync(process.execPath, args, { cwd: ROOT, stdio: "inherit", env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" } });
  if (result.status !== 0) {
    console.error(`${label} failed (exit ${result.status ?? result.signal}).`);
    process.exit(result.status ?? 1);
  }
}

run("The runner artifact build", [path.join(ROOT, "scripts", "build-runner.mjs")]);
run("next build", [require.resolve("next/dist/bin/next"), "build"]);

const standalone = path.join(dist, "standalone");
if (!fs.existsSync(path.join(standalone, "server.js"))) {
  console.error(`next build wrote no ${path.relative(ROOT, standalone)}/server.js (is output: "standalone" still in next.config.ts?).`);
  process.exit(1);
}
// What the standalone server serves but Next leaves out of it (Next's documented copy step).
fs.cpSync(path.join(dist, "static"), path.join(standalone, path.basename(dist), "static"), { recursive: true });
if (fs.existsSync(path.join(ROOT, "public"))) fs.cpSync(path.join(ROOT, "public"), path.join(standalone, "public"), { recursive: true });
fs.cpSync(path.join(ROOT, "db", "migrations"), path.join(standalone, "db", "migrations"), { recursive: true });
fs.rmSync(path.join(standalone, "dist", "runner"), { recursive: true, force: true });
fs.cpSync(path.join(ROOT, "dist", "runner"), path.join(standalone, "dist", "runner"), { recursive: true });
// A checkout's .data must never travel with the output (the tracer can pick it up).
fs.rmSync(path.join(standalone, ".data"), { recursive: true, force: true });
if (testSeeding) fs.writeFileSync(TEST_SEEDING_MARKER, "The test seeding endpoints (/api/test/*) are in this build.\n");
else fs.rmSync(TEST_SEEDING_MARKER, { force: true });
stamp(dist, hash);
console.log(`${testSeeding ? "Build with the test seeding endpoints" : "Production build"} ready: ${path.relative(ROOT, standalone)}/server.js`);
