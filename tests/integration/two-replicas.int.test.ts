import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { chromium, type Browser, type BrowserContext, type Page } from "@playwright/test";
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase, type Database } from "@/db/client";
import { hostAuthTokens, oauthAttempts, runners } from "@/db/schema";
import { seal } from "@/lib/crypto/sealed-box";
import { oauthCallbackUrl } from "@/lib/integrations/callback-url";
import { createIntegration } from "@/lib/integrations/create-integration";
import { createRunner } from "@/lib/runners/create-runner";
import { readJob, type JobView } from "@/lib/runners/jobs/await-job";
import type { RunnerJobMessage } from "@/lib/runners/protocol";
import type { ChannelState, EnqueuedTestJob } from "@/lib/testing/enqueue-test-job";
import { seedOrg, type SeededUser } from "@/lib/testing/seed-org";
import type { Actor } from "@/lib/users/actor";
import { startSandbox, type Sandbox } from "@/sandbox";
import { eventually, integrationTestPayload, removeTempDirs, tempDataDir } from "@/runner/test/support/fixtures";
import { killAllRunners, runRunner, spawnRunner, stopRunner, type RunnerProcess } from "@/runner/test/support/runner-process";
import { startLoadBalancer, type Exchange, type LoadBalancer, type RouteRequest } from "@/tests/helpers/load-balancer";
import { copyStandaloneBuild, startStandalone } from "@/tests/helpers/standalone-server";
import { freePort, type StandaloneServer } from "@/tests/helpers/standalone-server";

/**
 * DESIGN.md, "Scaling out": the plane is stateless, so replicas behind a load balancer share one
 * PostgreSQL and nothing else. Two replicas of the production build (each from its own copy of the
 * standalone output, with its own DATA_DIR) behind a small load balancer that the test steers; a
 * real runner process registered through it and long-polling replica A; Chromium for the person.
 * Both replicas get the load balancer's URL as PUBLIC_BASE_URL: the OAuth callback registered at
 * the provider and the session cookie's host are the deployment's, not a replica's.
 */
const SERVER_URL = process.env.TEST_DATABASE_URL;
const SKIP_REASON = "needs PostgreSQL (set TEST_DATABASE_URL): two replicas cannot share one embedded PGlite database";
const TITLE = "two plane replicas behind one load balancer on one PostgreSQL";

const RUNNER_API = "/api/runner/v1/";
const JOBS_POLL = "/api/runner/v1/jobs?";
const CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync"];
/** A poll answered this long before its wait ran out was not ended by its own timeout, however busy the machine. */
const WOKEN_MARGIN_MS = 10_000;

type Replica = "A" | "B";

// On a PGlite-only run, one more skipped test says why (the reporters show its note).
if (!SERVER_URL) it(TITLE, (ctx) => ctx.skip(SKIP_REASON));

