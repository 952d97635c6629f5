import crypto from "node:crypto";
import { defineConfig } from "@playwright/test";

const port = process.env.E2E_PORT ?? "3210";
const baseURL = `http://localhost:${port}`;
// Fresh per run; the seed secret is shared with the tests through the environment.
process.env.E2E_SEED_SECRET ??= crypto.randomBytes(24).toString("hex");
process.env.E2E_AUTH_SECRET ??= crypto.randomBytes(32).toString("hex");
// The provider sandbox runs on loopback: runners started by the tests may connect to it.
process.env.SCM_ALLOW_LOOPBACK_HOSTS ??= "1";

export default defineConfig({
  testDir: "e2e",
  fullyParallel: false,
  workers: 2,
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: process.env.PLAYWRIGHT_JSON_OUTPUT_NAME ? [["list"], ["json"]] : [["list"]],
  use: {
    baseURL,
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-quic", "--no-first-run"],
    },
  },
  projects: [
    // First-run setup needs the empty database, so it runs before anything seeds an organization.
    { name: "first-run", testMatch: /first-run\.spec\.ts/ },
    { name: "app", testIgnore: /first-run\.spec\.ts/, dependencies: ["first-run"] },
  ],
  webServer: {
    command: "node scripts/e2e-server.mjs",
    url: `${baseURL}/login`,
    timeout: 180_000,
    reuseExistingServer: false,
    stdout: "pipe",
    stderr: "pipe",
    env: { E2E_PORT: port },
  },
});
