import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { setDatabaseForProcess, type Database, type Db } from "@/db/client";
import { hostAuthTokens, runners, scmIntegrations } from "@/db/schema";
import { countRunnerImpact } from "@/lib/runners/count-runner-impact";
import { findRunner, listRunners, RUNNERS_PAGE_SIZE } from "@/lib/runners/list-runners";
import { listRunnerStatuses } from "@/lib/runners/list-runner-statuses";
import { runnerStatusQuerySchema } from "@/lib/runners/schemas";
import { expectCode } from "../helpers/expect-code";
import { seedOrg, seedUser } from "../helpers/seed";
import { testEngines } from "../helpers/test-database";
import type { Actor } from "@/lib/users/actor";

/** The signed-in actor the mocked session answers with (for the status route). */
const session = vi.hoisted(() => ({ actor: null as Actor | null }));
vi.mock("@/lib/auth/get-actor", () => ({ getActor: async () => session.actor }));

const OFFLINE_AFTER_MS = 60_000;

describe.each(testEngines())("Settings > Runners list on $name", (engine) => {
  let database: Database;
  let db: Db;
  beforeAll(async () => {
    database = await engine.open();
    db = database.db;
    setDatabaseForProcess(database);
  });
  afterAll(async () => {
    setDatabaseForProcess(undefined);
    await database.close();
  });

  /** An organization with `count` (at least 2) runners named `prefix-001`… inserted out of order, the first two with integrations and tokens. */
  async function orgWithRunners(count: number, prefix = "runner") {
    const { orgId, admin } = await seedOrg(db);
    const names = Array.from({ length: count }, (_, i) => `${prefix}-${String(i + 1).padStart(3, "0")}`).reverse();
    const inserted = await db.insert(runners).values(names.map((name) => ({ orgId, name }))).returning({ id: runners.id, name: runners.name });
    const byName = new Map(inserted.map((r) => [r.name, r.id]));
    const first = byName.get(`${prefix}-001`)!;
    const second = byName.get(`${prefix}-002`)!;
    const integrations = await db
      .insert(scmIntegrations)
      .values([
        { orgId, runnerId: first, provider: "github" as const, host: "github.com", baseUrl: "https://github.com", patEnabled: true },
        { orgId, runnerId: first, provider: "gitlab" as const, host: "gitlab.com", baseUrl: "https://gitlab.com", patEnabled: true },
        { orgId, runnerId: second, provider: "github" as const, host: "github.com", baseUrl: "https://github.com", patEnabled: true },
      ])
      .returning({ id: scmIntegrations.id, runnerId: scmIntegrations.runnerId, host: scmIntegrations.host });
    const [u1, u2, u3] = [await seedUser(db, orgId, "member"), await seedUser(db, orgId, "member"), await seedUser(db, orgId, "member")];
    const token = (i: (typeof integrations)[number], userId: string) => ({ orgId, runnerId: i.runnerId, integrationId: i.id, userId, host: i.host, source: "pat" as const, tokenSealed: "sbx1.k.AAAA", keyId: "k" });
    // u1 is connected to both hosts of the first runner: one user, counted once.
    await db.insert(hostAuthTokens).values([token(integrations[0]!, u1!.userId), token(integrations[1]!, u1!.userId), token(integrations[1]!, u2!.userId), token(integrations[2]!, u3!.userId)]);
    return { orgId, admin, byName, first, second };
  }

  it("pages the runners 50 at a time, sorted by name case-insensitively, with the total", async () => {
    const { admin, byName } = await orgWithRunners(RUNNERS_PAGE_SIZE + 7);
    await db.insert(runners).values({ orgId: admin.orgId, name: "Runner-005b" });
    const first = await listRunners({ db, actor: admin, offlineAfterMs: OFFLINE_AFTER_MS });
    expect(first).toMatchObject({ total: RUNNERS_PAGE_SIZE + 8, page: 1, pageCount: 2 });
    expect(first.rows).toHaveLength(RUNNERS_PAGE_SIZE);
    expect(first.rows.slice(0, 6).map((r) => r.name)).toEqual(["runner-001", "runner-002", "runner-003", "runner-004", "runner-005", "Runner-005b"]);
    const second = await listRunners({ db, actor: admin, offlineAfterMs: OFFLINE_AFTER_MS, page: 2 });
    expect(second).toMatchObject({ total: RUNNERS_PAGE_SIZE + 8, page: 2, pageCount: 2 });
    expect(second.rows.map((r) => r.name)).toEqual(Array.from({ length: 8 }, (_, i) => `runner-${String(RUNNERS_PAGE_SIZE + i).padStart(3, "0")}`));
    expect(new Set([...first.rows, ...second.rows].map((r) => r.id)).size).toBe(RUNNERS_PAGE_SIZE + 8);
    expect(second.rows.at(-1)).toMatchObject({ id: byName.get(`runner-0${RUNNERS_PAGE_SIZE + 7}`), status: "unregistered", fingerprint: null, integrations: 0, connectedUsers: 0 });

    // Past the last page: no rows, the right total, so the page can link to the last one.
    expect(await listRunners({ db, actor: admin, offlineAfterMs: OFFLINE_AFTER_MS, page: 9 })).toEqual({ rows: [], total: RUNNERS_PAGE_SIZE + 8, page: 9, pageCount: 2 });
  });

  it("counts integrations and distinct connected users for the page's runners, matching the delete dialog's impact", async () => {
    const { admin, first, second } = await orgWithRunners(3);
    const page = await listRunners({ db, actor: admin, offlineAfterMs: OFFLINE_AFTER_MS });
    expect(page.rows.map((r) => [r.name, r.integrations, r.connectedUsers])).toEqual([
      ["runner-001", 2, 2],
      ["runner-002", 1, 1],
      ["runner-003", 0, 0],
    ]);
    for (const [id, summary] of [
      [first, page.rows[0]!],
      [second, page.rows[1]!],
    ] as const) {
      expect(await countRunnerImpact({ db, actor: admin, runnerId: id })).toMatchObject({ integrations: summary.integrations, users: summary.connectedUsers });
      expect(await findRunner({ db, actor: admin, runnerId: id, offlineAfterMs: OFFLINE_AFTER_MS })).toEqual(summary);
    }
  });

  it("searches names case-insensitively, treating % and _ literally, and says when nothing matches", async () => {
    const { admin } = await orgWithRunners(12);
    await db.insert(runners).values([
      { orgId: admin.orgId, name: "EU_West 100%" },
      { orgId: admin.orgId, name: "eu-westXwing" },
    ]);
    const found = await listRunners({ db, actor: admin, offlineAfterMs: OFFLINE_AFTER_MS, q: "RUNNER-01" });
    expect(found.rows.map((r) => r.name)).toEqual(["runner-010", "runner-011", "runner-012"]);
    expect(found).toMatchObject({ total: 3, pageCount: 1 });
    expect((await listRunners({ db, actor: admin, offlineAfterMs: OFFLINE_AFTER_MS, q: "eu_west" })).rows.map((r) => r.name)).toEqual(["EU_West 100%"]);
    expect((await listRunners({ db, actor: admin, offlineAfterMs: OFFLINE_AFTER_MS, q: "100%" })).rows.map((r) => r.name)).toEqual(["EU_West 100%"]);
    const first = await listRunners({ db, actor: admin, offlineAfterMs: OFFLINE_AFTER_MS, q: "  runner-001 " });
    expect(first.rows).toMatchObject([{ name: "runner-001", integrations: 2, connectedUsers: 2 }]);
    expect(await listRunners({ db, actor: admin, offlineAfterMs: OFFLINE_AFTER_MS, q: "nothing like it" })).toEqual({ rows: [], total: 0, page: 1, pageCount: 1 });
    expect(await listRunners({ db, actor: admin, offlineAfterMs: OFFLINE_AFTER_MS, q: "nothing like it", page: 3 })).toEqual({ rows: [], total: 0, page: 3, pageCount: 1 });
  });

  it("never lists, counts, finds or reports the status of another organization's runners", async () => {
    const ours = await orgWithRunners(2, "ours");
    const theirs = await orgWithRunners(3, "theirs");
    const listed = await listRunners({ db, actor: ours.admin, offlineAfterMs: OFFLINE_AFTER_MS });
    expect(listed.total).toBe(2);
    expect(listed.rows.map((r) => r.name)).toEqual(["ours-001", "ours-002"]);
    expect((await listRunners({ db, actor: ours.admin, offlineAfterMs: OFFLINE_AFTER_MS, q: "theirs" })).total).toBe(0);
    await expectCode(findRunner({ db, actor: ours.admin, runnerId: theirs.first, offlineAfterMs: OFFLINE_AFTER_MS }), "not_found");
    const statuses = await listRunnerStatuses({ db, actor: ours.admin, runnerIds: [ours.first, theirs.first, theirs.second], offlineAfterMs: OFFLINE_AFTER_MS });
    expect(statuses.map((s) => s.id)).toEqual([ours.first]);
  });

  it("lists and polls for admins only", async () => {
    const { orgId, admin, first } = await orgWithRunners(2);
    for (const role of ["member", "support"] as const) {
      const actor = await seedUser(db, orgId, role);
      await expectCode(listRunners({ db, actor, offlineAfterMs: OFFLINE_AFTER_MS }), "forbidden");
      await expectCode(listRunnerStatuses({ db, actor, runnerIds: [first], offlineAfterMs: OFFLINE_AFTER_MS }), "forbidden");
    }
    expect(await listRunnerStatuses({ db, actor: admin, runnerIds: [first], offlineAfterMs: OFFLINE_AFTER_MS })).toEqual([
      { id: first, status: "unregistered", lastSeenAt: null, version: null, keyId: null, fingerprint: null },
    ]);
    expect(await listRunnerStatuses({ db, actor: admin, runnerIds: [], offlineAfterMs: OFFLINE_AFTER_MS })).toEqual([]);
  });
  it("the status route answers for the ids asked about only, refuses bad ids, and stays admins-only", async () => {
    const ours = await orgWithRunners(3, "ours");
    const theirs = await orgWithRunners(2, "theirs");
    const { GET } = await import("@/app/api/runners/status/route");
    const get = (ids: string) => GET(new Request(`http://localhost/api/runners/status?ids=${encodeURIComponent(ids)}`));
    session.actor = ours.admin;
    const res = await get([ours.first, theirs.first].join(","));
    expect(res.status).toBe(200);
    const body = (await res.json()) as { now: string; runners: { id: string; status: string }[] };
    expect(body.runners).toEqual([{ id: ours.first, status: "unregistered", lastSeenAt: null, version: null, keyId: null, fingerprint: null }]);
    expect(((await (await get("")).json()) as { runners: unknown[] }).runners).toEqual([]);
    const bad = await get(`${ours.first},not-an-id`);
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ error: { code: "validation_failed" } });
    expect((await get(Array.from({ length: 101 }, () => crypto.randomUUID()).join(","))).status).toBe(400);
    session.actor = await seedUser(db, ours.orgId, "member");
    expect((await get(ours.first)).status).toBe(403);
    session.actor = null;
    expect((await get(ours.first)).status).toBe(401);
  });
});

describe("the status poll's ids", () => {
  const id = () => crypto.randomUUID();
  it("takes up to 100 distinct runner ids and refuses anything else", () => {
    const a = id();
    expect(runnerStatusQuerySchema.parse({ ids: `${a}, ${a},` }).ids).toEqual([a]);
    expect(runnerStatusQuerySchema.parse({ ids: "" }).ids).toEqual([]);
    expect(runnerStatusQuerySchema.safeParse({ ids: Array.from({ length: 100 }, id).join(",") }).success).toBe(true);
    expect(runnerStatusQuerySchema.safeParse({ ids: Array.from({ length: 101 }, id).join(",") }).success).toBe(false);
    expect(runnerStatusQuerySchema.safeParse({ ids: `${a},1 or 1=1` }).success).toBe(false);
    expect(runnerStatusQuerySchema.safeParse({ ids: "x".repeat(10_000) }).success).toBe(false);
  });
});
