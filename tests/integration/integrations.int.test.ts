import crypto from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { and, eq, sql } from "drizzle-orm";
import type { Database, Db } from "@/db/client";
import { auditLog, hostAuthTokens, runnerJobs, scmIntegrations } from "@/db/schema";
import { runAction } from "@/lib/actions/run-action";
import { generateKeyPair, keyIdOf, openSealed, seal, type RunnerKeyPair } from "@/lib/crypto/sealed-box";
import { countIntegrationImpact } from "@/lib/integrations/count-integration-impact";
import { createIntegration } from "@/lib/integrations/create-integration";
import { findIntegration, listIntegrations } from "@/lib/integrations/list-integrations";
import { readJobStatus } from "@/lib/integrations/read-job-status";
import { removeIntegration } from "@/lib/integrations/remove-integration";
import { createIntegrationSchema, updateIntegrationSchema, type CreateIntegrationInput } from "@/lib/integrations/schemas";
import { updateIntegration } from "@/lib/integrations/update-integration";
import { setLogSink } from "@/lib/log/logger";
import { createRunner } from "@/lib/runners/create-runner";
import { completeJob } from "@/lib/runners/jobs/complete-job";
import { integrationTestPayloadSchema } from "@/lib/runners/protocol";
import { registerRunner } from "@/lib/runners/register-runner";
import { rotateRegistrationToken } from "@/lib/runners/rotate-registration-token";
import type { Actor } from "@/lib/users/actor";
import { expectCode } from "../helpers/expect-code";
import { seedOrg, seedUser } from "../helpers/seed";
import { testEngines } from "../helpers/test-database";

type Registered = { admin: Actor; runnerId: string; keys: RunnerKeyPair; keyId: string };

/** `db.execute` answers an array on postgres.js and `{ rows }` on PGlite. */
function rowsOf(result: unknown): Record<string, unknown>[] {
  return (Array.isArray(result) ? result : (result as { rows: Record<string, unknown>[] }).rows) as Record<string, unknown>[];
}