describe.skipIf(!SERVER_URL)(TITLE, () => {
  let root = "";
  const cleanups: Array<{ what: string; run: () => unknown }> = [];
  const onCleanup = (what: string, run: () => unknown) => cleanups.push({ what, run });
  const authSecret = crypto.randomBytes(32).toString("base64url");
  const seedSecret = crypto.randomBytes(32).toString("base64url");
  const dbName = `scm_replicas_${crypto.randomBytes(6).toString("hex")}`;

  let database: Database;
  let lb: LoadBalancer;
  const replicas = {} as Record<Replica, StandaloneServer>;
  let sandbox: Sandbox;
  let runner: RunnerProcess;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let orgId = "";
  let admin: Actor;
  let member: SeededUser;
  let runnerId = "";
  let publicKey = "";
  let integrationId = "";
  let githubHost = "";
  const githubLogin = `octo-${crypto.randomBytes(3).toString("hex")}`;

  /** Browser traffic goes to `to`; the runner API always to A (the runner is registered with A). */
  const steer = (to: Replica | ((r: RouteRequest) => Replica)) => {
    lb.route = (r) => (r.url.startsWith(RUNNER_API) ? "A" : typeof to === "function" ? to(r) : to);
  };
  /** Straight to one replica, past the load balancer: the test's control requests. */
  const control = async <T>(replica: Replica, method: "GET" | "POST", body?: unknown): Promise<T> => {
    const res = await fetch(`${replicas[replica].url}/api/test/enqueue-job`, {
      method,
      headers: { "x-e2e-seed-secret": seedSecret, ...(body ? { "content-type": "application/json" } : {}) },
      body: body ? JSON.stringify(body) : undefined,
      signal: AbortSignal.timeout(30_000),
    });
    expect(res.status, await res.clone().text()).toBe(200);
    return (await res.json()) as T;
  };
  const jobIdsIn = (e: Exchange) => ((JSON.parse(e.body ?? "{}") as { jobs?: RunnerJobMessage[] }).jobs ?? []).map((j) => j.id);
  const finished = (jobId: string, timeoutMs = 30_000): Promise<JobView> =>
    eventually(
      async () => {
        const job = await readJob({ db: database.db, orgId, jobId });
        return job && ["succeeded", "failed", "cancelled"].includes(job.status) ? job : undefined;
      },
      timeoutMs,
      `job ${jobId} to finish`,
    );
  const output = () => `replica A:\n${replicas.A?.output() ?? ""}\nreplica B:\n${replicas.B?.output() ?? ""}\nrunner:\n${runner?.stdout() ?? ""}${runner?.stderr() ?? ""}`;

  beforeAll(async () => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), "scm-two-replicas-"));
    onCleanup(`remove ${root}`, () => fs.rmSync(root, { recursive: true, force: true }));
    // Each replica from a copy of its own: nothing on disk is shared between them.
    const build = copyStandaloneBuild(path.join(root, "replica-a"));
    if (!build.current) console.warn("two-replicas: the production build is older than the sources; `npm run build` to test the current code");
    fs.cpSync(build.dir, path.join(root, "replica-b"), { recursive: true, verbatimSymlinks: true });

    const { default: postgres } = await import("postgres");
    const adminSql = postgres(SERVER_URL!, { max: 1, onnotice: () => {} });
    await adminSql.unsafe(`create database "${dbName}"`);
    await adminSql.end();
    onCleanup(`drop database ${dbName}`, async () => {
      const sql = postgres(SERVER_URL!, { max: 1, onnotice: () => {} });
      await sql.unsafe(`drop database if exists "${dbName}" with (force)`);
      await sql.end();
    });
    const dbUrl = new URL(SERVER_URL!);
    dbUrl.pathname = `/${dbName}`;

    const ports = { A: await freePort(), B: await freePort() };
    lb = await startLoadBalancer({
      upstreams: { A: `http://localhost:${ports.A}`, B: `http://localhost:${ports.B}` },
      route: () => "A",
      recordBody: (r) => r.url.startsWith(JOBS_POLL),
    });
    onCleanup("close the load balancer", () => lb.close());
    steer("A");

    // Both start at once on the empty database, as a deployment's replicas do: they take turns migrating it.
    const env = (replica: Replica): Record<string, string> => ({
      PORT: String(ports[replica]),
      HOSTNAME: "localhost",
      NODE_ENV: "production",
      DATABASE_URL: dbUrl.toString(),
      DATA_DIR: path.join(root, `data-${replica.toLowerCase()}`),
      PUBLIC_BASE_URL: lb.url,
      AUTH_SECRET: authSecret,
      E2E_SEED_SECRET: seedSecret,
      SCM_ALLOW_LOOPBACK_HOSTS: "1",
      LOG_LEVEL: "warn",
    });
    const started = await Promise.allSettled((["A", "B"] as const).map((r) => startStandalone(path.join(root, `replica-${r.toLowerCase()}`), env(r))));
    for (const [i, r] of (["A", "B"] as const).entries()) {
      const s = started[i]!;
      if (s.status === "fulfilled") {
        replicas[r] = s.value;
        onCleanup(`stop replica ${r}`, () => s.value.close());
      }
    }
    for (const s of started) if (s.status === "rejected") throw s.reason;

    database = await openDatabase({ url: dbUrl.toString(), migrate: false });
    onCleanup("close the test's database connections", () => database.close());
    sandbox = await startSandbox({ autoApprove: true, validateGithub: false });
    onCleanup("stop the provider sandbox", () => sandbox.close());

    const seeded = await seedOrg({ db: database.db, name: "Two replicas", roles: ["admin", "member"] });
    orgId = seeded.orgId;
    const [adminUser, memberUser] = seeded.users as [SeededUser, SeededUser];
    member = memberUser;
    admin = { userId: adminUser.userId, orgId, role: "admin", email: adminUser.email, name: "Admin 1", orgName: "Two replicas" };

    // A real runner, registered through the load balancer (the runner API goes to replica A).
    onCleanup("stop every runner process", () => killAllRunners());
    onCleanup("remove the runner's data directory", () => removeTempDirs());
    const created = await createRunner({ db: database.db, actor: admin, name: "replica-runner" });
    runnerId = created.runnerId;
    const dataDir = tempDataDir();
    const register = await runRunner(["register", "--url", lb.url, "--token", created.registrationToken, "--data-dir", dataDir]);
    expect(register.code, register.stderr).toBe(0);
    const [row] = await database.db.select({ publicKey: runners.publicKey }).from(runners).where(eq(runners.id, runnerId));
    publicKey = row!.publicKey!;
    runner = spawnRunner(["start", "--data-dir", dataDir]);
    onCleanup("stop the runner", () => stopRunner(runner));
    await runner.waitForLog((l) => l.event === "runner.connected", 60_000);

    // GitHub (Enterprise Server layout) at the sandbox, with OAuth through an app whose callback is the deployment's URL.
    githubHost = new URL(sandbox.urls.github.web).host;
    integrationId = crypto.randomUUID();
    const app = await sandbox.admin.registerOAuthApp({ provider: "github", callbackUrls: [oauthCallbackUrl(lb.url, integrationId)] });
    await createIntegration({
      db: database.db,
      actor: admin,
      allowLoopback: true,
      input: {
        runnerId,
        integrationId,
        provider: "github",
        deployment: "self_hosted",
        host: sandbox.urls.github.web,
        oauthEnabled: true,
        oauthClientId: app.clientId,
        oauthClientSecretSealed: await seal(publicKey, { purpose: "oauth_client_secret", runnerId, host: githubHost }, app.clientSecret),
        oauthSecretHost: githubHost,
        oauthScopes: null,
        patEnabled: true,
        allowPrivateHosts: false,
        patScopes: null,
        issuerUrl: null,
        virtualDirectory: null,
        test: false,
      },
    });
    await sandbox.admin.createUser({ provider: "github", login: githubLogin });
    await sandbox.admin.signIn("github", githubLogin);

    browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium", args: CHROMIUM_ARGS });
    onCleanup("close Chromium", () => browser.close());
    context = await browser.newContext({ baseURL: lb.url });
    page = await context.newPage();
  }, 240_000);

  afterAll(async () => {
    const failures: string[] = [];
    for (const step of cleanups.reverse()) {
      try {
        await step.run();
      } catch (e) {
        failures.push(`${step.what}: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
    if (failures.length > 0) throw new Error(`clean-up failed:\n${failures.join("\n")}`);
  }, 60_000);

  it("a runner long-polling replica A receives jobs written through replica B at once: its held poll is woken by PostgreSQL NOTIFY, not ended by its wait", async () => {
    const [a, b] = [await control<ChannelState>("A", "GET"), await control<ChannelState>("B", "GET")];
    expect(a.pid, "two processes").not.toBe(b.pid);
    for (let n = 0; n < 3; n++) {
      // The runner's poll, held by replica A (parked on A's notifier), before the job exists.
      const poll = await eventually(
        async () => {
          const open = lb.exchanges.find((e) => e.upstream === "A" && e.url.startsWith(JOBS_POLL) && e.endedAt === null);
          return open && (await control<ChannelState>("A", "GET")).waiting > 0 ? open : undefined;
        },
        30_000,
        "the runner's long-poll to be held by replica A",
      );
      const waitMs = Number(new URL(poll.url, lb.url).searchParams.get("wait")) * 1000;
      expect(waitMs).toBeGreaterThanOrEqual(2 * WOKEN_MARGIN_MS);

      const payload = await integrationTestPayload({ runnerId, publicKey, provider: "github", url: sandbox.urls.github.web, oauth: null });
      const enqueued = await control<EnqueuedTestJob>("B", "POST", { orgId, runnerId, payload });
      expect(enqueued.pid, "written by replica B's process").toBe(b.pid);
      expect(poll.startedAt, "the poll was sent before the job was written").toBeLessThan(enqueued.beforeCommitAt);

      const answered = await lb.waitFor((e) => e.seq === poll.seq, waitMs + 15_000);
      expect(answered.status).toBe(200);
      // The same held request carried the job: a poll that runs out answers with no jobs.
      expect(jobIdsIn(answered), output()).toContain(enqueued.jobId);
      expect(answered.endedAt! - answered.startedAt, `answered ${Math.round(answered.endedAt! - enqueued.beforeCommitAt)} ms after the commit`).toBeLessThan(waitMs - WOKEN_MARGIN_MS);

      const job = await finished(enqueued.jobId);
      expect(job, output()).toMatchObject({ kind: "integration.test", status: "succeeded", attempts: 1 });
    }
  });

  it("a session made by signing in on replica A is valid on replica B", async () => {
    steer("A");
    const mark = lb.exchanges.length;
    await page.goto("/login");
    await page.getByLabel("Email").fill(member.email);
    await page.getByLabel("Password").fill(member.password);
    await page.getByRole("button", { name: "Sign in", exact: true }).click();
    await page.waitForURL((u) => u.pathname.startsWith("/settings"), { timeout: 30_000 });
    const signIn = lb.exchanges.slice(mark).find((e) => e.serverAction && e.url.startsWith("/login"));
    expect(signIn, "the sign-in form's server action").toMatchObject({ upstream: "A", status: 200 });
    expect(signIn!.setCookies.filter((c) => c.endsWith("authjs.session-token")), "A set the session cookie").toHaveLength(1);
    expect((await context.cookies()).some((c) => c.name.endsWith("authjs.session-token")), "the browser keeps it").toBe(true);

    steer("B");
    const before = lb.exchanges.length;
    await page.goto("/settings/git-authentications");
    await page.getByRole("heading", { level: 1, name: "Git Authentications" }).waitFor({ timeout: 15_000 });
    expect(await page.content()).toContain(member.email);
    const served = lb.exchanges.slice(before).filter((e) => e.method === "GET" && e.url === "/settings/git-authentications");
    expect(served.map((e) => [e.upstream, e.status])).toEqual([["B", 200]]);
    expect(lb.exchanges.slice(mark).filter((e) => e.upstream === "B" && !e.url.startsWith(RUNNER_API)).length).toBeGreaterThan(0);

    // The control: replica B does check the cookie. Without one it sends the browser to sign in.
    const anonymous = await fetch(`${lb.url}/settings/git-authentications`, { redirect: "manual" });
    expect(anonymous.status).toBe(307);
    expect(new URL(anonymous.headers.get("location")!, lb.url).pathname).toBe("/login");
    expect(lb.exchanges.at(-1)!.upstream).toBe("B");
  });

  it("an OAuth connection started on replica A completes on replica B; the runner on A exchanges the code, and the person is connected", async () => {
    // The person's requests reach A; the provider's redirect back lands on B.
    const callbackPath = `/api/scm/oauth/callback/${integrationId}`;
    steer((r) => (r.url.startsWith(callbackPath) ? "B" : "A"));
    const mark = lb.exchanges.length;
    await page.goto("/settings/git-authentications");
    const row = page.getByRole("region", { name: `GitHub ${githubHost}`, exact: true });
    await row.locator('[data-connection-state="not_connected"]').waitFor({ timeout: 15_000 });
    await row.getByRole("button", { name: `Connect with OAuth for ${githubHost}`, exact: true }).click();
    await page.waitForURL((u) => u.pathname === "/settings/git-authentications" && u.searchParams.has("connecting"), { timeout: 30_000 });
    await page.locator('[data-testid="oauth-return-status"][data-state="connected"]').waitFor({ timeout: 30_000 });
    await row.locator('[data-connection-state="connected"]').waitFor({ timeout: 15_000 });

    const seen = lb.exchanges.slice(mark);
    const start = seen.filter((e) => e.serverAction && e.url.startsWith("/settings/git-authentications"));
    expect(start.map((e) => [e.upstream, e.status]), "the Connect with OAuth action").toEqual([["A", 200]]);
    const callbacks = seen.filter((e) => e.url.startsWith(`${callbackPath}?`));
    expect(callbacks.map((e) => [e.upstream, e.status])).toEqual([["B", 303]]);
    const back = new URL(callbacks[0]!.location!, lb.url);
    expect(back.origin, "redirects to the deployment's URL").toBe(lb.url);
    const jobId = back.searchParams.get("connecting")!;
    expect(jobId).toMatch(/^[0-9a-f-]{36}$/);

    // B spent the attempt A wrote, and wrote the exchange job; the runner received it on its poll to A.
    const attempts = await database.db.select().from(oauthAttempts).where(eq(oauthAttempts.integrationId, integrationId));
    expect(attempts.map((x) => x.usedAt !== null)).toEqual([true]);
    const delivered = lb.exchanges.filter((e) => e.url.startsWith(JOBS_POLL) && e.body !== null && jobIdsIn(e).includes(jobId));
    expect(delivered.map((e) => e.upstream)).toEqual(["A"]);
    expect(await finished(jobId)).toMatchObject({ kind: "oauth.exchange", status: "succeeded" });
    const [token] = await database.db
      .select()
      .from(hostAuthTokens)
      .where(and(eq(hostAuthTokens.runnerId, runnerId), eq(hostAuthTokens.userId, member.userId), eq(hostAuthTokens.host, githubHost)));
    expect(token).toMatchObject({ source: "oauth", subjectLogin: githubLogin, integrationId });
    // Every runner call of the whole file went to A: B reached the runner through PostgreSQL alone.
    expect(new Set(lb.exchanges.filter((e) => e.url.startsWith(RUNNER_API)).map((e) => e.upstream))).toEqual(new Set(["A"]));
  });
});
