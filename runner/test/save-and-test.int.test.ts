import crypto from "node:crypto";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { Database } from "@/db/client";
import { generateKeyPair } from "@/lib/crypto/sealed-box";
import { awaitJob, readJob, type JobView } from "@/lib/runners/jobs/await-job";
import { enqueueJob } from "@/lib/runners/jobs/enqueue-job";
import type { IntegrationTestPayload, IntegrationTestResult } from "@/lib/runners/protocol";
import type { Actor } from "@/lib/users/actor";
import { startSandbox, type OAuthAppDto, type Sandbox } from "@/sandbox";
import { startRunnerApiServer, type RunnerApiServer } from "@/tests/helpers/runner-api-server";
import { testEngines } from "@/tests/helpers/test-database";
import { closedPort, dumpDatabase, integrationTestPayload, registeredRunner, removeTempDirs } from "./support/fixtures";
import { startRecordingProxy, type RecordingProxy } from "./support/recording-proxy";
import { killAllRunners, spawnRunner, stopRunner, type RunnerProcess } from "./support/runner-process";

// Every test here starts real runner processes; on a busy machine that alone takes seconds.
vi.setConfig({ testTimeout: 120_000 });

const CALLBACK = "http://localhost:3000/api/scm/oauth/callback/test";
/** Every client secret used here: none may ever show up in the database, a runner API response or the runner's output. */
const canaries: string[] = [];
const canary = (label: string) => {
  const value = `canary-${label}-${crypto.randomBytes(12).toString("hex")}`;
  canaries.push(value);
  return value;
};

let sandbox: Sandbox;
const apps: { github?: OAuthAppDto; gitlab?: OAuthAppDto; azure?: OAuthAppDto; bitbucket?: OAuthAppDto } = {};
const AZURE_TENANT = "contoso-tenant";

beforeAll(async () => {
  sandbox = await startSandbox({ validateGithub: false });
  apps.github = await sandbox.admin.registerOAuthApp({ provider: "github", callbackUrls: [CALLBACK], clientSecret: canary("github") });
  apps.gitlab = await sandbox.admin.registerOAuthApp({ provider: "gitlab", callbackUrls: [CALLBACK], scopes: ["api", "read_user"], clientSecret: canary("gitlab") });
  apps.azure = await sandbox.admin.registerOAuthApp({ provider: "azure-devops", callbackUrls: [CALLBACK], tenant: AZURE_TENANT, clientSecret: canary("azure") });
  apps.bitbucket = await sandbox.admin.registerOAuthApp({ provider: "bitbucket", callbackUrls: [CALLBACK], scopes: ["account"], clientSecret: canary("bitbucket") });
});

afterAll(async () => {
  await killAllRunners();
  await sandbox?.close();
  removeTempDirs();
});

