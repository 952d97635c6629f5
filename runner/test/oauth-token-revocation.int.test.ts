import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { Database } from "@/db/client";
import { runnerJobs } from "@/db/schema";
import { completeOAuthCallback } from "@/lib/git-auth/complete-oauth-callback";
import { startOAuth } from "@/lib/git-auth/start-oauth";
import { awaitJob } from "@/lib/runners/jobs/await-job";
import type { Sandbox } from "@/sandbox";
import { seedUser } from "@/tests/helpers/seed";
import { testEngines } from "@/tests/helpers/test-database";
import { sandboxForFile } from "./support/file-sandbox";
import { addIntegration, Canaries, connectOAuth, createWorld, memberWithAccount, openStored, PUBLIC_BASE_URL, SANDBOX_PROVIDER, storedCredential, type SandboxIntegration, type World } from "./support/scm-world";

vi.setConfig({ testTimeout: 90_000 });

let sandbox: Sandbox;
const canaries = new Canaries();

sandboxForFile({ autoApprove: true, validateGithub: false }, (started) => (sandbox = started));

// Regression: reconnecting replaced the stored credential and left the old token valid at the
// provider (a dozen old GitHub tokens of one user stayed live), and a token whose exchange result
// the plane never took stayed live on the runner's side, known to nobody.
describe.each(testEngines())("OAuth tokens are not left live at the provider on $name", (engine) => {
  let database: Database;
  let world: World;
  const integrations = {} as Record<"github" | "gitlab", SandboxIntegration>;

  beforeAll(async () => {
    database = await engine.open();
    world = await createWorld({ database, sandbox });
    for (const provider of ["github", "gitlab"] as const) integrations[provider] = await addIntegration(world, sandbox, canaries, provider, { oauth: true, pat: true });
    await world.startRunner();
  });
  afterAll(async () => {
    await world?.close();
    await database?.close();
  });

  async function tokenWorks(provider: "github" | "gitlab", token: string): Promise<boolean> {
    const url = provider === "github" ? `${sandbox.urls.github.api}/user` : `${sandbox.urls.gitlab.web}/api/v4/user`;
    return (await fetch(url, { headers: { authorization: `Bearer ${token}` } })).status === 200;
  }

  it.each(["github", "gitlab"] as const)("reconnecting %s twice revokes each replaced token at the provider and keeps the newest one valid", async (provider) => {
    const integration = integrations[provider];
    const { member, login } = await memberWithAccount(world, sandbox, provider);
    const tokens: string[] = [];
    const revokeJobs = async () => new Set((await database.db.select({ id: runnerJobs.id }).from(runnerJobs).where(and(eq(runnerJobs.runnerId, world.runnerId), eq(runnerJobs.kind, "token.revoke")))).map((j) => j.id));
    for (let i = 0; i < 3; i++) {
      const before = await revokeJobs();
      expect(await connectOAuth(world, sandbox, integration, member, login)).toMatchObject({ status: "succeeded" });
      tokens.push((await openStored(world, (await storedCredential(world, member.userId, integration.host))!)).accessToken);
      const queued = [...(await revokeJobs())].filter((id) => !before.has(id));
      // The first connection replaces nothing; each reconnect queues the replaced token's revocation.
      expect(queued).toHaveLength(i === 0 ? 0 : 1);
      if (i > 0) expect(await awaitJob({ database, orgId: world.admin.orgId, jobId: queued[0]! })).toMatchObject({ status: "succeeded", result: { revoked: true, manualUrl: null } });
    }
    for (const t of tokens) canaries.add(t);
    expect(new Set(tokens).size).toBe(3);
    expect(await tokenWorks(provider, tokens[0]!)).toBe(false);
    expect(await tokenWorks(provider, tokens[1]!)).toBe(false);
    expect(await tokenWorks(provider, tokens[2]!)).toBe(true);
  });

  /**
   * Starts a GitHub connection whose identity lookup (after the code exchange) is held back, runs
   * `meanwhile` once the runner holds the token, and answers the sandbox's revocations of the
   * account once the runner reports the token revoked.
   */
  async function exchangeInterrupted(meanwhile: (jobId: string) => Promise<void>, afterwards: () => Promise<void> = async () => {}) {
    const integration = integrations.github;
    const member = await seedUser(database.db, world.admin.orgId, "member");
    const account = await sandbox.admin.createUser({ provider: "github", login: `dev-${Math.random().toString(36).slice(2, 10)}` });
    await sandbox.admin.signIn(SANDBOX_PROVIDER.github, account.login);
    const { authorizeUrl } = await startOAuth({ db: database.db, actor: member, integrationId: integration.integrationId, publicBaseUrl: PUBLIC_BASE_URL });
    const back = new URL((await fetch(authorizeUrl, { redirect: "manual" })).headers.get("location") ?? "");
    await sandbox.admin.addFault({ provider: "github", method: "GET", pathRegex: "/user$", kind: "latency", latencyMs: 3_000, count: 1 });
    try {
      const outcome = await completeOAuthCallback({ db: database.db, actor: member, integrationId: integration.integrationId, params: back.searchParams, publicBaseUrl: PUBLIC_BASE_URL });
      if (!outcome.ok) throw new Error(`the callback failed with ${outcome.code}`);
      await world.runner!.waitForLog((l) => l.event === "job.stage" && l.jobId === outcome.jobId && l.stage === "identifying");
      await meanwhile(outcome.jobId);
      await world.runner!.waitForLog((l) => l.event === "oauth_exchange.undelivered_token_revoked" && l.jobId === outcome.jobId, 60_000);
    } finally {
      await afterwards();
      await sandbox.admin.clearFaults("github");
    }
    expect(await storedCredential(world, member.userId, integration.host)).toBeUndefined();
    return sandbox.admin.revocations().filter((r) => r.provider === "github" && r.userId === account.id);
  }

  it("revokes the token of an exchange the plane gave up on (the job cancelled while the runner held the token)", async () => {
    const revoked = await exchangeInterrupted(async (jobId) => {
      await database.db.update(runnerJobs).set({ status: "cancelled", errorCode: "operation_aborted", finishedAt: new Date(), leaseExpiresAt: null }).where(eq(runnerJobs.id, jobId));
    });
    expect(revoked).toEqual([expect.objectContaining({ kind: "token", via: "api" })]);
  });

  it("revokes the token of an exchange whose result the plane never answered", async () => {
    let resumed = false;
    const resume = async () => {
      if (!resumed) await world.proxy.resume();
      resumed = true;
    };
    const revoked = await exchangeInterrupted(() => world.proxy.pause(), resume);
    expect(revoked).toEqual([expect.objectContaining({ kind: "token", via: "api" })]);
  });
});
