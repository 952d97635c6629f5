// Starts the production build (the standalone server, as `npm start` and the image run it) for the
// end-to-end tests on a fresh embedded database of its own (removed on exit). The tests seed through
// /api/test/*, which only a build made with SCM_TEST_SEEDING=1 has (scripts/build.mjs; `npm test`
// makes one): without one, it builds one first.
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

const port = process.env.E2E_PORT ?? "3210";
// NEXT_DIST_DIR lets a run use a build directory of its own (see next.config.ts).
const dist = path.resolve(process.env.NEXT_DIST_DIR || ".next");
const server = path.join(dist, "standalone", "server.js");
if (!fs.existsSync(server) || !fs.existsSync(path.join(dist, "test-seeding"))) {
  console.log(`${path.relative(process.cwd(), dist)} holds no build with the test seeding endpoints: building one (SCM_TEST_SEEDING=1 npm run build)…`);
  const build = spawnSync(process.execPath, ["scripts/build.mjs"], { stdio: "inherit", env: { ...process.env, SCM_TEST_SEEDING: "1" } });
  if (build.status !== 0) process.exit(build.status ?? 1);
}
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "scm-e2e-"));
const child = spawn(process.execPath, [server], {
  stdio: "inherit",
  env: {
    ...process.env,
    NODE_ENV: "production",
    PORT: port,
    HOSTNAME: "localhost",
    DATA_DIR: dataDir,
    DATABASE_URL: "",
    PUBLIC_BASE_URL: `http://localhost:${port}`,
    AUTH_SECRET: process.env.E2E_AUTH_SECRET,
    E2E_SEED_SECRET: process.env.E2E_SEED_SECRET,
    LOG_LEVEL: process.env.LOG_LEVEL ?? "warn",
    // Integrations may point at the provider sandbox on loopback over plain HTTP.
    SCM_ALLOW_LOOPBACK_HOSTS: "1",
  },
});
const cleanup = () => fs.rmSync(dataDir, { recursive: true, force: true });
for (const signal of ["SIGINT", "SIGTERM"]) {
  process.on(signal, () => {
    child.kill("SIGTERM");
  });
}
child.on("exit", (code) => {
  cleanup();
  process.exit(code ?? 0);
});
