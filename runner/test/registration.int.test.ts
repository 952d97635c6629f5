import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { eq, sql } from "drizzle-orm";
import type { Database } from "@/db/client";
import { runners, runnerTokens } from "@/db/schema";
import { fingerprintOf } from "@/lib/crypto/sealed-box";
import { createRunner } from "@/lib/runners/create-runner";
import { deleteRunner } from "@/lib/runners/delete-runner";
import { RUNNER_API_PATH } from "@/lib/runners/protocol";
import { rotateRegistrationToken } from "@/lib/runners/rotate-registration-token";
import { startRunnerApiServer, type RunnerApiServer } from "@/tests/helpers/runner-api-server";
import { seedOrg } from "@/tests/helpers/seed";
import { testEngines } from "@/tests/helpers/test-database";
import { closedPort, removeTempDirs, storedAccessToken, tempDataDir } from "./support/fixtures";
import { killAllRunners, runRunner, spawnRunner, stopRunner } from "./support/runner-process";

// Every test here starts real runner processes; on a busy machine that alone takes seconds.
vi.setConfig({ testTimeout: 120_000 });

afterAll(async () => {
  await killAllRunners();
  removeTempDirs();
});

const BOOTSTRAP_SECRET = "local-bootstrap-secret-for-tests-0123456789";
const mode = (file: string) => fs.statSync(file).mode & 0o777;
const readKey = (dir: string) => JSON.parse(fs.readFileSync(path.join(dir, "runner-key.json"), "utf8")) as { publicKey: string; privateKey: string };