describe.each(testEngines())("Save & Test through a runner process on $name", (engine) => {
  let database: Database;
  let api: RunnerApiServer;
  let proxy: RecordingProxy;
  let runner: RunnerProcess;
  let ctx: { admin: Actor; runnerId: string; publicKey: string; dataDir: string };

  beforeAll(async () => {
    database = await engine.open();
    api = await startRunnerApiServer(database);
    proxy = await startRecordingProxy(api.url);
    ctx = await registeredRunner(database.db, proxy.url);
    runner = spawnRunner(["start", "--data-dir", ctx.dataDir]);
    await runner.waitForLog((l) => l.event === "runner.connected");
  });

  afterAll(async () => {
    if (runner) await stopRunner(runner);
    await proxy?.close();
    await api?.close();
    await database?.close();
  });

  async function saveAndTest(payload: IntegrationTestPayload, deadlineMs = 15_000): Promise<JobView> {
    const { job } = await enqueueJob(database.db, {
      orgId: ctx.admin.orgId,
      runnerId: ctx.runnerId,
      kind: "integration.test",
      payload,
      idempotencyKey: crypto.randomUUID(),
      deadlineAt: new Date(Date.now() + deadlineMs),
      maxAttempts: 3,
    });
    return awaitJob({ database, orgId: ctx.admin.orgId, jobId: job.id });
  }
  const payloadFor = (opts: Omit<Parameters<typeof integrationTestPayload>[0], "runnerId" | "publicKey">) => integrationTestPayload({ runnerId: ctx.runnerId, publicKey: ctx.publicKey, ...opts });
  const checksOf = (job: JobView) => (job.result as IntegrationTestResult).checks.map(({ durationMs, ...check }) => (expect(durationMs).toBeGreaterThanOrEqual(0), check));
  const allOk = [
    { id: "reachable", ok: true },
    { id: "api", ok: true },
    { id: "oauth_client", ok: true },
  ];

  it("passes every check with good credentials on GitHub (Enterprise Server layout), reporting each stage first", async () => {
    const job = await saveAndTest(await payloadFor({ provider: "github", url: sandbox.urls.github.web, oauth: { clientId: apps.github!.clientId, clientSecret: apps.github!.clientSecret } }));
    expect(job).toMatchObject({ status: "succeeded", attempts: 1, progress: "oauth_client" });
    expect(checksOf(job)).toEqual(allOk);
    const stages = runner.logs().filter((l) => l.event === "job.stage" && l.jobId === job.id).map((l) => l.stage);
    expect(stages).toEqual(["reachable", "api", "oauth_client"]);
  });

  it("passes every check with good credentials on GitLab, Bitbucket Cloud, and Azure DevOps through Entra ID", async () => {
    const gitlab = await saveAndTest(await payloadFor({ provider: "gitlab", url: sandbox.urls.gitlab.web, oauth: { clientId: apps.gitlab!.clientId, clientSecret: apps.gitlab!.clientSecret } }));
    expect(gitlab.status).toBe("succeeded");
    expect(checksOf(gitlab)).toEqual(allOk);

    const bitbucket = await saveAndTest(await payloadFor({ provider: "bitbucket", url: sandbox.urls.bitbucket.web, oauth: { clientId: apps.bitbucket!.clientId, clientSecret: apps.bitbucket!.clientSecret } }));
    expect(checksOf(bitbucket)).toEqual(allOk);

    const azure = await saveAndTest(
      await payloadFor({
        provider: "azure_devops",
        url: sandbox.urls.azure.web,
        virtualDirectory: "contoso",
        issuerUrl: `${sandbox.urls.azure.entra}/${AZURE_TENANT}/v2.0`,
        oauth: { clientId: apps.azure!.clientId, clientSecret: apps.azure!.clientSecret },
      }),
    );
    expect(checksOf(azure)).toEqual(allOk);
  });

  it("reports a wrong client secret on the secret field, and an unknown client id on the id field", async () => {
    const github = await saveAndTest(await payloadFor({ provider: "github", url: sandbox.urls.github.web, oauth: { clientId: apps.github!.clientId, clientSecret: canary("wrong-github") } }));
    expect(github.status).toBe("succeeded");
    expect(checksOf(github)[2]).toMatchObject({ id: "oauth_client", ok: false, code: "oauth_client_invalid", field: "oauthClientSecret" });

    const gitlab = await saveAndTest(await payloadFor({ provider: "gitlab", url: sandbox.urls.gitlab.web, oauth: { clientId: apps.gitlab!.clientId, clientSecret: canary("wrong-gitlab") } }));
    expect(checksOf(gitlab)[2]).toMatchObject({ ok: false, code: "oauth_client_invalid", field: "oauthClientSecret" });

    const bitbucket = await saveAndTest(await payloadFor({ provider: "bitbucket", url: sandbox.urls.bitbucket.web, oauth: { clientId: apps.bitbucket!.clientId, clientSecret: canary("wrong-bitbucket") } }));
    expect(checksOf(bitbucket)[2]).toMatchObject({ ok: false, code: "oauth_client_invalid", field: "oauthClientSecret" });

    const unknownId = await saveAndTest(await payloadFor({ provider: "github", url: sandbox.urls.github.web, oauth: { clientId: "Iv1.unknownclient", clientSecret: canary("unknown-id") } }));
    expect(checksOf(unknownId)[2]).toMatchObject({ ok: false, code: "oauth_client_invalid", field: "oauthClientId" });
  });

  it("reports an unreachable host on the host field, and a host that is not the selected provider", async () => {
    const port = await closedPort();
    const unreachable = await saveAndTest(await payloadFor({ provider: "github", url: `http://127.0.0.1:${port}`, oauth: { clientId: "x", clientSecret: canary("unreachable") } }));
    expect(unreachable.status).toBe("succeeded");
    const [reachable, ...rest] = checksOf(unreachable);
    expect(reachable).toMatchObject({ id: "reachable", ok: false, code: "host_unreachable", field: "host" });
    expect(reachable?.message).toMatch(/refused/);
    expect(rest).toEqual([]);

    const wrongProvider = await saveAndTest(await payloadFor({ provider: "gitlab", url: sandbox.urls.github.web }));
    expect(checksOf(wrongProvider)).toEqual([
      { id: "reachable", ok: true },
      expect.objectContaining({ id: "api", ok: false, code: "api_unexpected_response", field: "host" }),
    ]);
  });

  it("ends a Save & Test on a hanging host at its deadline with operation_aborted, and the runner stops working on it", async () => {
    const fault = await sandbox.admin.addFault({ provider: "github", host: "web", kind: "hang" });
    try {
      const started = Date.now();
      const job = await saveAndTest(await payloadFor({ provider: "github", url: sandbox.urls.github.web, oauth: { clientId: apps.github!.clientId, clientSecret: apps.github!.clientSecret } }), 2_000);
      // Whichever side notices the deadline first (the plane cancels, or the runner reports its
      // abort), the ask ends then, with the same code, and does not retry.
      expect(job).toMatchObject({ errorCode: "operation_aborted", attempts: 1 });
      expect(["cancelled", "failed"]).toContain(job.status);
      expect(Date.now() - started).toBeLessThan(8_000);
      // The runner dropped the hanging request at the deadline, not at its 10 s request timeout.
      const finished = await runner.waitForLog((l) => l.event === "job.finished" && l.jobId === job.id, 5_000);
      expect(finished).toMatchObject({ outcome: "aborted", errorCode: "operation_aborted" });
      expect(finished.durationMs as number).toBeLessThan(6_000);
      expect(await readJob({ db: database.db, orgId: ctx.admin.orgId, jobId: job.id })).toMatchObject({ status: job.status, errorCode: "operation_aborted" });
    } finally {
      await sandbox.admin.removeFault(fault.id);
    }
  });

  it("fails the job with sealed_secret_invalid when the secret was sealed for another runner or host", async () => {
    const other = await generateKeyPair();
    const foreign = await integrationTestPayload({ runnerId: ctx.runnerId, publicKey: other.publicKey, provider: "github", url: sandbox.urls.github.web, oauth: { clientId: "x", clientSecret: canary("foreign") } });
    const job = await saveAndTest(foreign);
    expect(job).toMatchObject({ status: "failed", errorCode: "sealed_secret_invalid", attempts: 1 });
    expect(job.result).toMatchObject({ fieldErrors: { oauthClientSecret: [expect.stringMatching(/another runner key/)] } });

    const otherHost = await payloadFor({ provider: "github", url: sandbox.urls.github.web, oauth: { clientId: "x", clientSecret: canary("other-host") }, sealHost: "github.example.com" });
    expect(await saveAndTest(otherHost)).toMatchObject({ status: "failed", errorCode: "sealed_secret_invalid" });
  });

  it("never lets a client secret reach the database, a runner API response, or the runner's output", async () => {
    expect(canaries.length).toBeGreaterThanOrEqual(8);
    const haystacks = { database: await dumpDatabase(database.db), apiResponses: proxy.responses.join("\n"), stdout: runner.stdout(), stderr: runner.stderr() };
    expect(proxy.responses.length).toBeGreaterThan(10);
    expect(haystacks.database).toContain("oauth_client_invalid");
    for (const [where, text] of Object.entries(haystacks)) {
      for (const secret of canaries) expect(text.includes(secret), `${where} contains a client secret`).toBe(false);
    }
  });
});
