import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database, Db } from "@/db/client";
import { hostAuthTokens, memberships, organizations, runners, scmIntegrations, users } from "@/db/schema";
import { openSealed } from "@/lib/crypto/sealed-box";
import { DEMO_ADMIN, DEMO_PROVIDERS, runnerDataDir } from "@/scripts/demo/config";
import { seedDemo, type DemoSeed } from "@/scripts/demo/seed-demo";
import { newDemoState, readDemoState, STATE_FILE } from "@/scripts/demo/state";
import { oauthCallbackUrl } from "@/lib/integrations/callback-url";
import { startOAuth } from "@/lib/git-auth/start-oauth";
import { verifyPassword } from "@/lib/passwords/passwords";
import { authenticateRunner } from "@/lib/runners/authenticate-runner";
import { CREDENTIALS_FILE, KEY_FILE, loadRegistration } from "@/runner/data-dir";
import { startSandbox, type Sandbox } from "@/sandbox";
import { dumpDatabase } from "../helpers/git-auth-setup";
import { testEngines } from "../helpers/test-database";

const APP_URL = "http://localhost:3999";

describe.each(testEngines())("npm run demo seeding on $name", (engine) => {
  let database: Database;
  let db: Db;
  let dataDir: string;
  const sandboxes: Sandbox[] = [];

  /**
   * The sandbox keeps nothing between runs of the demo: every run gets a new, empty one, on the
   * ports the first one got (the demo's are fixed; the integrations name them).
   */
  async function freshSandbox(): Promise<Sandbox> {
    const previous = sandboxes.at(-1);
    await previous?.close();
    const port = (url: string) => Number(new URL(url).port);
    const ports = previous && { github: { web: port(previous.urls.github.web) }, gitlab: { web: port(previous.urls.gitlab.web) } };
    const sandbox = await startSandbox({ validateGithub: false, ports });
    sandboxes.push(sandbox);
    return sandbox;
  }

  async function run(appUrl = APP_URL): Promise<{ seed: DemoSeed; sandbox: Sandbox }> {
    const sandbox = await freshSandbox();
    const state = (await readDemoState(dataDir)) ?? newDemoState({ portBase: 4100 });
    return { seed: await seedDemo({ db, sandbox, state, dataDir, publicBaseUrl: appUrl }), sandbox };
  }

  let first: { seed: DemoSeed; sandbox: Sandbox };

  beforeAll(async () => {
    database = await engine.open();
    db = database.db;
    dataDir = await fs.mkdtemp(path.join(os.tmpdir(), "scm-demo-seed-"));
    first = await run();
  });
  afterAll(async () => {
    await Promise.all(sandboxes.map((s) => s.close()));
    await database.close();
    await fs.rm(dataDir, { recursive: true, force: true });
  });

  it("creates the Demo organization with its admin, who signs in with the state's password", async () => {
    const rows = await db
      .select({ org: organizations.name, email: users.email, role: memberships.role, hash: users.passwordHash })
      .from(memberships)
      .innerJoin(users, eq(users.id, memberships.userId))
      .innerJoin(organizations, eq(organizations.id, memberships.orgId));
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ org: "Demo", email: DEMO_ADMIN.email, role: "admin" });
    expect(await verifyPassword(rows[0]!.hash, first.seed.state.adminPassword)).toBe(true);
    expect(first.seed.plane.createdOrg).toBe(true);
  });

  it("registers the Local runner with its key and access token written where the embedded runner reads them", async () => {
    const dir = runnerDataDir(dataDir);
    const registration = await loadRegistration(dir);
    expect(registration).not.toBeNull();
    const [runner] = await db.select().from(runners);
    expect(runner).toMatchObject({ id: registration!.credentials.runnerId, name: "Local runner", keyId: registration!.key.keyId, publicKey: registration!.key.publicKey });
    expect(registration!.credentials.planeUrl).toBe(APP_URL);
    expect((await authenticateRunner({ db, token: registration!.credentials.accessToken })).id).toBe(runner!.id);
    for (const file of [KEY_FILE, CREDENTIALS_FILE]) expect((await fs.stat(path.join(dir, file))).mode & 0o777).toBe(0o600);
    expect((await fs.stat(path.join(dataDir, STATE_FILE))).mode & 0o777).toBe(0o600);
  });

  it("offers sandbox GitHub and GitLab with OAuth and PATs, the client secrets only sealed to the runner", async () => {
    const { state, plane } = first.seed;
    const registration = (await loadRegistration(runnerDataDir(dataDir)))!;
    const rows = await db.select().from(scmIntegrations);
    expect(rows.map((r) => r.provider).sort()).toEqual(["github", "gitlab"]);
    const dump = await dumpDatabase(db);
    for (const provider of DEMO_PROVIDERS) {
      const row = rows.find((r) => r.provider === provider)!;
      const own = state.providers[provider];
      const web = provider === "github" ? first.sandbox.urls.github.web : first.sandbox.urls.gitlab.web;
      expect(row).toMatchObject({ id: own.integrationId, host: new URL(web).host, baseUrl: web, oauthEnabled: true, patEnabled: true, oauthClientId: own.clientId });
      expect(row.oauthSecretKeyId).toBe(registration.key.keyId);
      const opened = await openSealed(registration.key, row.oauthClientSecretSealed!, { purpose: "oauth_client_secret", runnerId: plane.runner.runnerId, host: row.host });
      expect(opened.value).toBe(own.clientSecret);
      expect(dump).not.toContain(own.clientSecret);
    }
    expect(dump).not.toContain(state.adminPassword);
  });

  it("registers each sandbox OAuth app with its integration's callback URL, which the app's authorize request passes", async () => {
    const { state, plane, sandbox: seeded } = first.seed;
    await first.sandbox.admin.setAutoApprove("all", true);
    for (const provider of DEMO_PROVIDERS) {
      const callback = oauthCallbackUrl(APP_URL, state.providers[provider].integrationId);
      expect(seeded.apps[provider]).toMatchObject({ clientId: state.providers[provider].clientId, clientSecret: state.providers[provider].clientSecret, callbackUrls: [callback] });
      const { authorizeUrl } = await startOAuth({ db, actor: plane.admin, integrationId: state.providers[provider].integrationId, publicBaseUrl: APP_URL });
      const response = await fetch(authorizeUrl, { redirect: "manual" });
      expect(response.status).toBe(302);
      expect(response.headers.get("location")).toMatch(new RegExp(`^${callback.replace(/[.?]/g, "\\$&")}\\?code=`));
      expect(seeded.repos[provider].map((r) => r.collaborators.map((c) => c.permission))).toEqual([[], ["read"]]);
      expect((await first.sandbox.admin.getToken({ value: seeded.pats[provider].value })).login).toBe(provider === "github" ? "octocat" : "tanuki");
    }
  });

  it("on a later run reuses everything, follows a new app port and clears connections the new sandbox cannot know", async () => {
    const before = (await loadRegistration(runnerDataDir(dataDir)))!;
    const { plane } = first.seed;
    await db.insert(hostAuthTokens).values({
      orgId: plane.orgId,
      runnerId: plane.runner.runnerId,
      integrationId: plane.integrations.github.integrationId,
      userId: plane.admin.userId,
      host: plane.integrations.github.host,
      source: "pat",
      tokenSealed: "sbx1.stale",
      keyId: before.key.keyId,
    });
    const { seed } = await run("http://localhost:4000");
    expect(seed.plane).toMatchObject({ createdOrg: false, clearedConnections: 1, runner: { runnerId: plane.runner.runnerId, registeredNow: false } });
    expect(seed.state.providers).toEqual(first.seed.state.providers);
    expect(await db.select().from(scmIntegrations)).toHaveLength(2);
    const after = (await loadRegistration(runnerDataDir(dataDir)))!;
    expect(after.key).toEqual(before.key);
    expect(after.credentials.planeUrl).toBe("http://localhost:4000");
    expect(seed.sandbox.apps.github.callbackUrls).toEqual([oauthCallbackUrl("http://localhost:4000", plane.integrations.github.integrationId)]);
  });

  it("registers again when the runner lost its registration, and seals the client secrets to the new key", async () => {
    await fs.rm(path.join(runnerDataDir(dataDir), CREDENTIALS_FILE));
    const { seed } = await run();
    expect(seed.plane.runner.registeredNow).toBe(true);
    const [runner] = await db.select().from(runners);
    expect(runner!.keyId).toBe(seed.plane.runner.key.keyId);
    for (const row of await db.select().from(scmIntegrations)) {
      expect(row.oauthSecretKeyId).toBe(runner!.keyId);
      const own = seed.state.providers[row.provider as "github" | "gitlab"];
      expect((await openSealed(seed.plane.runner.key, row.oauthClientSecretSealed!, { purpose: "oauth_client_secret", host: row.host })).value).toBe(own.clientSecret);
    }
  });
});
