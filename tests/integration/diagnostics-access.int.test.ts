import crypto from "node:crypto";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { and, eq } from "drizzle-orm";
import type { Database } from "@/db/client";
import { hostAuthTokens, runners, scmEvents, scmIntegrations } from "@/db/schema";
import { generateKeyPair, seal } from "@/lib/crypto/sealed-box";
import { startAccessCheck, type AccessCheckView } from "@/lib/diagnostics/check-access";
import { readAccessCheck } from "@/lib/diagnostics/read-access-check";
import { connectWithPat } from "@/lib/git-auth/connect-with-pat";
import { createRunner } from "@/lib/runners/create-runner";
import { registerRunner } from "@/lib/runners/register-runner";
import type { Actor } from "@/lib/users/actor";
import { addIntegration, Canaries, createWorld, memberWithAccount, type SandboxIntegration, type World } from "@/runner/test/support/scm-world";
import type { Sandbox } from "@/sandbox";
import { expectCode } from "../helpers/expect-code";
import { seedUser } from "../helpers/seed";
import { testEngines } from "../helpers/test-database";
import { sandboxForFile } from "@/runner/test/support/file-sandbox";

vi.setConfig({ testTimeout: 90_000 });

let sandbox: Sandbox;
const canaries = new Canaries();

sandboxForFile({ validateGithub: false }, (started) => (sandbox = started));

