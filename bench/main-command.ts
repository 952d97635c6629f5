import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { chromium } from "@playwright/test";
import { freeLoopbackPort } from "./lib/ports";
import { ms, round } from "./lib/stats";
import type { Bench, BenchBudget } from "./lib/types";

/** DESIGN.md: after the main command reports ready, each settings page's first render takes under 300 ms. */
const BUDGET_FIRST_RENDER_MS = 300;
const PAGES = ["/settings/members", "/settings/runners", "/settings/git-authentications", "/settings/agents", "/settings/diagnostics", "/environments"];
const ADMIN = { org: "Bench", name: "Ada Admin", email: "ada@bench.example", password: "a very good passphrase" };

type Started = { child: ChildProcess; output: () => string; readyMs: number };

/** Runs the README's main command in `dir` and waits until it reports ready, then checks it serves a rendered page (200 at /login or /setup). */
async function mainCommand(dir: string, command: string, port: number, log: (m: string) => void): Promise<Started> {
  const started = Date.now();
  // What a person's shell has: nothing of this benchmark's npm run, database or build settings.
  const env: NodeJS.ProcessEnv = { ...process.env, PORT: String(port), NEXT_TELEMETRY_DISABLED: "1", LOG_LEVEL: "warn" };
  for (const name of Object.keys(env)) if (name.startsWith("npm_") || ["DATABASE_URL", "DATA_DIR", "NODE_ENV", "NEXT_DIST_DIR"].includes(name)) delete env[name];
  const child = spawn("sh", ["-c", command], {
    cwd: dir,
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
    env,
  });
  let out = "";
  child.stdout!.on("data", (c: Buffer) => (out += c.toString("utf8")));
  child.stderr!.on("data", (c: Buffer) => (out += c.toString("utf8")));
  const deadline = started + 20 * 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`"${command}" exited with ${child.exitCode}:\n${out.slice(-4000)}`);
    // Ready when it says so (it warms its pages up first); it must then serve a rendered page.
    if (/is ready in/.test(out)) {
      const status = await fetch(`http://localhost:${port}/login`, { signal: AbortSignal.timeout(10_000) }).then(
        (r) => r.status,
        () => 0,
      );
      if (status !== 200) throw new Error(`ready, but /login answered ${status}:\n${out.slice(-4000)}`);
      return { child, output: () => out, readyMs: Date.now() - started };
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  await stop(child);
  log(out.slice(-4000));
  throw new Error(`"${command}" served no page within 20 minutes`);
}

function stop(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return resolve();
    const timer = setTimeout(() => {
      try {
        process.kill(-child.pid!, "SIGKILL");
      } catch {
        /* gone */
      }
    }, 15_000);
    child.once("exit", () => {
      clearTimeout(timer);
      resolve();
    });
    try {
      process.kill(-child.pid, "SIGTERM");
    } catch {
      resolve();
    }
  });
}

/** Each page's first request after start, with the admin's session: the server time of its first render. */
async function firstRenders(baseUrl: string, cookie: string): Promise<Record<string, number>> {
  const times: Record<string, number> = {};
  for (const page of PAGES) {
    const t0 = performance.now();
    const response = await fetch(`${baseUrl}${page}`, { headers: { cookie }, redirect: "manual" });
    await response.text();
    if (response.status !== 200) throw new Error(`${page} answered ${response.status}`);
    times[page] = round(performance.now() - t0);
  }
  return times;
}

