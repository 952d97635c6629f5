import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sql } from "drizzle-orm";
import type { Database } from "@/db/client";
import { runnerJobs, runners } from "@/db/schema";
import { buildSupportBundle } from "@/lib/diagnostics/build-support-bundle";
import { seedOrg, seedUser } from "../helpers/seed";
import { testEngines } from "../helpers/test-database";

/**
 * Regression: the bundle took the organization's newest 500 events and kept the member's among
 * them, so in a busy organization a member's bundle was nearly empty.
 */
describe.each(testEngines())("Support bundle in a busy organization on $name", (engine) => {
  let database: Database;
  beforeAll(async () => {
    database = await engine.open();
  });
  afterAll(async () => {
    await database.close();
  });

  it("carries every one of a member's own events and jobs, however many other events are newer", async () => {
    const { orgId, admin } = await seedOrg(database.db);
    const member = await seedUser(database.db, orgId, "member");
    const other = await seedUser(database.db, orgId, "member");
    const [runner] = await database.db.insert(runners).values({ orgId, name: "busy-runner" }).returning();
    // The member's events two hours ago: four about them, three by them (as actor).
    await database.db.execute(sql`
      insert into scm_events (org_id, at, actor_type, actor_id, user_id, operation, stage, outcome)
      select ${orgId}, now() - interval '2 hours' + g * interval '1 second', 'user', ${other.userId}, ${member.userId}, 'pat.validate', 'mine-about', 'failed'
      from generate_series(1, 4) g`);
    await database.db.execute(sql`
      insert into scm_events (org_id, at, actor_type, actor_id, user_id, operation, stage, outcome)
      select ${orgId}, now() - interval '2 hours' + g * interval '1 second', 'user', ${member.userId}, null, 'integration.save', 'mine-by', 'succeeded'
      from generate_series(1, 3) g`);
    // 600 newer events of someone else.
    await database.db.execute(sql`
      insert into scm_events (org_id, at, actor_type, actor_id, user_id, operation, stage, outcome)
      select ${orgId}, now() - interval '1 hour' + g * interval '1 second', 'user', ${other.userId}, ${other.userId}, 'pat.validate', 'theirs', 'failed'
      from generate_series(1, 600) g`);
    // Jobs: the member's two (one by userId, one by ownerId) behind 150 newer ones of someone else.
    await database.db.insert(runnerJobs).values([
      { orgId, runnerId: runner!.id, kind: "pat.validate", payload: { userId: member.userId }, idempotencyKey: "mine-1", createdAt: new Date(Date.now() - 7_200_000) },
      { orgId, runnerId: runner!.id, kind: "environment.create", payload: { ownerId: member.userId }, idempotencyKey: "mine-2", createdAt: new Date(Date.now() - 7_100_000) },
      ...Array.from({ length: 150 }, (_, i) => ({ orgId, runnerId: runner!.id, kind: "pat.validate", payload: { userId: other.userId }, idempotencyKey: `theirs-${i}` })),
    ]);

    const bundle = await buildSupportBundle({ db: database.db, actor: admin, target: { userEmail: member.email }, offlineAfterMs: 45_000 });
    expect(bundle.trail.map((e) => e.stage).sort()).toEqual([...Array(3).fill("mine-by"), ...Array(4).fill("mine-about")].sort());
    expect(bundle.jobs.map((j) => j.kind).sort()).toEqual(["environment.create", "pat.validate"]);

    const theirs = await buildSupportBundle({ db: database.db, actor: admin, target: { userEmail: other.email }, offlineAfterMs: 45_000 });
    expect(theirs.trail).toHaveLength(500);
    expect(theirs.trail.every((e) => e.stage === "theirs" || e.stage === "mine-about")).toBe(true);
  });
});
