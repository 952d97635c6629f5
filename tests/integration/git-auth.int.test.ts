import crypto from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { and, eq, sql } from "drizzle-orm";
import type { Database, Db } from "@/db/client";
import { auditLog, hostAuthTokens, oauthAttempts, runnerJobs, scmIntegrations } from "@/db/schema";
import { seal } from "@/lib/crypto/sealed-box";
import { completeOAuthCallback } from "@/lib/git-auth/complete-oauth-callback";
import { disconnect } from "@/lib/git-auth/disconnect";
import { oauthExchangePayloadSchema, tokenRevokePayloadSchema } from "@/lib/git-auth/job-payloads";
import { listGitAuthentications } from "@/lib/git-auth/list-git-authentications";
import { hashOAuthState } from "@/lib/git-auth/pkce";
import { readConnectionJob } from "@/lib/git-auth/read-connection-job";
import { startOAuth } from "@/lib/git-auth/start-oauth";
import type { Actor } from "@/lib/users/actor";
import { expectCode } from "../helpers/expect-code";
import { PUBLIC_BASE_URL, setupGitAuth } from "../helpers/git-auth-setup";
import { startRunnerApiServer, type RunnerApiServer } from "../helpers/runner-api-server";
import { seedUser } from "../helpers/seed";
import { testEngines } from "../helpers/test-database";

const DEFAULT_RETURN = "/settings/git-authentications";

