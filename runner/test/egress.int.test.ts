import crypto from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { Database } from "@/db/client";
import { awaitJob } from "@/lib/runners/jobs/await-job";
import { enqueueJob } from "@/lib/runners/jobs/enqueue-job";
import type { IntegrationTestResult } from "@/lib/runners/protocol";
import { startRunnerApiServer, type RunnerApiServer } from "@/tests/helpers/runner-api-server";
import { testEngines } from "@/tests/helpers/test-database";
import { integrationTestPayload, registeredRunner, removeTempDirs } from "./support/fixtures";
import { killAllRunners, spawnRunner, stopRunner, type RunnerProcess } from "./support/runner-process";

vi.setConfig({ testTimeout: 120_000 });

/**
 * A production runner (no SCM_ALLOW_LOOPBACK_HOSTS) asked by its plane to test a host on loopback
 * (a plane that allows the provider sandbox, or an admin probing the runner's own machine): the
 * runner resolves the host, refuses, and sends nothing there.
 */
describe("a runner without SCM_ALLOW_LOOPBACK_HOSTS", () => {
  const engine = testEngines()[0]!;
  /** Whatever listens on the runner's loopback: it counts what reaches it. */
  let local: http.Server;
  let localUrl: string;
  let reached = 0;
  let database: Database;
  let api: RunnerApiServer;
  let runner: RunnerProcess;
  let ctx: Awaited<ReturnType<typeof registeredRunner>>;

  beforeAll(async () => {
    local = http.createServer((_req, res) => {
      reached++;
      res.end("{}");
    });
    await new Promise<void>((resolve) => local.listen(0, "127.0.0.1", resolve));
    localUrl = `http://127.0.0.1:${(local.address() as AddressInfo).port}`;
    database = await engine.open();
    api = await startRunnerApiServer(database);
    ctx = await registeredRunner(database.db, api.url);
    runner = spawnRunner(["start", "--data-dir", ctx.dataDir], { SCM_ALLOW_LOOPBACK_HOSTS: "0" });
    await runner.waitForLog((l) => l.event === "runner.connected");
  });

  afterAll(async () => {
    if (runner) await stopRunner(runner);
    await killAllRunners();
    await api?.close();
    await database?.close();
    await new Promise<void>((resolve) => (local ? local.close(() => resolve()) : resolve()));
    removeTempDirs();
  });

  it.each([
    ["the loopback address", (url: string) => url],
    ["a name that resolves to loopback", (url: string) => url.replace("127.0.0.1", "localhost")],
  ])("refuses Save & Test against %s before sending anything", async (_label, spell) => {
    const payload = await integrationTestPayload({ runnerId: ctx.runnerId, publicKey: ctx.publicKey, provider: "github", url: spell(localUrl) });
    const { job } = await enqueueJob(database.db, {
      orgId: ctx.admin.orgId,
      runnerId: ctx.runnerId,
      kind: "integration.test",
      payload,
      idempotencyKey: crypto.randomUUID(),
      deadlineAt: new Date(Date.now() + 15_000),
      maxAttempts: 1,
    });
    const done = await awaitJob({ database, orgId: ctx.admin.orgId, jobId: job.id });
    const checks = (done.result as IntegrationTestResult).checks;
    expect(checks).toHaveLength(1);
    expect(checks[0]).toMatchObject({ id: "reachable", ok: false, code: "host_address_refused", field: "host" });
    expect(checks[0]!.message).toMatch(/loopback/);
    expect(reached).toBe(0);
  });
});
