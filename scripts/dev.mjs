#!/usr/bin/env node
// `npm run dev`, for contributors: migrates the database, then starts `next dev` on HOST
// (127.0.0.1 unless told) and the local runner from the sources (tsx), as `npm start` does with the
// production build (scripts/lib/embedded.mjs). Pages compile on first visit here; `npm start` is
// the product.
import { spawnSync } from "node:child_process";
import { createRequire } from "node:module";
import { embeddedSettings, runEmbedded } from "./lib/embedded.mjs";

const require = createRequire(import.meta.url);
const settings = embeddedSettings();

const migrate = spawnSync(process.execPath, ["--import", "tsx", "db/migrate-cli.ts"], { stdio: "inherit", env: { ...process.env, DATA_DIR: settings.dataDir } });
if (migrate.status !== 0) process.exit(migrate.status ?? 1);

runEmbedded({
  label: "The development server",
  settings,
  app: { command: process.execPath, args: [require.resolve("next/dist/bin/next"), "dev", "-H", settings.host, "-p", settings.port], env: {} },
  runner: { command: process.execPath, args: ["--import", "tsx", "runner/cli.ts"] },
});
