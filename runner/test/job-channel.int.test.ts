import crypto from "node:crypto";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { eq, sql } from "drizzle-orm";
import type { Database } from "@/db/client";
import { runnerJobs } from "@/db/schema";
import { awaitJob, readJob } from "@/lib/runners/jobs/await-job";
import { enqueueJob } from "@/lib/runners/jobs/enqueue-job";
import { RUNNER_API_PATH, type IntegrationTestResult } from "@/lib/runners/protocol";
import type { Actor } from "@/lib/users/actor";
import { startSandbox, type OAuthAppDto, type Sandbox } from "@/sandbox";
import { startRunnerApiServer, type RunnerApiServer } from "@/tests/helpers/runner-api-server";
import { testEngines } from "@/tests/helpers/test-database";
import { eventually, integrationTestPayload, registeredRunner, removeTempDirs, storedAccessToken } from "./support/fixtures";
import { startRecordingProxy, type RecordingProxy } from "./support/recording-proxy";
import { killAllRunners, spawnRunner, stopRunner, type RunnerProcess } from "./support/runner-process";

// Every test here starts real runner processes; on a busy machine that alone takes seconds.
vi.setConfig({ testTimeout: 120_000 });

/** Short leases, so a job whose runner died comes back in seconds rather than a minute. */
const LEASE_SECONDS = 6;
const TOKEN_PATH = "/login/oauth/access_token";

let sandbox: Sandbox;
let app: OAuthAppDto;

beforeAll(async () => {
  sandbox = await startSandbox({ validateGithub: false });
  app = await sandbox.admin.registerOAuthApp({ provider: "github", callbackUrls: ["http://localhost:3000/cb"] });
});

afterAll(async () => {
  await killAllRunners();
  await sandbox?.close();
  removeTempDirs();
});

