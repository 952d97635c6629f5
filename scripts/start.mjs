#!/usr/bin/env node
// `npm start`: the product. Builds the production app and the runner artifact when there is no
// build or the sources changed since it was made, then starts the standalone server (which opens
// and migrates the database before it answers) on HOST (127.0.0.1 unless told) and PORT (3000),
// with the local runner next to it, run from the runner artifact with plain Node.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { APP_SOURCES, distDir, isFresh, ROOT, sourceHash } from "./lib/build-state.mjs";
import { embeddedSettings, runEmbedded } from "./lib/embedded.mjs";

const dist = distDir();
const server = path.join(dist, "standalone", "server.js");
const runner = path.join(ROOT, "dist", "runner", "scm-runner", "scm-runner.mjs");

if (!fs.existsSync(server) || !fs.existsSync(runner) || !isFresh(dist, sourceHash(APP_SOURCES))) {
  console.log(fs.existsSync(server) ? "The sources changed since the last build: building again…" : "Building the production app (first start; a few minutes)…");
  const build = spawnSync(process.execPath, [path.join(ROOT, "scripts", "build.mjs")], { cwd: ROOT, stdio: "inherit" });
  if (build.status !== 0) process.exit(build.status ?? 1);
}

const settings = embeddedSettings();
runEmbedded({
  label: "The app",
  warmUp: true,
  settings,
  // server.js runs from its own directory; Next reads HOSTNAME for the address to listen on.
  app: { command: process.execPath, args: [server], env: { NODE_ENV: "production", HOSTNAME: settings.host } },
  runner: { command: process.execPath, args: [runner] },
});