describe.each(testEngines())("Git Authentications: OAuth, disconnect and the runner credential API on $name", (engine) => {
  let database: Database;
  let db: Db;
  let api: RunnerApiServer;
  beforeAll(async () => {
    database = await engine.open();
    db = database.db;
    api = await startRunnerApiServer(database);
  });
  afterAll(async () => {
    await api.close();
    await database.close();
  });

  const setup = (opts?: Parameters<typeof setupGitAuth>[2]) => setupGitAuth(db, api.url, opts);

  async function start(actor: Actor, integrationId: string, returnTo?: string) {
    const { authorizeUrl } = await startOAuth({ db, actor, integrationId, returnTo, publicBaseUrl: PUBLIC_BASE_URL });
    return new URL(authorizeUrl);
  }
  const callback = (actor: Actor, integrationId: string, params: Record<string, string>) =>
    completeOAuthCallback({ db, actor, integrationId, params: new URLSearchParams(params), publicBaseUrl: PUBLIC_BASE_URL });

  it("connects with OAuth: PKCE S256 and a 256-bit state, code and verifier sealed for the runner, the runner's sealed tokens stored", async () => {
    const { member, orgId, seeded, runner, ids } = await setup();
    const other = await seedUser(db, orgId, "member");
    const url = await start(member, ids[0]!, "/environments?repo=x");
    expect(`${url.origin}${url.pathname}`).toBe("https://github.com/login/oauth/authorize");
    expect(url.searchParams.get("client_id")).toBe("test-client-id");
    expect(url.searchParams.get("redirect_uri")).toBe(`${PUBLIC_BASE_URL}/api/scm/oauth/callback/${ids[0]}`);
    expect(url.searchParams.get("code_challenge_method")).toBe("S256");
    const state = url.searchParams.get("state")!;
    expect(Buffer.from(state, "base64url").length).toBeGreaterThanOrEqual(16);
    const [attempt] = await db.select().from(oauthAttempts).where(eq(oauthAttempts.userId, member.userId));
    expect(attempt).toMatchObject({ stateHash: hashOAuthState(state), returnTo: "/environments?repo=x", integrationId: ids[0] });
    expect(JSON.stringify(attempt)).not.toContain(state);
    expect(attempt!.expiresAt.getTime() - Date.now()).toBeLessThanOrEqual(10 * 60 * 1000);

    const outcome = await callback(member, ids[0]!, { state, code: "code-from-provider" });
    expect(outcome).toMatchObject({ ok: true, returnTo: "/environments?repo=x", integrationId: ids[0] });
    if (!outcome.ok) return;
    const job = await runner.claim("oauth.exchange");
    const payload = oauthExchangePayloadSchema.parse(job.payload);
    const ctx = { runnerId: seeded.runnerId, integrationId: ids[0]!, userId: member.userId };
    expect((await runner.open(payload.codeSealed, { ...ctx, purpose: "oauth_code" })).value).toBe("code-from-provider");
    const verifier = (await runner.open(payload.verifierSealed, { ...ctx, purpose: "pkce_verifier" })).value;
    expect(crypto.createHash("sha256").update(verifier).digest("base64url")).toBe(url.searchParams.get("code_challenge"));
    expect((await runner.open(payload.integration.oauthClientSecretSealed!, { purpose: "oauth_client_secret", runnerId: seeded.runnerId, host: "github.com" })).value).toBe("test-client-secret");
    expect(payload.redirectUri).toBe(url.searchParams.get("redirect_uri"));
    expect(JSON.stringify(job.payload)).not.toContain("code-from-provider");

    expect(await readConnectionJob({ db, actor: member, jobId: outcome.jobId })).toMatchObject({ status: "running", kind: "oauth.exchange" });
    expect(await readConnectionJob({ db, actor: other, jobId: outcome.jobId })).toBeNull();
    const expiresAt = new Date(Date.now() + 8 * 3600_000);
    const answered = await runner.succeed(job, await runner.credential(job, { token: "gho_access", refreshToken: "ghr_refresh", login: "octocat", scopes: ["repo", "read:user"], expiresAt }));
    expect(answered.status).toBe(200);
    expect(await readConnectionJob({ db, actor: member, jobId: outcome.jobId })).toMatchObject({ status: "succeeded" });

    const row = (await listGitAuthentications({ db, actor: member })).find((r) => r.integrationId === ids[0]);
    expect(row?.state).toMatchObject({ kind: "connected", source: "oauth", login: "octocat", scopes: ["repo", "read:user"], expiresAt });
    expect(row?.disconnect).toEqual({ revokesAtProvider: true, manualUrl: "https://github.com" });
    expect((await listGitAuthentications({ db, actor: other })).find((r) => r.integrationId === ids[0])?.state).toEqual({ kind: "not_connected" });
    const [stored] = await db.select().from(hostAuthTokens).where(eq(hostAuthTokens.userId, member.userId));
    expect((await runner.open(stored!.tokenSealed, { ...ctx, purpose: "access_token", generation: 1 })).value).toBe("gho_access");
    const audit = await db.select().from(auditLog).where(and(eq(auditLog.action, "git_auth.connected"), eq(auditLog.targetId, ids[0]!)));
    expect(audit).toHaveLength(1);
  });

  // Regression: "/.//x//evil.example/path" passed the raw check, was stored normalised as
  // "//x//evil.example/path", and the callback redirected to another host.
  it.each(["/.//x//evil.example/path", "/%2e//evil.example", "/.//evil.example/phish"])("stores and returns only this app's path for returnTo %s", async (returnTo) => {
    const { member, ids } = await setup();
    const state = (await start(member, ids[0]!, returnTo)).searchParams.get("state")!;
    const [attempt] = await db.select().from(oauthAttempts).where(eq(oauthAttempts.stateHash, hashOAuthState(state)));
    expect(attempt!.returnTo).toBe(DEFAULT_RETURN);
    const outcome = await callback(member, ids[0]!, { state, error: "access_denied" });
    expect(outcome.returnTo).toBe(DEFAULT_RETURN);
    expect(new URL(outcome.returnTo, PUBLIC_BASE_URL).origin).toBe(new URL(PUBLIC_BASE_URL).origin);
  });

  it("refuses replayed, expired, another user's, another org's and another integration's state, and maps provider errors; nothing stored", async () => {
    const { member, orgId, seeded, ids } = await setup();
    const colleague = await seedUser(db, orgId, "member");
    const outsider = (await setup()).member;

    const s1 = (await start(member, ids[0]!)).searchParams.get("state")!;
    expect(await callback(member, ids[0]!, { state: s1, code: "c1" })).toMatchObject({ ok: true });
    expect(await callback(member, ids[0]!, { state: s1, code: "c1" })).toMatchObject({ ok: false, code: "oauth_state_invalid", returnTo: DEFAULT_RETURN });

    const s2 = (await start(member, ids[0]!)).searchParams.get("state")!;
    await db.update(oauthAttempts).set({ expiresAt: sql`now() - interval '1 second'` }).where(eq(oauthAttempts.stateHash, hashOAuthState(s2)));
    expect(await callback(member, ids[0]!, { state: s2, code: "c2" })).toMatchObject({ ok: false, code: "oauth_state_invalid" });

    const s3 = (await start(member, ids[0]!, "/environments")).searchParams.get("state")!;
    expect(await callback(colleague, ids[0]!, { state: s3, code: "c3" })).toMatchObject({ ok: false, code: "oauth_state_invalid", returnTo: DEFAULT_RETURN });
    const s3b = (await start(member, ids[0]!)).searchParams.get("state")!;
    expect(await callback(outsider, ids[0]!, { state: s3b, code: "c3" })).toMatchObject({ ok: false, code: "oauth_state_invalid" });

    // A code for integration A delivered to B's callback.
    const s4 = (await start(member, ids[0]!)).searchParams.get("state")!;
    expect(await callback(member, ids[1]!, { state: s4, code: "c4" })).toMatchObject({ ok: false, code: "oauth_state_invalid" });

    const s5 = (await start(member, ids[0]!, "/environments?repo=r")).searchParams.get("state")!;
    expect(await callback(member, ids[0]!, { state: s5, error: "access_denied", error_description: "The user has denied your application access." })).toEqual({ ok: false, code: "oauth_access_denied", returnTo: "/environments?repo=r", integrationId: ids[0] });
    const s6 = (await start(member, ids[0]!)).searchParams.get("state")!;
    expect(await callback(member, ids[0]!, { state: s6, error: "redirect_uri_mismatch" })).toMatchObject({ ok: false, code: "redirect_uri_mismatch" });
    const s7 = (await start(member, ids[0]!)).searchParams.get("state")!;
    expect(await callback(member, ids[0]!, { state: s7, error: "server_error" })).toMatchObject({ ok: false, code: "oauth_provider_error" });
    const s8 = (await start(member, ids[0]!)).searchParams.get("state")!;
    expect(await callback(member, ids[0]!, { state: s8 })).toMatchObject({ ok: false, code: "oauth_provider_error" });
    expect(await callback(member, ids[0]!, { code: "no-state" })).toMatchObject({ ok: false, code: "oauth_state_invalid" });
    expect(await callback(member, ids[0]!, { state: "x".repeat(43), code: "forged" })).toMatchObject({ ok: false, code: "oauth_state_invalid" });

    const jobs = await db.select().from(runnerJobs).where(eq(runnerJobs.runnerId, seeded.runnerId));
    expect(jobs.map((j) => j.kind)).toEqual(["oauth.exchange"]); // s1's only
    expect(await db.select().from(hostAuthTokens).where(eq(hostAuthTokens.runnerId, seeded.runnerId))).toHaveLength(0);
  });

  it("refuses OAuth where the admin has not enabled it, including when it was switched off mid-flow", async () => {
    const { member, seeded, ids } = await setup();
    await expectCode(start(member, ids[2]!), "auth_method_disabled");
    const state = (await start(member, ids[0]!)).searchParams.get("state")!;
    await db.update(scmIntegrations).set({ oauthEnabled: false }).where(eq(scmIntegrations.id, ids[0]!));
    expect(await callback(member, ids[0]!, { state, code: "c" })).toMatchObject({ ok: false, code: "auth_method_disabled" });
    expect(await db.select().from(runnerJobs).where(eq(runnerJobs.runnerId, seeded.runnerId))).toHaveLength(0);
  });

  it("keeps returnTo on this app: open-redirect values fall back to the default", async () => {
    const { member, ids } = await setup();
    for (const bad of ["//evil.example", "https://evil.example", "/\\evil", "/\\/evil.example", "javascript:alert(1)", "/\t/evil.example", "evil.example"]) {
      const state = (await start(member, ids[0]!, bad)).searchParams.get("state")!;
      const [attempt] = await db.select().from(oauthAttempts).where(eq(oauthAttempts.stateHash, hashOAuthState(state)));
      expect(attempt?.returnTo, bad).toBe(DEFAULT_RETURN);
      expect(await callback(member, ids[0]!, { state, error: "access_denied" }), bad).toMatchObject({ returnTo: DEFAULT_RETURN });
    }
  });

  it("disconnects at once: OAuth (GitHub) queues token.revoke and says revoked or queued truthfully; a PAT is left for the person to revoke", async () => {
    const { member, seeded, runner, ids } = await setup({
      tokens: (m) => [
        { integration: 0, userId: m.userId, source: "oauth", login: "octocat", scopes: ["repo"], withRefreshToken: true },
        { integration: 1, userId: m.userId, source: "pat", login: "tanuki", scopes: ["api"] },
      ],
    });
    // Runner offline: the credential is gone now; the revocation waits for the runner.
    expect(await disconnect({ database, actor: member, integrationId: ids[0]!, waitMs: 300 })).toEqual({ revocation: "queued", manualUrl: "https://github.com" });
    expect(await db.select().from(hostAuthTokens).where(and(eq(hostAuthTokens.userId, member.userId), eq(hostAuthTokens.host, "github.com")))).toHaveLength(0);
    const refused = await runner.call("GET", `/credentials?userId=${member.userId}&host=github.com`);
    expect(refused).toMatchObject({ status: 409, body: { error: { code: "credential_needs_reauth" } } });
    const job = await runner.claim("token.revoke");
    const payload = tokenRevokePayloadSchema.parse(job.payload);
    expect(payload).toMatchObject({ source: "oauth", userId: member.userId });
    await runner.open(payload.tokenSealed, { purpose: "access_token", runnerId: seeded.runnerId, integrationId: ids[0]!, userId: member.userId });
    expect((await runner.succeed(job, { revoked: true, manualUrl: null })).status).toBe(200);

    // PAT: no API to revoke it; the person is sent to their token list, and nothing is queued.
    expect(await disconnect({ database, actor: member, integrationId: ids[1]!, waitMs: 300 })).toEqual({ revocation: "manual", manualUrl: "https://gitlab.example.com/-/user_settings/personal_access_tokens" });
    expect((await db.select().from(runnerJobs).where(eq(runnerJobs.runnerId, seeded.runnerId))).map((j) => j.kind)).toEqual(["token.revoke"]);
    await expectCode(disconnect({ database, actor: member, integrationId: ids[1]! }), "not_found");
    const audit = await db.select().from(auditLog).where(and(eq(auditLog.action, "git_auth.disconnected"), eq(auditLog.actorId, member.userId)));
    expect(audit).toHaveLength(2);
  });

  it("reports `revoked` when the runner revokes while the person waits", async () => {
    const { member, runner, ids } = await setup({ tokens: (m) => [{ integration: 0, userId: m.userId, source: "oauth", login: "octocat", scopes: ["repo"] }] });
    const disconnecting = disconnect({ database, actor: member, integrationId: ids[0]!, waitMs: 10_000 });
    const job = await runner.claim("token.revoke");
    await runner.succeed(job, { revoked: true, manualUrl: null });
    expect(await disconnecting).toEqual({ revocation: "revoked", manualUrl: null });
  });

  it("serves a runner its users' sealed credentials; rotation is compare-and-swap; needs-reauth turns the row", async () => {
    const { member, seeded, runner, ids } = await setup({ tokens: (m) => [{ integration: 0, userId: m.userId, source: "oauth", login: "octocat", scopes: ["repo"], withRefreshToken: true, expiresInSeconds: 60 }] });
    const foreign = (await setup()).runner;
    const got = await runner.call("GET", `/credentials?userId=${member.userId}&host=github.com`);
    expect(got).toMatchObject({ status: 200, body: { userId: member.userId, host: "github.com", source: "oauth", generation: 1, keyId: seeded.keyId, integration: { integrationId: ids[0] } } });
    expect((await foreign.call("GET", `/credentials?userId=${member.userId}&host=github.com`)).status).toBe(409);
    const credentialId = got.body.id as string;
    const [used] = await db.select().from(hostAuthTokens).where(eq(hostAuthTokens.id, credentialId));
    expect(used?.lastUsedAt).not.toBeNull();

    const ctx = { runnerId: seeded.runnerId, integrationId: ids[0]!, userId: member.userId, generation: 2 };
    const rotation = async (n: number, publicKey = seeded.keys.publicKey) => ({
      expectedGeneration: 1,
      tokenSealed: await seal(publicKey, { ...ctx, purpose: "access_token" }, `rotated-${n}`),
      refreshTokenSealed: null,
      expiresAt: new Date(Date.now() + 3600_000).toISOString(),
    });
    const results = await Promise.all([1, 2].map(async (n) => runner.call("POST", `/credentials/${credentialId}/rotate`, await rotation(n))));
    expect(results.map((r) => r.status).sort()).toEqual([200, 409]);
    expect(results.find((r) => r.status === 200)?.body).toEqual({ generation: 2 });
    expect(results.find((r) => r.status === 409)?.body).toMatchObject({ error: { code: "credential_generation_conflict" } });
    // Another runner cannot rotate this credential, even with a box sealed to its own key.
    expect(await foreign.call("POST", `/credentials/${credentialId}/rotate`, { ...(await rotation(3, foreign.runner.keys.publicKey)), expectedGeneration: 2 })).toMatchObject({ status: 409, body: { error: { code: "credential_needs_reauth" } } });
    const wrongKey = { ...(await rotation(4, foreign.runner.keys.publicKey)), expectedGeneration: 2 };
    expect(await runner.call("POST", `/credentials/${credentialId}/rotate`, wrongKey)).toMatchObject({ status: 400, body: { error: { code: "sealed_secret_invalid" } } });
    const [rotated] = await db.select().from(hostAuthTokens).where(eq(hostAuthTokens.id, credentialId));
    expect(rotated?.generation).toBe(2);
    expect((await runner.open(rotated!.tokenSealed, { ...ctx, purpose: "access_token" })).value).toMatch(/^rotated-[12]$/);

    // A stale generation's verdict is ignored; the current one's turns the row.
    await runner.call("POST", `/credentials/${credentialId}/needs-reauth`, { generation: 1, reason: "refresh_failed" });
    expect((await listGitAuthentications({ db, actor: member })).find((r) => r.integrationId === ids[0])?.state.kind).toBe("connected");
    expect((await runner.call("POST", `/credentials/${credentialId}/needs-reauth`, { generation: 2, reason: "refresh_failed" })).status).toBe(200);
    expect((await listGitAuthentications({ db, actor: member })).find((r) => r.integrationId === ids[0])?.state).toMatchObject({ kind: "needs_reauth", reason: "refresh_failed", login: "octocat" });
    expect(await runner.call("GET", `/credentials?userId=${member.userId}&host=github.com`)).toMatchObject({ status: 409, body: { error: { code: "credential_needs_reauth" } } });
  });
});
