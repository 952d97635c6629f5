import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq, inArray, sql } from "drizzle-orm";
import type { Database } from "@/db/client";
import { agentActivity, auditLog, oauthAttempts, passwordResets, rateLimits, runnerJobs, runners, scmEvents, scmIntegrations } from "@/db/schema";
import { getRetentionSetting, setRetentionDays } from "@/lib/orgs/retention";
import { sweepRetention } from "@/lib/retention/sweep-retention";
import { seedOrg, seedUser } from "../helpers/seed";
import { testEngines } from "../helpers/test-database";

const ago = (ms: number) => new Date(Date.now() - ms);
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const BOX = "sbx1.key1.c2VjcmV0LWNpcGhlcnRleHQ";

describe.each(testEngines())("Retention sweep on $name", (engine) => {
  let database: Database;
  beforeAll(async () => {
    database = await engine.open();
  });
  afterAll(async () => {
    await database.close();
  });

  it("deletes old rows, keeps young ones, erases finished jobs' sealed boxes and leaves pending and running jobs alone", async () => {
    const db = database.db;
    const { orgId, admin } = await seedOrg(db);
    const [runner] = await db.insert(runners).values({ orgId, name: "r" }).returning();
    const [integration] = await db.insert(scmIntegrations).values({ orgId, runnerId: runner!.id, provider: "github", host: "github.com", baseUrl: "https://api.github.com" }).returning();

    const payload = { userId: admin.userId, integration: { host: "github.com", oauth: { clientSecretSealed: BOX } }, patSealed: BOX, username: "ada@example.com" };
    const job = (key: string, status: "pending" | "running" | "succeeded" | "failed", finishedAt: Date | null) => ({
      orgId, runnerId: runner!.id, kind: "pat.validate", payload, result: finishedAt ? { tokenSealed: BOX, subjectLogin: "ada", patUsername: "ada@example.com" } : null, idempotencyKey: key, status, finishedAt,
    });
    const jobs = await db
      .insert(runnerJobs)
      .values([job("done-2h", "succeeded", ago(2 * HOUR)), job("failed-2h", "failed", ago(2 * HOUR)), job("done-now", "succeeded", ago(60_000)), job("done-100d", "succeeded", ago(100 * DAY)), job("pending", "pending", null), job("running", "running", null)])
      .returning({ id: runnerJobs.id, key: runnerJobs.idempotencyKey });
    const idOf = Object.fromEntries(jobs.map((j) => [j.key, j.id]));

    const event = (stage: string, at: Date) => ({ orgId, at, actorType: "system" as const, operation: "pat.validate", stage, outcome: "succeeded" as const });
    await db.insert(scmEvents).values([event("old", ago(91 * DAY)), event("young", ago(89 * DAY))]);
    const activity = (tool: string, at: Date) => ({ orgId, tool, capability: "read", outcome: "succeeded" as const, at });
    await db.insert(agentActivity).values([activity("old", ago(91 * DAY)), activity("young", ago(DAY))]);
    const attempt = (stateHash: string, expiresAt: Date) => ({ stateHash, orgId, userId: admin.userId, integrationId: integration!.id, pkceVerifierSealed: BOX, returnTo: "/", expiresAt });
    await db.insert(oauthAttempts).values([attempt("expired-2d", ago(2 * DAY)), attempt("live", new Date(Date.now() + 600_000))]);
    await db.insert(rateLimits).values([{ key: "stale", windowStart: ago(2 * DAY), count: 3 }, { key: "fresh", windowStart: ago(60_000), count: 1 }]);
    await db.insert(passwordResets).values([
      { orgId, userId: admin.userId, tokenHash: `expired-${orgId}`, expiresAt: ago(2 * DAY) },
      { orgId, userId: admin.userId, tokenHash: `live-${orgId}`, expiresAt: new Date(Date.now() + DAY) },
    ]);

    // Batches of one: every table takes several statements, as a large backlog would.
    const counts = await sweepRetention({ db, policy: { jobPayloadMinutes: 60, eventsDays: 90 }, batch: 1 });
    expect(counts).toMatchObject({ jobsErased: 3, jobsDeleted: 1, events: 1, agentActivity: 1, oauthAttempts: 1, passwordResets: 1, rateLimits: 1, skipped: false });

    const left = await db.select().from(runnerJobs).where(eq(runnerJobs.orgId, orgId));
    const byKey = Object.fromEntries(left.map((j) => [j.idempotencyKey, j]));
    expect(Object.keys(byKey).sort()).toEqual(["done-2h", "done-now", "failed-2h", "pending", "running"]);
    for (const key of ["done-2h", "failed-2h"]) {
      expect(JSON.stringify(byKey[key]!.payload)).not.toContain("sbx1.");
      expect(JSON.stringify(byKey[key]!.result)).not.toContain("sbx1.");
      // The account email a PAT was validated with goes with the sealed boxes.
      expect(JSON.stringify([byKey[key]!.payload, byKey[key]!.result])).not.toContain("ada@example.com");
      expect(byKey[key]!.payload).toMatchObject({ userId: admin.userId, integration: { host: "github.com", oauth: { clientSecretSealed: null } }, patSealed: null });
      expect(byKey[key]!.payloadErasedAt).not.toBeNull();
    }
    expect(byKey["done-2h"]!.result).toEqual({ tokenSealed: null, subjectLogin: "ada" });
    for (const key of ["done-now", "pending", "running"]) {
      expect(byKey[key]!.payload).toEqual(payload);
      expect(byKey[key]!.payloadErasedAt).toBeNull();
    }
    expect(byKey.running!.status).toBe("running");

    expect((await db.select({ stage: scmEvents.stage }).from(scmEvents).where(eq(scmEvents.orgId, orgId))).map((e) => e.stage)).toEqual(["young"]);
    expect((await db.select({ tool: agentActivity.tool }).from(agentActivity).where(eq(agentActivity.orgId, orgId))).map((a) => a.tool)).toEqual(["young"]);
    expect((await db.select({ s: oauthAttempts.stateHash }).from(oauthAttempts).where(eq(oauthAttempts.orgId, orgId))).map((a) => a.s)).toEqual(["live"]);
    expect((await db.select({ key: rateLimits.key }).from(rateLimits).where(inArray(rateLimits.key, ["stale", "fresh"]))).map((r) => r.key)).toEqual(["fresh"]);
    expect((await db.select({ h: passwordResets.tokenHash }).from(passwordResets).where(eq(passwordResets.orgId, orgId))).map((r) => r.h)).toEqual([`live-${orgId}`]);
    expect(idOf["done-100d"]).toBeDefined();

    // A second sweep finds nothing left to do.
    expect(await sweepRetention({ db, policy: { jobPayloadMinutes: 60, eventsDays: 90 } })).toMatchObject({ jobsErased: 0, jobsDeleted: 0, events: 0, agentActivity: 0, oauthAttempts: 0, passwordResets: 0, rateLimits: 0 });
  });

  it("keeps each organization's records for the period its admin set, audited, and the plane's default elsewhere", async () => {
    const db = database.db;
    const short = await seedOrg(db);
    const usual = await seedOrg(db);
    const event = (orgId: string, stage: string, at: Date) => ({ orgId, at, actorType: "system" as const, operation: "pat.validate", stage, outcome: "succeeded" as const });
    const activity = (orgId: string, tool: string, at: Date) => ({ orgId, tool, capability: "read", outcome: "succeeded" as const, at });
    for (const org of [short, usual]) {
      await db.insert(scmEvents).values([event(org.orgId, "10d", ago(10 * DAY)), event(org.orgId, "3d", ago(3 * DAY))]);
      await db.insert(agentActivity).values([activity(org.orgId, "10d", ago(10 * DAY)), activity(org.orgId, "3d", ago(3 * DAY))]);
    }

    expect(await getRetentionSetting({ db, actor: short.admin, defaultDays: 90 })).toEqual({ days: null, defaultDays: 90, effectiveDays: 90 });
    await setRetentionDays({ db, actor: short.admin, days: 7 });
    expect(await getRetentionSetting({ db, actor: short.admin, defaultDays: 90 })).toEqual({ days: 7, defaultDays: 90, effectiveDays: 7 });
    const [audit] = await db.select().from(auditLog).where(eq(auditLog.orgId, short.orgId));
    expect(audit).toMatchObject({ action: "org.retention_changed", before: { retentionDays: null }, after: { retentionDays: 7 } });

    await sweepRetention({ db, policy: { jobPayloadMinutes: 60, eventsDays: 90 } });
    const stages = async (orgId: string) => (await db.select({ s: scmEvents.stage }).from(scmEvents).where(eq(scmEvents.orgId, orgId))).map((e) => e.s).sort();
    const tools = async (orgId: string) => (await db.select({ t: agentActivity.tool }).from(agentActivity).where(eq(agentActivity.orgId, orgId))).map((a) => a.t).sort();
    expect(await stages(short.orgId)).toEqual(["3d"]);
    expect(await tools(short.orgId)).toEqual(["3d"]);
    expect(await stages(usual.orgId)).toEqual(["10d", "3d"]);
    expect(await tools(usual.orgId)).toEqual(["10d", "3d"]);
  });

  it("accepts retention periods from 1 to 3650 days, or the default, from admins only", async () => {
    const db = database.db;
    const { admin, orgId } = await seedOrg(db);
    const member = await seedUser(db, orgId, "member");
    for (const days of [0, -1, 3651, 2.5, Number.NaN]) {
      await expect(setRetentionDays({ db, actor: admin, days }), String(days)).rejects.toMatchObject({ code: "validation_failed", fieldErrors: { retentionDays: [expect.any(String)] } });
    }
    await expect(setRetentionDays({ db, actor: member, days: 30 })).rejects.toMatchObject({ code: "forbidden" });
    await setRetentionDays({ db, actor: admin, days: 3650 });
    await setRetentionDays({ db, actor: admin, days: null });
    expect((await getRetentionSetting({ db, actor: admin, defaultDays: 30 })).effectiveDays).toBe(30);
    expect((await db.select().from(auditLog).where(eq(auditLog.orgId, orgId))).map((a) => a.after)).toEqual([{ retentionDays: 3650 }, { retentionDays: null }]);
  });

  it("leaves the sweep to the replica that holds the lock", async () => {
    const db = database.db;
    const outcome = await db.transaction(async (tx) => {
      await tx.execute(sql`select pg_advisory_xact_lock(7303442117)`);
      // PGlite has one connection: a second transaction would wait for this one, so only PostgreSQL can show the skip.
      if (engine.name === "pglite") return null;
      return sweepRetention({ db, policy: { jobPayloadMinutes: 60, eventsDays: 90 } });
    });
    if (outcome) expect(outcome.skipped).toBe(true);
  });
});