describe.each(testEngines())("runner registration through the CLI on $name", (engine) => {
  let database: Database;
  let api: RunnerApiServer;
  beforeAll(async () => {
    database = await engine.open();
    api = await startRunnerApiServer(database);
  });
  afterAll(async () => {
    await api?.close();
    await database?.close();
  });

  async function newRunner() {
    const { admin } = await seedOrg(database.db);
    const created = await createRunner({ db: database.db, actor: admin, name: `r-${Math.random().toString(36).slice(2, 8)}` });
    return { admin, ...created };
  }

  async function me(token: string): Promise<number> {
    return (await fetch(`${api.url}${RUNNER_API_PATH}/me`, { headers: { authorization: `Bearer ${token}` } })).status;
  }

  it("registers with a good token: prints id and fingerprint, keeps the key 0600 in a 0700 directory; a reused token is refused and changes nothing", async () => {
    const { runnerId, registrationToken } = await newRunner();
    const dataDir = tempDataDir();
    const run = await runRunner(["register", "--url", api.url, "--token", registrationToken, "--data-dir", dataDir]);
    expect(run.code, run.stderr).toBe(0);

    const [row] = await database.db.select().from(runners).where(eq(runners.id, runnerId));
    const key = readKey(dataDir);
    expect(row?.publicKey).toBe(key.publicKey);
    expect(run.stdout).toContain(runnerId);
    expect(run.stdout).toContain(await fingerprintOf(key.publicKey));
    expect(mode(dataDir)).toBe(0o700);
    expect(mode(path.join(dataDir, "runner-key.json"))).toBe(0o600);
    expect(mode(path.join(dataDir, "credentials.json"))).toBe(0o600);
    // Neither the private key nor the tokens are ever printed.
    expect(run.stdout + run.stderr).not.toContain(key.privateKey);
    expect(run.stdout + run.stderr).not.toContain(registrationToken);
    expect(run.stdout + run.stderr).not.toContain(storedAccessToken(dataDir));
    expect(await me(storedAccessToken(dataDir))).toBe(200);

    const before = fs.readFileSync(path.join(dataDir, "runner-key.json"), "utf8");
    const reused = await runRunner(["register", "--url", api.url, "--token", registrationToken, "--data-dir", dataDir]);
    expect(reused.code).toBe(3);
    expect(reused.stderr).toContain("Registration token not valid (registration_token_invalid)");
    expect(reused.stderr).toMatch(/rotate the runner's registration token/);
    expect(fs.readFileSync(path.join(dataDir, "runner-key.json"), "utf8")).toBe(before);
    expect(await me(storedAccessToken(dataDir))).toBe(200);
  });

  it("refuses an expired token with exit code 3 and says why", async () => {
    const { runnerId, registrationToken } = await newRunner();
    await database.db.update(runnerTokens).set({ expiresAt: sql`now() - interval '1 minute'` }).where(eq(runnerTokens.runnerId, runnerId));
    const dataDir = tempDataDir();
    const run = await runRunner(["register", "--url", api.url, "--token", registrationToken, "--data-dir", dataDir]);
    expect(run.code).toBe(3);
    expect(run.stderr).toContain("registration_token_invalid");
    expect(run.stderr).toMatch(/expired/);
    expect(fs.existsSync(path.join(dataDir, "credentials.json"))).toBe(false);
  });

  it("re-registering with a rotated token rotates the key and revokes the old access token; start then stops on a deleted runner with exit 4", async () => {
    const { admin, runnerId, registrationToken } = await newRunner();
    const dataDir = tempDataDir();
    expect((await runRunner(["register", "--url", api.url, "--token", registrationToken, "--data-dir", dataDir])).code).toBe(0);
    const first = { key: readKey(dataDir), token: storedAccessToken(dataDir) };

    const { registrationToken: rotated } = await rotateRegistrationToken({ db: database.db, actor: admin, runnerId });
    const again = await runRunner(["register", "--url", `${api.url}${RUNNER_API_PATH}/`, "--token", rotated, "--data-dir", dataDir]);
    expect(again.code, again.stderr).toBe(0);
    const second = readKey(dataDir);
    expect(second.publicKey).not.toBe(first.key.publicKey);
    expect((await database.db.select().from(runners).where(eq(runners.id, runnerId)))[0]?.publicKey).toBe(second.publicKey);
    expect(await me(first.token)).toBe(401);
    expect(await me(storedAccessToken(dataDir))).toBe(200);

    await deleteRunner({ db: database.db, actor: admin, runnerId });
    const start = await runRunner(["start", "--data-dir", dataDir]);
    expect(start.code).toBe(4);
    expect(start.stderr).toContain("runner_token_invalid");
    expect(start.stderr).toMatch(/Register it again/);
  });

  it("explains the other failures: start before register (2), an unreachable plane (5), bad arguments (2)", async () => {
    const port = await closedPort();
    const [notRegistered, unreachable, usage] = await Promise.all([
      runRunner(["start", "--data-dir", tempDataDir()]),
      runRunner(["register", "--url", `http://127.0.0.1:${port}`, "--token", "scmr_reg_" + "x".repeat(43), "--data-dir", tempDataDir()]),
      runRunner(["register", "--url", api.url]),
    ]);
    expect(notRegistered.code).toBe(2);
    expect(notRegistered.stderr).toMatch(/not registered/);
    expect(unreachable.code).toBe(5);
    expect(unreachable.stderr).toMatch(/cannot reach the management plane/);
    expect(unreachable.stderr).toMatch(/refused/);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toMatch(/needs --url and --token/);
  });
});

describe.each(testEngines())("the embedded runner of npm run dev on $name", (engine) => {
  // A database of its own: first-run setup must not have happened yet.
  let database: Database;
  let api: RunnerApiServer;
  beforeAll(async () => {
    database = await engine.open();
    api = await startRunnerApiServer(database, { localBootstrapSecret: BOOTSTRAP_SECRET });
  });
  afterAll(async () => {
    await api?.close();
    await database?.close();
  });

  it("embedded (npm run dev): waits quietly for first-run setup, then registers as the Local runner and connects", async () => {
    const dataDir = tempDataDir();
    const runner = spawnRunner(["start", "--embedded", "--data-dir", dataDir], { RUNNER_PLANE_URL: api.url, LOCAL_RUNNER_BOOTSTRAP_SECRET: BOOTSTRAP_SECRET });
    await runner.waitForLog((l) => l.event === "runner.awaiting_setup");
    await seedOrg(database.db);
    const connected = await runner.waitForLog((l) => l.event === "runner.connected");
    expect(connected).toMatchObject({ name: "Local runner" });
    const [row] = await database.db.select().from(runners).where(eq(runners.id, connected.runnerId as string));
    expect(row?.publicKey).toBe(readKey(dataDir).publicKey);
    expect(mode(path.join(dataDir, "runner-key.json"))).toBe(0o600);
    expect(runner.logs().filter((l) => l.event === "runner.awaiting_setup")).toHaveLength(1);
    expect(await stopRunner(runner)).toEqual({ code: 0, signal: null });
  });
});