describe.each(testEngines())("Diagnostics: Check access through a runner process on $name", (engine) => {
  let database: Database;
  let world: World;
  let github: SandboxIntegration;
  let support: Actor;

  beforeAll(async () => {
    database = await engine.open();
    world = await createWorld({ database, sandbox });
    github = await addIntegration(world, sandbox, canaries, "github", { oauth: true, pat: true });
    support = await seedUser(database.db, world.admin.orgId, "support");
    await world.startRunner();
  });

  afterAll(async () => {
    await world?.close();
    await database?.close();
  });

  /** A member connected to the sandbox's GitHub with a PAT, and a private repository of theirs. */
  async function connectedMember(scopes = ["repo", "read:user"]) {
    const { member, login } = await memberWithAccount(world, sandbox, "github");
    const repo = await sandbox.admin.createRepo({ provider: "github", path: `${login}/app`, private: true });
    const pat = await sandbox.admin.issuePat({ provider: "github", login, scopes });
    canaries.add(pat.value);
    const patSealed = await seal(world.publicKey, { purpose: "pat", runnerId: world.runnerId, host: github.host, userId: member.userId }, pat.value);
    await connectWithPat({ database, actor: member, integrationId: github.integrationId, patSealed });
    return { member, login, pat, repoUrl: repo.cloneUrl.replace(/\.git$/, "") };
  }

  /** Runs Check access as support and follows it to the end, as the page does. */
  async function check(input: { userEmail: string; repoUrl: string; runnerId?: string }): Promise<{ view: AccessCheckView; states: Record<string, string>; codes: Record<string, string | null> }> {
    const view = await startAccessCheck({ db: database.db, actor: support, input, allowLoopback: true, offlineAfterMs: 45_000 });
    let steps = view.steps;
    if (view.checkId) {
      for (let i = 0; i < 300; i++) {
        const status = await readAccessCheck({ db: database.db, actor: support, checkId: view.checkId });
        steps = view.steps.map((s) => (s.state === "waiting" ? (status.steps.find((r) => r.id === s.id) ?? s) : s));
        if (status.done) break;
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    return { view, states: Object.fromEntries(steps.map((s) => [s.id, s.state])), codes: Object.fromEntries(steps.map((s) => [s.id, s.code])) };
  }

  it("a healthy member: every step green, each recorded, the runner's probes included", async () => {
    const { member, repoUrl } = await connectedMember();
    const { view, states } = await check({ userEmail: member.email.toUpperCase(), repoUrl });
    expect(states).toEqual({ runner_online: "passed", integration: "passed", authorized: "passed", token_valid: "passed", scopes: "passed", repository: "passed" });
    expect(view.subject).toMatchObject({ userEmail: member.email, host: github.host });
    const events = await database.db.select().from(scmEvents).where(and(eq(scmEvents.operation, "access.check"), eq(scmEvents.userId, member.userId)));
    expect(events.map((e) => `${e.stage}/${e.outcome}`).sort()).toEqual(["queued/started", "repository/started", "request/started", "runner/succeeded", "scopes/started", "token_valid/started"].sort());
    expect(events.find((e) => e.stage === "request")).toMatchObject({ actorId: support.userId, actorType: "user" });
  });

  it("names each broken step with its code: not connected, no integration, runner offline, expired, revoked, scopes, repository", async () => {
    const stranger = await seedUser(database.db, world.admin.orgId, "member");
    const healthy = await connectedMember();

    const notConnected = await check({ userEmail: stranger.email, repoUrl: healthy.repoUrl });
    expect(notConnected.states).toMatchObject({ runner_online: "passed", integration: "passed", authorized: "failed", token_valid: "skipped", repository: "skipped" });
    expect(notConnected.codes.authorized).toBe("not_authorized_for_host");
    expect(notConnected.view.checkId).toBeNull();

    const noIntegration = await check({ userEmail: healthy.member.email, repoUrl: "https://gitlab.example.com/acme/app" });
    expect(noIntegration.states).toMatchObject({ runner_online: "skipped", integration: "failed", authorized: "skipped" });
    expect(noIntegration.codes.integration).toBe("no_integration_for_host");

    // A second runner offering the same host, last seen ten minutes ago.
    const created = await createRunner({ db: database.db, actor: world.admin, name: `silent-${crypto.randomBytes(3).toString("hex")}` });
    await registerRunner({ db: database.db, request: { registrationToken: created.registrationToken, publicKey: (await generateKeyPair()).publicKey, version: "test" } });
    await database.db.update(runners).set({ lastSeenAt: new Date(Date.now() - 600_000) }).where(eq(runners.id, created.runnerId));
    await database.db.insert(scmIntegrations).values({ orgId: world.admin.orgId, runnerId: created.runnerId, provider: "github", host: github.host, baseUrl: github.baseUrl, patEnabled: true });
    const offline = await check({ userEmail: healthy.member.email, repoUrl: healthy.repoUrl, runnerId: created.runnerId });
    expect(offline.states).toMatchObject({ runner_online: "failed", integration: "skipped" });
    expect(offline.codes.runner_online).toBe("runner_offline");

    const expiring = await connectedMember();
    await database.db.update(hostAuthTokens).set({ expiresAt: new Date(Date.now() - 60_000) }).where(eq(hostAuthTokens.userId, expiring.member.userId));
    const expired = await check({ userEmail: expiring.member.email, repoUrl: expiring.repoUrl });
    expect(expired.states).toMatchObject({ authorized: "passed", token_valid: "failed", scopes: "skipped" });
    expect(expired.codes.token_valid).toBe("pat_expired");

    const revoking = await connectedMember();
    await sandbox.admin.revokeToken({ value: revoking.pat.value });
    const revoked = await check({ userEmail: revoking.member.email, repoUrl: revoking.repoUrl });
    expect(revoked.states).toMatchObject({ token_valid: "failed", scopes: "skipped", repository: "skipped" });
    expect(revoked.codes.token_valid).toBe("pat_invalid");

    const narrow = await connectedMember();
    await database.db.update(scmIntegrations).set({ patScopes: ["repo", "read:user", "admin:org"] }).where(eq(scmIntegrations.id, github.integrationId));
    try {
      const scopes = await check({ userEmail: narrow.member.email, repoUrl: narrow.repoUrl });
      expect(scopes.states).toMatchObject({ token_valid: "passed", scopes: "failed", repository: "skipped" });
      expect(scopes.codes.scopes).toBe("pat_missing_scopes");
    } finally {
      await database.db.update(scmIntegrations).set({ patScopes: [] }).where(eq(scmIntegrations.id, github.integrationId));
    }

    const missingRepo = await check({ userEmail: healthy.member.email, repoUrl: `${new URL(healthy.repoUrl).origin}/nobody-${crypto.randomBytes(3).toString("hex")}/nothing` });
    expect(missingRepo.states).toMatchObject({ token_valid: "passed", scopes: "passed", repository: "failed" });
    expect(missingRepo.codes.repository).toBe("repository_not_found");
  });

  it("is for admins and support only, within their organization", async () => {
    const member = await seedUser(database.db, world.admin.orgId, "member");
    await expectCode(startAccessCheck({ db: database.db, actor: member, input: { userEmail: member.email, repoUrl: "https://github.com/a/b" }, allowLoopback: true, offlineAfterMs: 45_000 }), "forbidden");
    const other = { ...support, orgId: crypto.randomUUID() };
    await expectCode(startAccessCheck({ db: database.db, actor: other, input: { userEmail: member.email, repoUrl: "https://github.com/a/b" }, allowLoopback: true, offlineAfterMs: 45_000 }), "not_found");
    await expectCode(startAccessCheck({ db: database.db, actor: support, input: { userEmail: member.email, repoUrl: "ssh://git@github.com/a/b" }, allowLoopback: true, offlineAfterMs: 45_000 }), "repo_url_invalid");
  });
});
