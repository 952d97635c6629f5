import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq, sql } from "drizzle-orm";
import type { Database } from "@/db/client";
import { auditLog, runnerJobs, runners, runnerTokens } from "@/db/schema";
import { generateKeyPair } from "@/lib/crypto/sealed-box";
import { awaitJob, readJob } from "@/lib/runners/jobs/await-job";
import { claimJobs, releaseClaimedJobs } from "@/lib/runners/jobs/claim-jobs";
import { enqueueJob } from "@/lib/runners/jobs/enqueue-job";
import { jobNotifierFor } from "@/lib/runners/jobs/job-notifier";
import { createRunner } from "@/lib/runners/create-runner";
import { deleteRunner } from "@/lib/runners/delete-runner";
import { listRunners } from "@/lib/runners/list-runners";
import { rotateRegistrationToken } from "@/lib/runners/rotate-registration-token";
import { RUNNER_API_PATH } from "@/lib/runners/protocol";
import { eventually } from "@/runner/test/support/fixtures";
import { seedOrg } from "../helpers/seed";
import { startRunnerApiServer, type RunnerApiServer } from "../helpers/runner-api-server";
import { testEngines } from "../helpers/test-database";

type Json = Record<string, unknown>;

describe.each(testEngines())("runner registration and job channel on $name", (engine) => {
  let database: Database;
  let api: RunnerApiServer;
  beforeAll(async () => {
    database = await engine.open();
    api = await startRunnerApiServer(database);
  });
  afterAll(async () => {
    await api.close();
    await database.close();
  });

  async function call(method: string, path: string, opts: { token?: string; body?: unknown } = {}): Promise<{ status: number; body: Json }> {
    const res = await fetch(`${api.url}${RUNNER_API_PATH}${path}`, {
      method,
      headers: { "content-type": "application/json", ...(opts.token ? { authorization: `Bearer ${opts.token}` } : {}) },
      body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
    });
    return { status: res.status, body: (await res.json()) as Json };
  }

  async function registered(name = `runner-${Math.random().toString(36).slice(2, 8)}`) {
    const { admin } = await seedOrg(database.db);
    const created = await createRunner({ db: database.db, actor: admin, name });
    const keys = await generateKeyPair();
    const res = await call("POST", "/register", { body: { registrationToken: created.registrationToken, publicKey: keys.publicKey, version: "1.0.0" } });
    expect(res.status).toBe(201);
    return { admin, runnerId: created.runnerId, token: res.body.accessToken as string, keys, registrationToken: created.registrationToken };
  }

  it("registers once with a fresh token; a reused, expired, rotated or unknown token is refused", async () => {
    const { admin, runnerId, token, registrationToken, keys } = await registered();
    expect(token).toMatch(/^scmr_at_/);
    const [row] = await database.db.select().from(runners).where(eq(runners.id, runnerId));
    expect(row).toMatchObject({ publicKey: keys.publicKey, version: "1.0.0" });
    // Only hashes are stored.
    const stored = await database.db.select({ hash: runnerTokens.tokenHash }).from(runnerTokens).where(eq(runnerTokens.runnerId, runnerId));
    expect(JSON.stringify(stored)).not.toContain(token);
    expect(JSON.stringify(stored)).not.toContain(registrationToken);

    const reused = await call("POST", "/register", { body: { registrationToken, publicKey: keys.publicKey, version: "1.0.0" } });
    expect(reused).toMatchObject({ status: 401, body: { error: { code: "registration_token_invalid" } } });

    const rotated = await rotateRegistrationToken({ db: database.db, actor: admin, runnerId });
    const fresh = await rotateRegistrationToken({ db: database.db, actor: admin, runnerId });
    const stale = await call("POST", "/register", { body: { registrationToken: rotated.registrationToken, publicKey: keys.publicKey, version: "1.0.0" } });
    expect(stale.body).toMatchObject({ error: { code: "registration_token_invalid" } });

    await database.db.update(runnerTokens).set({ expiresAt: sql`now() - interval '1 minute'` }).where(eq(runnerTokens.runnerId, runnerId));
    const expired = await call("POST", "/register", { body: { registrationToken: fresh.registrationToken, publicKey: keys.publicKey, version: "1.0.0" } });
    expect(expired.body).toMatchObject({ error: { code: "registration_token_invalid" } });

    const unknown = await call("POST", "/register", { body: { registrationToken: "scmr_reg_" + "x".repeat(43), publicKey: keys.publicKey, version: "1" } });
    expect(unknown.status).toBe(401);
    const malformed = await call("POST", "/register", { body: { registrationToken: "short", publicKey: "not-a-key", version: "" } });
    expect(malformed).toMatchObject({ status: 400, body: { error: { code: "validation_failed" } } });

    const audit = await database.db.select({ action: auditLog.action }).from(auditLog).where(eq(auditLog.targetId, runnerId));
    expect(audit.map((a) => a.action).sort()).toEqual(["runner.created", "runner.registered", "runner.registration_token_rotated", "runner.registration_token_rotated"]);
  });

  it("re-registering with a new key revokes the old access token", async () => {
    const { admin, runnerId, token } = await registered();
    const { registrationToken } = await rotateRegistrationToken({ db: database.db, actor: admin, runnerId });
    const keys = await generateKeyPair();
    const res = await call("POST", "/register", { body: { registrationToken, publicKey: keys.publicKey, version: "1.0.1" } });
    expect(res.status).toBe(201);
    expect((await call("GET", "/jobs?wait=0", { token })).body).toMatchObject({ error: { code: "runner_token_invalid" } });
    expect((await call("GET", "/jobs?wait=0", { token: res.body.accessToken as string })).status).toBe(200);
  });

  it("wakes a waiting long-poll as soon as a job is written, and hands each job out once", async () => {
    const { admin, runnerId, token } = await registered();
    // The API runs in this process, so its job notifier's count of parked waiters says when the
    // poll is waiting (its waiter is registered before it looks at the table, so a job written
    // from then on is never missed), however slowly the machine gets it there.
    const notifier = jobNotifierFor(database);
    const before = notifier.waiting();
    const polling = call("GET", "/jobs?wait=20", { token });
    await eventually(() => (notifier.waiting() > before ? true : undefined), 15_000, "the long-poll to be parked");
    const started = Date.now();
    await database.db.transaction(async (tx) => {
      await enqueueJob(tx, { orgId: admin.orgId, runnerId, kind: "integration.test", payload: { n: 1 }, idempotencyKey: "k1" });
    });
    const { body } = await polling;
    const elapsed = Date.now() - started;
    const jobs = body.jobs as Json[];
    expect(jobs).toHaveLength(1);
    expect(jobs[0]).toMatchObject({ kind: "integration.test", payload: { n: 1 }, attempt: 1, idempotencyKey: "k1" });
    // Woken by the notification, not by the 20 s timeout.
    expect(elapsed).toBeLessThan(5_000);
    expect((await call("GET", "/jobs?wait=0", { token })).body.jobs).toEqual([]);

    // Same idempotency key: the same job, not a second one.
    const again = await enqueueJob(database.db, { orgId: admin.orgId, runnerId, kind: "integration.test", payload: { n: 2 }, idempotencyKey: "k1" });
    expect(again).toMatchObject({ created: false, job: { id: jobs[0]!.id } });
  });

  it("hands back, without counting an attempt, jobs claimed for a poll whose runner hung up", async () => {
    const { admin, runnerId, token } = await registered();
    const { job } = await enqueueJob(database.db, { orgId: admin.orgId, runnerId, kind: "integration.test", payload: { n: 3 }, idempotencyKey: "hung-up" });
    const claimed = await claimJobs(database.db, runnerId);
    expect(claimed).toMatchObject([{ id: job.id, status: "running", attempts: 1 }]);
    await releaseClaimedJobs(database.db, runnerId, claimed);
    expect(await readJob({ db: database.db, orgId: admin.orgId, jobId: job.id })).toMatchObject({ status: "pending", attempts: 0 });
    // The runner's next poll gets it at once, as its first attempt.
    const { body } = await call("GET", "/jobs?wait=0", { token });
    expect(body.jobs).toMatchObject([{ id: job.id, attempt: 1 }]);
  });

  it("acknowledges results; a retryable failure is retried; another runner's token cannot touch the job", async () => {
    const a = await registered();
    const b = await registered();
    const { job } = await enqueueJob(database.db, { orgId: a.admin.orgId, runnerId: a.runnerId, kind: "integration.test", payload: {}, idempotencyKey: "r1", maxAttempts: 2 });
    const [claimed] = (await call("GET", "/jobs?wait=0", { token: a.token })).body.jobs as Json[];
    expect(claimed).toMatchObject({ id: job.id, attempt: 1 });

    const foreign = await call("POST", `/jobs/${job.id}/result`, { token: b.token, body: { attempt: 1, outcome: "succeeded", result: {} } });
    expect(foreign).toMatchObject({ status: 404, body: { error: { code: "not_found" } } });
    expect((await call("GET", "/jobs?wait=0", { token: b.token })).body.jobs).toEqual([]);

    const progress = await call("POST", `/jobs/${job.id}/progress`, { token: a.token, body: { attempt: 1, stage: "reachable" } });
    expect(progress.status).toBe(200);
    expect((await readJob({ db: database.db, orgId: a.admin.orgId, jobId: job.id }))?.progress).toBe("reachable");

    const retry = await call("POST", `/jobs/${job.id}/result`, { token: a.token, body: { attempt: 1, outcome: "failed", error: { code: "host_unreachable", message: "connect ECONNREFUSED", retryable: true } } });
    expect(retry.body).toMatchObject({ ok: true, status: "pending" });
    // A late answer for the same attempt is refused.
    const late = await call("POST", `/jobs/${job.id}/result`, { token: a.token, body: { attempt: 1, outcome: "succeeded", result: {} } });
    expect(late.body).toMatchObject({ error: { code: "job_not_claimed" } });

    await database.db.update(runnerJobs).set({ nextAt: sql`now()` }).where(eq(runnerJobs.id, job.id));
    const [second] = (await call("GET", "/jobs?wait=0", { token: a.token })).body.jobs as Json[];
    expect(second).toMatchObject({ id: job.id, attempt: 2 });
    const final = await call("POST", `/jobs/${job.id}/result`, { token: a.token, body: { attempt: 2, outcome: "failed", error: { code: "host_unreachable", message: "still down", retryable: true } } });
    expect(final.body).toMatchObject({ status: "failed" });
    expect(await readJob({ db: database.db, orgId: a.admin.orgId, jobId: job.id })).toMatchObject({ status: "failed", errorCode: "host_unreachable", attempts: 2 });
  });

  it("hands a job out again when its runner died mid-job, and refuses the dead attempt's late answer", async () => {
    const { admin, runnerId, token } = await registered();
    const { job } = await enqueueJob(database.db, { orgId: admin.orgId, runnerId, kind: "integration.test", payload: {}, idempotencyKey: "lease" });
    expect((await call("GET", "/jobs?wait=0", { token })).body.jobs).toHaveLength(1);
    await database.db.update(runnerJobs).set({ leaseExpiresAt: sql`now() - interval '1 second'` }).where(eq(runnerJobs.id, job.id));
    const [again] = (await call("GET", "/jobs?wait=0", { token })).body.jobs as Json[];
    expect(again).toMatchObject({ id: job.id, attempt: 2 });
    expect((await call("POST", `/jobs/${job.id}/result`, { token, body: { attempt: 1, outcome: "succeeded", result: { from: "dead" } } })).status).toBe(409);
    expect((await call("POST", `/jobs/${job.id}/result`, { token, body: { attempt: 2, outcome: "succeeded", result: { from: "alive" } } })).status).toBe(200);
    expect(await readJob({ db: database.db, orgId: admin.orgId, jobId: job.id })).toMatchObject({ status: "succeeded", result: { from: "alive" } });
  });

  it("a synchronous ask reports runner_offline when nobody picks the job up, operation_aborted when the runner does not finish", async () => {
    const { admin, runnerId, token } = await registered();
    const offline = await enqueueJob(database.db, { orgId: admin.orgId, runnerId, kind: "integration.test", payload: {}, idempotencyKey: "off", deadlineAt: new Date(Date.now() + 800) });
    expect(await awaitJob({ database, orgId: admin.orgId, jobId: offline.job.id })).toMatchObject({ status: "cancelled", errorCode: "runner_offline" });

    const slow = await enqueueJob(database.db, { orgId: admin.orgId, runnerId, kind: "integration.test", payload: {}, idempotencyKey: "slow", deadlineAt: new Date(Date.now() + 1500) });
    expect((await call("GET", "/jobs?wait=0", { token })).body.jobs).toHaveLength(1);
    const done = awaitJob({ database, orgId: admin.orgId, jobId: slow.job.id });
    expect(await done).toMatchObject({ status: "cancelled", errorCode: "operation_aborted" });
    // The runner's answer after the deadline changes nothing.
    expect((await call("POST", `/jobs/${slow.job.id}/result`, { token, body: { attempt: 1, outcome: "succeeded", result: {} } })).status).toBe(409);
  });

  it("wakes a result waiter when the runner answers", async () => {
    const { admin, runnerId, token } = await registered();
    const { job } = await enqueueJob(database.db, { orgId: admin.orgId, runnerId, kind: "integration.test", payload: {}, idempotencyKey: "w", deadlineAt: new Date(Date.now() + 20_000) });
    const waiting = awaitJob({ database, orgId: admin.orgId, jobId: job.id });
    const [claimed] = (await call("GET", "/jobs?wait=5", { token })).body.jobs as Json[];
    await call("POST", `/jobs/${claimed!.id}/result`, { token, body: { attempt: 1, outcome: "succeeded", result: { checks: [] } } });
    expect(await waiting).toMatchObject({ status: "succeeded", result: { checks: [] } });
  });

  it("refuses missing and unknown runner tokens, and deletes a runner with its tokens and jobs", async () => {
    expect((await call("GET", "/jobs")).body).toMatchObject({ error: { code: "runner_token_invalid" } });
    expect((await call("GET", "/jobs", { token: "scmr_at_nope" })).status).toBe(401);
    const { admin, runnerId, token } = await registered();
    await enqueueJob(database.db, { orgId: admin.orgId, runnerId, kind: "integration.test", payload: {}, idempotencyKey: "gone" });
    const {
      rows: [summary],
    } = await listRunners({ db: database.db, actor: admin, offlineAfterMs: 60_000 });
    expect(summary).toMatchObject({ id: runnerId, status: "online", version: "1.0.0" });
    expect(summary?.fingerprint).toMatch(/^([0-9a-f]{2}:){15}[0-9a-f]{2}$/);
    await deleteRunner({ db: database.db, actor: admin, runnerId });
    expect((await call("GET", "/jobs?wait=0", { token })).status).toBe(401);
    expect(await database.db.select().from(runnerJobs).where(eq(runnerJobs.runnerId, runnerId))).toHaveLength(0);
  });
});