describe.each(testEngines())("SCM integrations on $name", (engine) => {
  let database: Database;
  let db: Db;
  beforeAll(async () => {
    database = await engine.open();
    db = database.db;
  });
  afterAll(async () => {
    await database.close();
  });

  async function runner(opts: { register?: boolean; admin?: Actor } = {}): Promise<Registered> {
    const admin = opts.admin ?? (await seedOrg(db)).admin;
    const created = await createRunner({ db, actor: admin, name: `runner-${crypto.randomBytes(4).toString("hex")}` });
    const keys = await generateKeyPair();
    if (opts.register !== false) await registerRunner({ db, request: { registrationToken: created.registrationToken, publicKey: keys.publicKey, version: "1.0.0" } });
    return { admin, runnerId: created.runnerId, keys, keyId: await keyIdOf(keys.publicKey) };
  }

  function input(runnerId: string, over: Record<string, unknown> = {}): CreateIntegrationInput {
    return createIntegrationSchema.parse({ runnerId, integrationId: crypto.randomUUID(), provider: "github", deployment: "self_hosted", host: "github.example.com", patEnabled: true, test: false, ...over });
  }

  function sealSecret(r: Registered, host: string, value: string, publicKey = r.keys.publicKey) {
    return seal(publicKey, { purpose: "oauth_client_secret", runnerId: r.runnerId, host }, value);
  }

  async function stored(runnerId: string) {
    const [integrations, jobs] = await Promise.all([
      db.select().from(scmIntegrations).where(eq(scmIntegrations.runnerId, runnerId)),
      db.select().from(runnerJobs).where(eq(runnerJobs.runnerId, runnerId)),
    ]);
    return { integrations, jobs };
  }

  async function auditActions(targetId: string) {
    return (await db.select({ action: auditLog.action }).from(auditLog).where(eq(auditLog.targetId, targetId))).map((r) => r.action).sort();
  }

  it("creates, updates and removes an integration, with an audit row for each change and the test job in the same save", async () => {
    const r = await runner();
    const host = "github.example.com";
    const sealed = await sealSecret(r, host, "client-secret-1");
    const created = await createIntegration({ db, actor: r.admin, allowLoopback: false, input: input(r.runnerId, { oauthEnabled: true, oauthClientId: "Iv1.abc", oauthClientSecretSealed: sealed, oauthSecretHost: host, test: true }) });
    expect(created.jobId).toBeTruthy();

    const [row] = (await stored(r.runnerId)).integrations;
    expect(row).toMatchObject({ provider: "github", host, baseUrl: `https://${host}`, oauthEnabled: true, oauthClientId: "Iv1.abc", oauthClientSecretSealed: sealed, oauthSecretKeyId: r.keyId, patEnabled: true });
    // Scopes default to the registry's, in its order.
    expect(row!.oauthScopes).toEqual(["repo", "read:user", "user:email"]);
    expect(row!.patScopes).toEqual(["repo", "read:user"]);
    expect(row!.lastTestResult).toMatchObject({ jobId: created.jobId, done: false });

    const [job] = (await stored(r.runnerId)).jobs;
    expect(job).toMatchObject({ id: created.jobId, kind: "integration.test", status: "pending" });
    const payload = integrationTestPayloadSchema.parse(job!.payload);
    expect(payload).toMatchObject({ integrationId: created.integrationId, provider: "github", host, baseUrl: `https://${host}`, oauth: { clientId: "Iv1.abc", clientSecretSealed: sealed }, patEnabled: true });
    // Save & Test gives up after about 20 seconds.
    expect(job!.deadlineAt!.getTime() - Date.now()).toBeGreaterThan(10_000);
    expect(job!.deadlineAt!.getTime() - Date.now()).toBeLessThanOrEqual(20_000);
    // What the browser sealed is what the runner can open, for this runner and host only.
    const opened = await openSealed(r.keys, payload.oauth!.clientSecretSealed, { purpose: "oauth_client_secret", runnerId: r.runnerId, host });
    expect(opened.value).toBe("client-secret-1");

    // An update without a new secret keeps the stored one; the view never carries it.
    const updated = await updateIntegration({ db, actor: r.admin, allowLoopback: false, input: updateIntegrationSchema.parse({ integrationId: created.integrationId, oauthEnabled: true, oauthClientId: "Iv1.def", oauthScopes: ["repo"], patEnabled: true, patScopes: ["repo", "read:user"], test: true }) });
    expect(updated.jobId).not.toBe(created.jobId);
    const [afterUpdate] = (await stored(r.runnerId)).integrations;
    expect(afterUpdate).toMatchObject({ oauthClientId: "Iv1.def", oauthScopes: ["repo"], oauthClientSecretSealed: sealed });
    const view = await findIntegration({ db, actor: r.admin, integrationId: created.integrationId });
    expect(view).toMatchObject({ hasClientSecret: true, secretNeedsReentry: false });
    expect(JSON.stringify(view)).not.toContain(sealed);

    // Replacing the secret is explicit.
    const replacement = await sealSecret(r, host, "client-secret-2");
    await updateIntegration({ db, actor: r.admin, allowLoopback: false, input: updateIntegrationSchema.parse({ integrationId: created.integrationId, oauthEnabled: true, oauthClientId: "Iv1.def", oauthClientSecretSealed: replacement, oauthSecretHost: host, oauthScopes: ["repo"], patEnabled: false }) });
    expect((await stored(r.runnerId)).integrations[0]).toMatchObject({ oauthClientSecretSealed: replacement, patEnabled: false, lastTestResult: null });

    const removed = await removeIntegration({ db, actor: r.admin, integrationId: created.integrationId });
    expect(removed).toEqual({ host, users: 0 });
    const after = await stored(r.runnerId);
    expect(after.integrations).toHaveLength(0);
    // Tests still waiting for the removed integration are cancelled.
    expect(after.jobs.every((j) => j.status === "cancelled")).toBe(true);
    expect(await auditActions(created.integrationId)).toEqual(["integration.created", "integration.removed", "integration.updated", "integration.updated"]);
    const [audit] = await db.select().from(auditLog).where(and(eq(auditLog.targetId, created.integrationId), eq(auditLog.action, "integration.created")));
    expect(audit!.after).toMatchObject({ host, oauth: { enabled: true, clientId: "Iv1.abc", scopes: ["repo", "read:user", "user:email"], secretStored: true }, pat: { enabled: true, scopes: ["repo", "read:user"] } });
  });

  it("offers each provider's hosts: cloud hosts, self-hosted instances, Azure DevOps Services and Server", async () => {
    const r = await runner();
    const make = (over: Record<string, unknown>) => createIntegration({ db, actor: r.admin, allowLoopback: false, input: input(r.runnerId, over) });
    await make({ provider: "github", deployment: "cloud", host: null });
    await make({ provider: "gitlab", deployment: "self_hosted", host: "https://GitLab.Example.com:8443/" });
    await make({ provider: "bitbucket", deployment: "cloud" });
    await expectCode(make({ provider: "azure_devops", deployment: "cloud", issuerUrl: "https://login.microsoftonline.com/tenant-1/v2.0?x=1" }), "host_invalid");
    await make({ provider: "azure_devops", deployment: "cloud", issuerUrl: "https://login.microsoftonline.com/tenant-1/v2.0/" });
    await make({ provider: "azure_devops", deployment: "self_hosted", host: "devops.example.com", virtualDirectory: "/tfs/DefaultCollection/" });
    const rows = (await stored(r.runnerId)).integrations.map((i) => ({ provider: i.provider, host: i.host, baseUrl: i.baseUrl, issuerUrl: i.issuerUrl, virtualDirectory: i.virtualDirectory }));
    expect(rows).toEqual(
      expect.arrayContaining([
        { provider: "github", host: "github.com", baseUrl: "https://github.com", issuerUrl: null, virtualDirectory: null },
        { provider: "gitlab", host: "gitlab.example.com:8443", baseUrl: "https://gitlab.example.com:8443", issuerUrl: null, virtualDirectory: null },
        { provider: "bitbucket", host: "bitbucket.org", baseUrl: "https://bitbucket.org", issuerUrl: null, virtualDirectory: null },
        { provider: "azure_devops", host: "dev.azure.com", baseUrl: "https://dev.azure.com", issuerUrl: "https://login.microsoftonline.com/tenant-1/v2.0", virtualDirectory: null },
        { provider: "azure_devops", host: "devops.example.com", baseUrl: "https://devops.example.com", issuerUrl: null, virtualDirectory: "tfs/DefaultCollection" },
      ]),
    );
    expect(rows).toHaveLength(5);
    // Azure DevOps Services needs its Entra ID tenant; scopes must be the provider's.
    await expectCode(createIntegration({ db, actor: r.admin, allowLoopback: false, input: input(r.runnerId, { provider: "azure_devops", deployment: "cloud", host: null }) }), "validation_failed");
    await expectCode(createIntegration({ db, actor: r.admin, allowLoopback: false, input: input(r.runnerId, { host: "scopes.example.com", patScopes: ["repo", "admin:org"] }) }), "validation_failed");
  });

  it("refuses invalid hosts and SSRF bait with host_invalid on the host field, storing nothing", async () => {
    const r = await runner();
    const bait = [
      "http://github.example.com",
      "169.254.169.254",
      "metadata.google.internal",
      "[::ffff:169.254.169.254]",
      "user:pw@github.example.com",
      "github.example.com/org/repo",
      "github.example.com?x=1",
      "localhost",
      "127.0.0.1:8080",
      "0x7f.1",
      "2130706433",
      "[::1]",
      "0.0.0.0",
      "intranet",
      "exa mple.com",
      "ftp://github.example.com",
    ];
    for (const host of bait) {
      const attempt = createIntegration({ db, actor: r.admin, allowLoopback: false, input: input(r.runnerId, { host }) });
      await expect(attempt, host).rejects.toSatisfy((e: { code?: string; fieldErrors?: Record<string, string[]> }) => e.code === "host_invalid" && (e.fieldErrors?.host?.length ?? 0) > 0);
    }
    // Bitbucket Cloud has no self-hosted edition; only a loopback stand-in where loopback is allowed.
    await expectCode(createIntegration({ db, actor: r.admin, allowLoopback: true, input: input(r.runnerId, { provider: "bitbucket", host: "bitbucket.example.com" }) }), "host_invalid");
    await expectCode(createIntegration({ db, actor: r.admin, allowLoopback: false, input: input(r.runnerId, { provider: "azure_devops", deployment: "cloud", issuerUrl: "https://169.254.169.254/tenant/v2.0" }) }), "host_invalid");
    expect(await stored(r.runnerId)).toEqual({ integrations: [], jobs: [] });
    expect(await db.select().from(auditLog).where(and(eq(auditLog.orgId, r.admin.orgId), eq(auditLog.targetType, "scm_integration")))).toEqual([]);

    // The provider sandbox on loopback is accepted only where loopback hosts are allowed.
    await createIntegration({ db, actor: r.admin, allowLoopback: true, input: input(r.runnerId, { host: "http://127.0.0.1:9999" }) });
    await createIntegration({ db, actor: r.admin, allowLoopback: true, input: input(r.runnerId, { provider: "bitbucket", host: "http://127.0.0.1:9998" }) });
    expect((await stored(r.runnerId)).integrations.map((i) => i.baseUrl).sort()).toEqual(["http://127.0.0.1:9998", "http://127.0.0.1:9999"]);
  });

  it("allows one integration per host on a runner (host_taken), the same host on another runner", async () => {
    const r = await runner();
    const other = await runner({ admin: r.admin });
    await createIntegration({ db, actor: r.admin, allowLoopback: false, input: input(r.runnerId, { host: "git.example.com" }) });
    const dup = createIntegration({ db, actor: r.admin, allowLoopback: false, input: input(r.runnerId, { provider: "gitlab", host: "https://GIT.example.com." }) });
    await expect(dup).rejects.toSatisfy((e: { code?: string; fieldErrors?: Record<string, string[]> }) => e.code === "host_taken" && Boolean(e.fieldErrors?.host));
    await createIntegration({ db, actor: r.admin, allowLoopback: false, input: input(other.runnerId, { host: "git.example.com" }) });
    expect((await stored(r.runnerId)).integrations).toHaveLength(1);
  });

  it("answers not_found for an unknown runner or another organization's runner or integration, and forbidden for non-admins", async () => {
    const ours = await runner();
    const theirs = await runner();
    await expectCode(createIntegration({ db, actor: ours.admin, allowLoopback: false, input: input(crypto.randomUUID()) }), "not_found");
    await expectCode(createIntegration({ db, actor: ours.admin, allowLoopback: false, input: input(theirs.runnerId) }), "not_found");
    const theirIntegration = await createIntegration({ db, actor: theirs.admin, allowLoopback: false, input: input(theirs.runnerId) });
    const patOff = updateIntegrationSchema.parse({ integrationId: theirIntegration.integrationId, patEnabled: true });
    await expectCode(updateIntegration({ db, actor: ours.admin, allowLoopback: false, input: patOff }), "not_found");
    await expectCode(removeIntegration({ db, actor: ours.admin, integrationId: theirIntegration.integrationId }), "not_found");
    await expectCode(countIntegrationImpact({ db, actor: ours.admin, integrationId: theirIntegration.integrationId }), "not_found");
    await expectCode(findIntegration({ db, actor: ours.admin, integrationId: theirIntegration.integrationId }), "not_found");
    await expectCode(readJobStatus({ db, actor: ours.admin, jobId: crypto.randomUUID() }), "not_found");
    expect(await listIntegrations({ db, actor: ours.admin, runnerId: theirs.runnerId })).toEqual([]);
    for (const role of ["member", "support"] as const) {
      const user = await seedUser(db, ours.admin.orgId, role);
      await expectCode(createIntegration({ db, actor: user, allowLoopback: false, input: input(ours.runnerId) }), "forbidden");
      await expectCode(listIntegrations({ db, actor: user, runnerId: ours.runnerId }), "forbidden");
    }
    expect((await stored(ours.runnerId)).integrations).toHaveLength(0);
    expect((await stored(theirs.runnerId)).integrations).toHaveLength(1);
  });

  it("accepts a client secret only sealed to the runner's current key for this host (sealed_secret_invalid), storing nothing otherwise", async () => {
    const r = await runner();
    const host = "github.example.com";
    const stranger = await generateKeyPair();
    const oauth = async (secret: string, sealedFor = host) => input(r.runnerId, { oauthEnabled: true, oauthClientId: "client", oauthClientSecretSealed: secret, oauthSecretHost: sealedFor });
    for (const attempt of [
      await oauth("plaintext-client-secret"),
      await oauth(`sbx1.${r.keyId}.not-a-box`),
      await oauth(await sealSecret(r, host, "s", stranger.publicKey)),
      await oauth(await sealSecret(r, "other.example.com", "s"), "other.example.com"),
    ]) {
      await expectCode(createIntegration({ db, actor: r.admin, allowLoopback: false, input: attempt }), "sealed_secret_invalid");
    }
    await expectCode(createIntegration({ db, actor: r.admin, allowLoopback: false, input: input(r.runnerId, { oauthEnabled: true, oauthClientId: "client" }) }), "validation_failed");
    const unregistered = await runner({ register: false, admin: r.admin });
    await expectCode(createIntegration({ db, actor: r.admin, allowLoopback: false, input: input(unregistered.runnerId, { oauthEnabled: true, oauthClientId: "c", oauthClientSecretSealed: await sealSecret(unregistered, host, "s"), oauthSecretHost: host }) }), "runner_not_registered");
    expect(await stored(r.runnerId)).toEqual({ integrations: [], jobs: [] });
    // A PAT-only integration needs no key: it can be set up before the runner registers.
    await createIntegration({ db, actor: r.admin, allowLoopback: false, input: input(unregistered.runnerId) });
  });

  it("asks for the client secret again after the runner re-keys", async () => {
    const r = await runner();
    const host = "github.example.com";
    const created = await createIntegration({ db, actor: r.admin, allowLoopback: false, input: input(r.runnerId, { oauthEnabled: true, oauthClientId: "c", oauthClientSecretSealed: await sealSecret(r, host, "s"), oauthSecretHost: host }) });
    const { registrationToken } = await rotateRegistrationToken({ db, actor: r.admin, runnerId: r.runnerId });
    const newKeys = await generateKeyPair();
    await registerRunner({ db, request: { registrationToken, publicKey: newKeys.publicKey, version: "1.0.1" } });
    expect(await findIntegration({ db, actor: r.admin, integrationId: created.integrationId })).toMatchObject({ secretNeedsReentry: true, hasClientSecret: true });
    const keep = updateIntegrationSchema.parse({ integrationId: created.integrationId, oauthEnabled: true, oauthClientId: "c", patEnabled: true });
    await expectCode(updateIntegration({ db, actor: r.admin, allowLoopback: false, input: keep }), "sealed_secret_invalid");
    const fresh = await seal(newKeys.publicKey, { purpose: "oauth_client_secret", runnerId: r.runnerId, host }, "s2");
    await updateIntegration({ db, actor: r.admin, allowLoopback: false, input: { ...keep, oauthClientSecretSealed: fresh, oauthSecretHost: host } });
    expect(await findIntegration({ db, actor: r.admin, integrationId: created.integrationId })).toMatchObject({ secretNeedsReentry: false });
  });

  it("cascades: PATs off deletes PAT-sourced credentials, OAuth off the OAuth-sourced ones, removal all; counts come first", async () => {
    const r = await runner();
    const host = "github.example.com";
    const created = await createIntegration({ db, actor: r.admin, allowLoopback: false, input: input(r.runnerId, { oauthEnabled: true, oauthClientId: "c", oauthClientSecretSealed: await sealSecret(r, host, "s"), oauthSecretHost: host }) });
    const users = await Promise.all([1, 2, 3, 4, 5].map(() => seedUser(db, r.admin.orgId, "member")));
    const sources = ["pat", "pat", "oauth", "oauth", "oauth"] as const;
    await db.insert(hostAuthTokens).values(users.map((u, i) => ({ orgId: r.admin.orgId, runnerId: r.runnerId, integrationId: created.integrationId, userId: u.userId, host, source: sources[i]!, tokenSealed: `sbx1.${r.keyId}.${"A".repeat(64)}`, keyId: r.keyId })));
    const tokens = async () => (await db.select({ source: hostAuthTokens.source }).from(hostAuthTokens).where(eq(hostAuthTokens.integrationId, created.integrationId))).map((t) => t.source).sort();

    expect(await countIntegrationImpact({ db, actor: r.admin, integrationId: created.integrationId })).toEqual({ host, oauthUsers: 3, patUsers: 2, users: 5 });
    expect(await listIntegrations({ db, actor: r.admin, runnerId: r.runnerId })).toMatchObject([{ oauthUsers: 3, patUsers: 2, users: 5 }]);

    const base = { integrationId: created.integrationId, oauthClientId: "c" };
    const patOff = await updateIntegration({ db, actor: r.admin, allowLoopback: false, input: updateIntegrationSchema.parse({ ...base, oauthEnabled: true, patEnabled: false }) });
    expect(patOff.disconnected).toEqual({ oauth: 0, pat: 2 });
    expect(await tokens()).toEqual(["oauth", "oauth", "oauth"]);

    const patOn = await updateIntegration({ db, actor: r.admin, allowLoopback: false, input: updateIntegrationSchema.parse({ ...base, oauthEnabled: true, patEnabled: true }) });
    expect(patOn.disconnected).toEqual({ oauth: 0, pat: 0 });
    await db.insert(hostAuthTokens).values({ orgId: r.admin.orgId, runnerId: r.runnerId, integrationId: created.integrationId, userId: users[0]!.userId, host, source: "pat", tokenSealed: `sbx1.${r.keyId}.${"B".repeat(64)}`, keyId: r.keyId });

    const oauthOff = await updateIntegration({ db, actor: r.admin, allowLoopback: false, input: updateIntegrationSchema.parse({ ...base, oauthEnabled: false, patEnabled: true }) });
    expect(oauthOff.disconnected).toEqual({ oauth: 3, pat: 0 });
    expect(await tokens()).toEqual(["pat"]);
    // Turning OAuth off drops the client secret too; the client id is kept for turning it back on.
    expect((await stored(r.runnerId)).integrations[0]).toMatchObject({ oauthEnabled: false, oauthClientSecretSealed: null, oauthSecretKeyId: null, oauthClientId: "c" });
    const [audit] = await db.select().from(auditLog).where(eq(auditLog.targetId, created.integrationId)).orderBy(sql`${auditLog.at} desc`).limit(1);
    expect(audit!.after).toMatchObject({ disconnectedUsers: { oauth: 3, pat: 0 } });

    expect(await countIntegrationImpact({ db, actor: r.admin, integrationId: created.integrationId })).toMatchObject({ users: 1 });
    expect(await removeIntegration({ db, actor: r.admin, integrationId: created.integrationId })).toEqual({ host, users: 1 });
    expect(await db.select().from(hostAuthTokens).where(eq(hostAuthTokens.runnerId, r.runnerId))).toEqual([]);
  });

  it("writes the test job in the save's transaction: a save that fails leaves neither", async () => {
    const r = await runner();
    // Make the save's last statement (its audit row) fail for one host.
    await db.execute(sql.raw(`create or replace function fail_audit() returns trigger language plpgsql as $$ begin if new.target_label = 'fail.example.com' then raise exception 'audit refused'; end if; return new; end $$`));
    await db.execute(sql.raw(`create trigger fail_audit before insert on audit_log for each row execute function fail_audit()`));
    try {
      await expect(createIntegration({ db, actor: r.admin, allowLoopback: false, input: input(r.runnerId, { host: "fail.example.com", test: true }) })).rejects.toThrow();
      expect(await stored(r.runnerId)).toEqual({ integrations: [], jobs: [] });
      const ok = await createIntegration({ db, actor: r.admin, allowLoopback: false, input: input(r.runnerId, { host: "ok.example.com", test: true }) });
      expect((await stored(r.runnerId)).jobs.map((j) => j.id)).toEqual([ok.jobId]);
    } finally {
      await db.execute(sql.raw(`drop trigger fail_audit on audit_log`));
    }
  });

  it("reports the runner's checks to the browser and keeps them as the integration's last test", async () => {
    const r = await runner();
    const created = await createIntegration({ db, actor: r.admin, allowLoopback: false, input: input(r.runnerId, { test: true }) });
    const jobId = created.jobId!;
    expect(await readJobStatus({ db, actor: r.admin, jobId })).toMatchObject({ status: "pending", done: false, ok: null, kind: "integration.test" });
    await db.update(runnerJobs).set({ status: "running", attempts: 1, progress: "api" }).where(eq(runnerJobs.id, jobId));
    expect(await readJobStatus({ db, actor: r.admin, jobId })).toMatchObject({ status: "running", stage: "api", done: false });
    await completeJob({
      db,
      runnerId: r.runnerId,
      jobId,
      body: {
        attempt: 1,
        outcome: "succeeded",
        result: {
          checks: [
            { id: "reachable", ok: true, durationMs: 12 },
            { id: "api", ok: false, code: "api_unexpected_response", field: "host", message: "raw provider text <html>", durationMs: 30 },
          ],
        },
      },
    });
    const status = await readJobStatus({ db, actor: r.admin, jobId });
    expect(status).toMatchObject({ status: "succeeded", done: true, ok: false, errorCode: null, fieldErrors: { host: ["Not the expected provider API"] } });
    expect(status.checks).toEqual([
      { id: "reachable", ok: true, code: null, field: null, durationMs: 12 },
      { id: "api", ok: false, code: "api_unexpected_response", field: "host", durationMs: 30 },
    ]);
    // The runner's free text never reaches the browser.
    expect(JSON.stringify(status)).not.toContain("raw provider text");
    expect(await findIntegration({ db, actor: r.admin, integrationId: created.integrationId })).toMatchObject({ lastTestOk: false, lastTest: { jobId, done: true, ok: false } });

    // A test nobody picks up before its deadline ends as runner_offline, and is kept as such.
    const again = await updateIntegration({ db, actor: r.admin, allowLoopback: false, input: updateIntegrationSchema.parse({ integrationId: created.integrationId, patEnabled: true, test: true }) });
    await db.update(runnerJobs).set({ deadlineAt: sql`now() - interval '1 second'` }).where(eq(runnerJobs.id, again.jobId!));
    expect(await readJobStatus({ db, actor: r.admin, jobId: again.jobId! })).toMatchObject({ status: "cancelled", done: true, ok: false, errorCode: "runner_offline" });
    // The older job's late answer does not overwrite the newer test.
    expect(await findIntegration({ db, actor: r.admin, integrationId: created.integrationId })).toMatchObject({ lastTestOk: false, lastTest: { jobId: again.jobId, errorCode: "runner_offline" } });
    const member = await seedUser(db, r.admin.orgId, "member");
    await expectCode(readJobStatus({ db, actor: member, jobId }), "forbidden");
  });

  it("never lets a canary client secret out: not in any table, audit row, job payload, log line or action result", async () => {
    const r = await runner();
    const canary = `canary-${crypto.randomBytes(12).toString("hex")}`;
    const host = "canary.example.com";
    const lines: string[] = [];
    const previous = setLogSink((line) => lines.push(line));
    const results: unknown[] = [];
    try {
      const deps = {
        requestHeaders: async () => ({ origin: null, host: null, fetchSite: null }),
        loadActor: async () => r.admin,
        rethrow: () => {},
      };
      const create = (raw: Record<string, unknown>) =>
        runAction(deps, { name: "integration.create", access: { roles: ["admin"] }, schema: createIntegrationSchema, handler: (i, actor) => createIntegration({ db, actor: actor!, input: i, allowLoopback: false }) }, raw);
      const update = (raw: Record<string, unknown>) =>
        runAction(deps, { name: "integration.update", access: { roles: ["admin"] }, schema: updateIntegrationSchema, handler: (i, actor) => updateIntegration({ db, actor: actor!, input: i, allowLoopback: false }) }, raw);
      const integrationId = crypto.randomUUID();
      const base = { runnerId: r.runnerId, integrationId, provider: "github", deployment: "self_hosted", host, oauthEnabled: "true", oauthClientId: "client", patEnabled: "true", test: "true" };
      // Refused: the canary in clear, in every field a careless client might put it.
      results.push(await create({ ...base, oauthClientSecretSealed: canary, oauthSecretHost: host }));
      results.push(await create({ ...base, oauthClientSecret: canary, clientSecret: canary }));
      results.push(await create({ ...base, host: `${canary}@x.example.com`, oauthClientSecretSealed: canary }));
      // Accepted: the canary sealed, then replaced by another sealed canary.
      results.push(await create({ ...base, oauthClientSecretSealed: await sealSecret(r, host, canary), oauthSecretHost: host }));
      results.push(await update({ integrationId, oauthEnabled: "true", oauthClientId: "client", oauthClientSecretSealed: await sealSecret(r, host, `${canary}-2`), oauthSecretHost: host, patEnabled: "false", test: "true" }));
      results.push(await findIntegration({ db, actor: r.admin, integrationId }));
      results.push(await listIntegrations({ db, actor: r.admin, runnerId: r.runnerId }));
      const jobs = (await stored(r.runnerId)).jobs;
      for (const job of jobs) results.push(await readJobStatus({ db, actor: r.admin, jobId: job.id }));
    } finally {
      setLogSink(previous);
    }
    expect(results.slice(0, 3)).toMatchObject([{ ok: false, code: "sealed_secret_invalid" }, { ok: false, code: "validation_failed" }, { ok: false, code: "host_invalid" }]);
    expect(results.slice(3, 5)).toMatchObject([{ ok: true }, { ok: true }]);

    const tables = rowsOf(await db.execute(sql`select table_name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE'`)).map((t) => String(t.table_name));
    expect(tables).toEqual(expect.arrayContaining(["scm_integrations", "runner_jobs", "audit_log", "host_auth_tokens"]));
    let dump = "";
    for (const table of tables) dump += JSON.stringify(rowsOf(await db.execute(sql.raw(`select * from "${table}"`))));
    expect(dump).toContain("sbx1."); // the sealed boxes are there...
    expect(dump).not.toContain(canary); // ...the secret is not.
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.join("\n")).not.toContain(canary);
    expect(JSON.stringify(results)).not.toContain(canary);
    expect(JSON.stringify(results)).not.toContain("sbx1.");
    const jobs = (await stored(r.runnerId)).jobs;
    expect(jobs).toHaveLength(2);
    for (const job of jobs) {
      const payload = integrationTestPayloadSchema.parse(job.payload);
      expect(payload.oauth?.clientSecretSealed).toMatch(/^sbx1\./);
      expect(JSON.stringify(job)).not.toContain(canary);
    }
  });
});
