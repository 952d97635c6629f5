#!/usr/bin/env node
// `npm test`: every check the project has, in order — types, lint, the production build (and the
// runner artifact), unit + integration tests (vitest; integration runs on PGlite and, when
// TEST_DATABASE_URL is set, on PostgreSQL too), and the end-to-end tests in Chromium (Playwright). Every stage runs even when
// an earlier one fails, so one run shows everything that is wrong. The last line is a plain
// `N passed, N failed, N skipped` summary read from the test runners' JSON reports; the exit code
// is non-zero when anything failed.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

const reportDir = fs.mkdtempSync(path.join(os.tmpdir(), "scm-test-reports-"));
const totals = { passed: 0, failed: 0, skipped: 0 };
const failures = [];

function run(label, command, args, env = {}) {
  process.stdout.write(`\n── ${label} ──\n`);
  const started = Date.now();
  const result = spawnSync(command, args, { stdio: "inherit", env: { ...process.env, ...env } });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  const ok = result.status === 0;
  process.stdout.write(`── ${label}: ${ok ? "ok" : `failed (exit ${result.status ?? result.signal})`} in ${seconds} s ──\n`);
  return ok;
}

/** A stage without its own test count (types, lint, build) counts as one check. */
function check(label, command, args, env) {
  const ok = run(label, command, args, env);
  if (ok) totals.passed += 1;
  else {
    totals.failed += 1;
    failures.push(label);
  }
  return ok;
}

function readJson(file) {
  try {
    return JSON.parse(fs.readFileSync(file, "utf8"));
  } catch {
    return null;
  }
}

check("typecheck", "npx", ["tsc", "--noEmit"]);
check("lint", "npx", ["eslint", "."]);
// Before the tests: some of them run the standalone output and the runner artifact it serves.
const built = check("production build (with the test seeding endpoints) and runner artifact", process.execPath, ["scripts/build.mjs"], { SCM_TEST_SEEDING: "1" });

const vitestReport = path.join(reportDir, "vitest.json");
const vitestOk = run("unit and integration tests (vitest)", "npx", [
  "vitest",
  "run",
  "--reporter=default",
  "--reporter=json",
  `--outputFile.json=${vitestReport}`,
]);
const vitest = readJson(vitestReport);
if (vitest) {
  totals.passed += vitest.numPassedTests ?? 0;
  totals.failed += vitest.numFailedTests ?? 0;
  totals.skipped += (vitest.numPendingTests ?? 0) + (vitest.numTodoTests ?? 0);
  // A suite that failed to load has no failed tests but is a failure all the same.
  if (!vitestOk && (vitest.numFailedTests ?? 0) === 0) totals.failed += Math.max(1, vitest.numFailedTestSuites ?? 0);
} else if (!vitestOk) totals.failed += 1;
if (!vitestOk) failures.push("vitest");


if (built) {
  const playwrightReport = path.join(reportDir, "playwright.json");
  const e2eOk = run("end-to-end tests (Playwright, Chromium)", "npx", ["playwright", "test"], {
    PLAYWRIGHT_JSON_OUTPUT_NAME: playwrightReport,
    PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD: "1",
  });
  const stats = readJson(playwrightReport)?.stats;
  if (stats) {
    totals.passed += (stats.expected ?? 0) + (stats.flaky ?? 0);
    totals.failed += stats.unexpected ?? 0;
    totals.skipped += stats.skipped ?? 0;
    if (!e2eOk && (stats.unexpected ?? 0) === 0) totals.failed += 1;
  } else if (!e2eOk) totals.failed += 1;
  if (!e2eOk) failures.push("end-to-end");
} else {
  failures.push("end-to-end (not run: the build failed)");
  totals.failed += 1;
}

fs.rmSync(reportDir, { recursive: true, force: true });
if (failures.length > 0) process.stdout.write(`\nFailed stages: ${failures.join(", ")}\n`);
process.stdout.write(`\n${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped\n`);
process.exit(totals.failed > 0 ? 1 : 0);