const bench: Bench = {
  name: "main-command",
  description: "The README's main command on a fresh clone: install, build, start, first pages",
  async run({ root, scope, log }) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "scm-main-command-"));
    scope.add(`remove ${dir}`, () => fs.rmSync(dir, { recursive: true, force: true }));
    const clone = spawnSync("git", ["clone", "-q", root, dir], { encoding: "utf8" });
    if (clone.status !== 0) throw new Error(`git clone failed: ${clone.stderr}`);
    const head = spawnSync("git", ["-C", dir, "log", "-1", "--format=%h %s"], { encoding: "utf8" }).stdout.trim();
    log(`fresh clone of ${head.slice(0, 60)} in ${dir} (committed work only)`);
    const port = await freeLoopbackPort();
    const baseUrl = `http://localhost:${port}`;

    // Cold: `npm ci && npm start` from nothing (install, production build, migrations, start).
    log("cold start: npm ci && npm start (installs and builds: several minutes)");
    const cold = await mainCommand(dir, "npm ci --no-audit --no-fund --loglevel=error && npm start", port, log);
    scope.add("stop the cold start", () => stop(cold.child));
    const buildLine = /Production build ready/.test(cold.output()) ? "built" : "no build seen";
    log(`cold: first page after ${ms(cold.readyMs)} (${buildLine})`);

    const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium", args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync"] });
    scope.add("close the browser", () => browser.close());
    const page = await browser.newPage();
    await page.goto(`${baseUrl}/setup`);
    await page.getByLabel("Organization name").fill(ADMIN.org);
    await page.getByLabel("Your name").fill(ADMIN.name);
    await page.getByLabel("Email").fill(ADMIN.email);
    await page.getByLabel("Password").fill(ADMIN.password);
    await page.getByRole("button", { name: "Create organization" }).click();
    await page.waitForURL(/\/settings\/members$/, { timeout: 60_000 });
    const cookie = (await page.context().cookies()).map((c) => `${c.name}=${c.value}`).join("; ");
    // The local runner registers itself once setup made the organization.
    const runnerDeadline = Date.now() + 60_000;
    while (!/Local runner "[^"]+" connected/.test(cold.output()) && Date.now() < runnerDeadline) await new Promise((r) => setTimeout(r, 200));
    const runnerConnected = /Local runner "[^"]+" connected/.test(cold.output());
    // The first render of each page in this process (setup only rendered Members).
    const coldRenders = await firstRenders(baseUrl, cookie);
    await stop(cold.child);

    // Warm: the second `npm start`, with the build in place.
    log("warm start: npm start");
    const warm = await mainCommand(dir, "npm start", port, log);
    scope.add("stop the warm start", () => stop(warm.child));
    const rebuilt = /building again|Building the production app/.test(warm.output());
    const warmRenders = await firstRenders(baseUrl, cookie);
    const readyLine = warm.output().split("\n").find((l) => l.includes("is ready in")) ?? "";
    await stop(warm.child);

    const worstCold = Math.max(...Object.values(coldRenders));
    const worstWarm = Math.max(...Object.values(warmRenders));
    const budgets: BenchBudget[] = [
      { label: `slowest first render after the cold start < ${BUDGET_FIRST_RENDER_MS} ms`, op: "<", metric: "cold_first_render_max_ms", value: worstCold, limit: BUDGET_FIRST_RENDER_MS },
      { label: `slowest first render after the warm start < ${BUDGET_FIRST_RENDER_MS} ms`, op: "<", metric: "warm_first_render_max_ms", value: worstWarm, limit: BUDGET_FIRST_RENDER_MS },
    ];
    const rows: Array<[string, string]> = [
      ["clone", head.slice(0, 70)],
      ["cold: npm ci && npm start → first page", ms(cold.readyMs)],
      ["warm: npm start → first page", `${ms(warm.readyMs)}${rebuilt ? " (rebuilt!)" : " (no rebuild)"}`],
      ["warm: app's own ready line", readyLine.trim()],
      ["local runner connected after setup", runnerConnected ? "yes" : "NO"],
      ...PAGES.map((p): [string, string] => [`first render ${p}`, `cold ${ms(coldRenders[p]!)}, warm ${ms(warmRenders[p]!)}`]),
    ];
    return {
      title: "The main command on a fresh clone (npm ci && npm start), then npm start again",
      rows,
      budgets,
      figures: { cold_ready_ms: cold.readyMs, warm_ready_ms: warm.readyMs, warm_rebuilt: rebuilt, runner_connected: runnerConnected, cold_first_render_ms: coldRenders, warm_first_render_ms: warmRenders, cold_first_render_max_ms: worstCold, warm_first_render_max_ms: worstWarm },
    };
  },
};

export default bench;