describe.each(testEngines())("the job channel under a real runner process on $name", (engine) => {
  let database: Database;
  let api: RunnerApiServer;
  let proxy: RecordingProxy;
  let ctx: { admin: Actor; runnerId: string; publicKey: string; dataDir: string };
  let current: RunnerProcess | null = null;

  beforeAll(async () => {
    database = await engine.open();
    api = await startRunnerApiServer(database, { leaseSeconds: LEASE_SECONDS });
    proxy = await startRecordingProxy(api.url);
    ctx = await registeredRunner(database.db, proxy.url);
  });

  afterAll(async () => {
    if (current) await stopRunner(current);
    await proxy?.close();
    await api?.close();
    await database?.close();
  });

  async function startRunner(extra: string[] = []): Promise<RunnerProcess> {
    current = spawnRunner(["start", "--data-dir", ctx.dataDir, ...extra]);
    await current.waitForLog((l) => l.event === "runner.connected" || l.event === "plane.reconnected");
    return current;
  }

  async function enqueueTest(label: string): Promise<string> {
    const payload = await integrationTestPayload({ runnerId: ctx.runnerId, publicKey: ctx.publicKey, provider: "github", url: sandbox.urls.github.web, oauth: { clientId: app.clientId, clientSecret: app.clientSecret } });
    const { job } = await enqueueJob(database.db, {
      orgId: ctx.admin.orgId,
      runnerId: ctx.runnerId,
      kind: "integration.test",
      payload,
      idempotencyKey: `${label}-${crypto.randomUUID()}`,
      deadlineAt: new Date(Date.now() + 30_000),
      maxAttempts: 3,
    });
    return job.id;
  }

  /** Makes the next token-endpoint request hang and resolves once a runner is stuck in it. */
  async function hangNextTokenRequest(): Promise<() => Promise<void>> {
    const since = Date.now();
    await sandbox.admin.addFault({ provider: "github", host: "web", method: "POST", path: TOKEN_PATH, kind: "hang", count: 1 });
    return async () => {
      await eventually(() => sandbox.admin.requests({ provider: "github", since }).find((r) => r.path === TOKEN_PATH && r.fault === "hang"), 15_000, "the hanging token request");
    };
  }

  const exchanges = () => sandbox.admin.tokenEndpointCounters().github.authorization_code;
  const allOk = (result: unknown) => (result as IntegrationTestResult).checks.every((c) => c.ok) && (result as IntegrationTestResult).checks.length === 3;

  it("killed (SIGKILL) mid-job and restarted: the job is handed out again after its lease and finishes once; a job written while it was down is not lost", async () => {
    const exchangesBefore = exchanges();
    const stuck = await hangNextTokenRequest();
    const first = await startRunner();
    const jobId = await enqueueTest("killed");
    await stuck();
    expect(await readJob({ db: database.db, orgId: ctx.admin.orgId, jobId })).toMatchObject({ status: "running", attempts: 1, progress: "oauth_client" });

    first.child.kill("SIGKILL");
    expect((await first.exited).signal).toBe("SIGKILL");
    const whileDown = await enqueueTest("while-down");

    const second = await startRunner(["--grace-seconds", "0.3"]);
    const [done, other] = await Promise.all([awaitJob({ database, orgId: ctx.admin.orgId, jobId }), awaitJob({ database, orgId: ctx.admin.orgId, jobId: whileDown })]);
    expect(done).toMatchObject({ status: "succeeded", attempts: 2 });
    expect(allOk(done.result)).toBe(true);
    // Written while no runner was up, it still runs. (It may take a second attempt: a long-poll of
    // the killed runner can claim it before the plane notices that runner's connection is gone.)
    expect(other).toMatchObject({ status: "succeeded" });

    // The dead attempt's answer, arriving late, is refused; the accepted result stays.
    const late = await fetch(`${api.url}${RUNNER_API_PATH}/jobs/${jobId}/result`, {
      method: "POST",
      headers: { authorization: `Bearer ${storedAccessToken(ctx.dataDir)}`, "content-type": "application/json" },
      body: JSON.stringify({ attempt: 1, outcome: "failed", error: { code: "host_unreachable", message: "late" } }),
    });
    expect(late.status).toBe(409);
    expect(((await late.json()) as { error: { code: string } }).error.code).toBe("job_not_claimed");
    expect(await readJob({ db: database.db, orgId: ctx.admin.orgId, jobId })).toMatchObject({ status: "succeeded", attempts: 2 });

    // Exactly one finished attempt per job, and one code exchange per job at the provider: the
    // killed attempt's request never got through.
    const finished = [...first.logs(), ...second.logs()].filter((l) => l.event === "job.finished");
    expect(finished.filter((l) => l.jobId === jobId)).toEqual([expect.objectContaining({ attempt: 2, outcome: "succeeded" })]);
    expect(finished.filter((l) => l.jobId === whileDown)).toEqual([expect.objectContaining({ outcome: "succeeded" })]);
    expect(exchanges() - exchangesBefore).toBe(2);
  });

  it("stops cleanly on SIGTERM mid-job: the job is handed back as retryable and the next runner finishes it", async () => {
    const runner = current ?? (await startRunner(["--grace-seconds", "0.3"]));
    const stuck = await hangNextTokenRequest();
    const jobId = await enqueueTest("sigterm");
    await stuck();
    runner.child.kill("SIGTERM");
    expect(await runner.exited).toEqual({ code: 0, signal: null });
    expect(runner.logs().map((l) => l.event)).toEqual(expect.arrayContaining(["runner.draining", "runner.stopped"]));
    expect(runner.logs().find((l) => l.event === "job.finished" && l.jobId === jobId)).toMatchObject({ outcome: "aborted", errorCode: "operation_aborted" });
    expect(await readJob({ db: database.db, orgId: ctx.admin.orgId, jobId })).toMatchObject({ status: "pending", attempts: 1, errorCode: "operation_aborted" });

    // Skip the retry backoff instead of waiting it out.
    await database.db.update(runnerJobs).set({ nextAt: sql`now()` }).where(eq(runnerJobs.id, jobId));
    await startRunner();
    const done = await awaitJob({ database, orgId: ctx.admin.orgId, jobId });
    expect(done).toMatchObject({ status: "succeeded", attempts: 2 });
  });

  it("reconnects with backoff when the management plane goes away, and then picks up what was written meanwhile", async () => {
    const runner = current ?? (await startRunner());
    await proxy.pause();
    await runner.waitForLog((l) => l.event === "plane.unreachable");
    const jobId = await enqueueTest("offline");
    await proxy.resume();
    await runner.waitForLog((l) => l.event === "plane.reconnected");
    const done = await awaitJob({ database, orgId: ctx.admin.orgId, jobId });
    expect(done).toMatchObject({ status: "succeeded" });
    expect(allOk(done.result)).toBe(true);
    // Done once. (A poll the proxy cut can be claimed on the plane before it notices the hang-up;
    // that answer is lost on the wire and the job's lease lets it go again: a second attempt, never
    // a second run.)
    expect(runner.logs().filter((l) => l.event === "job.started" && l.jobId === jobId)).toHaveLength(1);
    expect(done.attempts).toBeLessThanOrEqual(2);

    const started = Date.now();
    expect(await stopRunner(runner)).toEqual({ code: 0, signal: null });
    expect(Date.now() - started).toBeLessThan(3_000);
    current = null;
  });
});
