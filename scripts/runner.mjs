#!/usr/bin/env node
// `npm run runner -- <command>` and `npm run -s agent-tools -- <command>` in a checkout: the runner
// artifact (dist/runner, what the plane serves and `npm start` runs), built first when it is missing
// or its sources changed. Signals reach the runner; this exits with its exit code.
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { isFresh, ROOT, RUNNER_SOURCES, sourceHash } from "./lib/build-state.mjs";

const outDir = path.join(ROOT, "dist", "runner");
const bundle = path.join(outDir, "scm-runner", "scm-runner.mjs");
if (!fs.existsSync(bundle) || !isFresh(outDir, sourceHash(RUNNER_SOURCES))) {
  // stdout may carry the MCP protocol (agent-tools mcp): the build reports on stderr.
  const build = spawnSync(process.execPath, [path.join(ROOT, "scripts", "build-runner.mjs")], { stdio: ["ignore", 2, 2] });
  if (build.status !== 0) process.exit(build.status ?? 1);
}
const args = process.argv.slice(2);
const child = spawn(process.execPath, [bundle, ...args], {
  stdio: "inherit",
  // The checkout's conventions: its own command names, and its data in .data/runner.
  env: { ...process.env, SCM_RUNNER_COMMAND: "npm run runner --", SCM_AGENT_TOOLS_COMMAND: "npm run -s agent-tools --", SCM_RUNNER_DEFAULT_DATA_DIR: process.env.SCM_RUNNER_DEFAULT_DATA_DIR || path.join(ROOT, ".data", "runner") },
});
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"]) process.on(signal, () => child.kill(signal));
child.on("exit", (code, signal) => process.exit(code ?? (signal ? 128 : 1)));
