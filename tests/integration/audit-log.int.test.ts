import crypto from "node:crypto";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database, Db } from "@/db/client";
import { auditLog } from "@/db/schema";
import { writeAudit } from "@/lib/audit/write-audit";
import { listAudit, type AuditEntry } from "@/lib/audit/list-audit";
import { parseAuditQuery, type AuditFilters } from "@/lib/audit/schemas";
import { updateAgentPolicy } from "@/lib/agents/update-agent-policy";
import { createGroup } from "@/lib/groups/create-group";
import { createRunner } from "@/lib/runners/create-runner";
import { deleteRunner } from "@/lib/runners/delete-runner";
import type { Actor } from "@/lib/users/actor";
import { expectCode } from "../helpers/expect-code";
import { seedOrg, seedUser } from "../helpers/seed";
import { testEngines } from "../helpers/test-database";

const all: AuditFilters = { range: "all" };

/** Inserts a row as it is stored, bypassing writeAudit (and its redaction), at a chosen time. */
async function rawRow(db: Db, orgId: string, row: Partial<typeof auditLog.$inferInsert> & { at?: Date }) {
  const [inserted] = await db
    .insert(auditLog)
    .values({ orgId, actorLabel: "system", action: "runner.created", targetType: "runner", targetLabel: "raw", ...row })
    .returning({ id: auditLog.id });
  return inserted!.id;
}

async function everyPage(db: Db, actor: Actor, filters: AuditFilters, limit: number): Promise<AuditEntry[][]> {
  const pages: AuditEntry[][] = [];
  let listing = await listAudit({ db, actor, filters, limit });
  pages.push(listing.entries);
  while (listing.older) {
    listing = await listAudit({ db, actor, filters, limit, page: { before: listing.older } });
    pages.push(listing.entries);
    if (pages.length > 50) throw new Error("paging does not end");
  }
  return pages;
}

describe.each(testEngines())("Settings > Audit log listing on $name", (engine) => {
  let database: Database;
  beforeAll(async () => {
    database = await engine.open();
  });
  afterAll(async () => {
    await database.close();
  });

  it("admins and support read their own organization's log; members are refused", async () => {
    const { db } = database;
    const { orgId, admin } = await seedOrg(db);
    const support = await seedUser(db, orgId, "support");
    const member = await seedUser(db, orgId, "member");
    const other = await seedOrg(db, "Other org");
    await createRunner({ db, actor: admin, name: "ours" });
    await createRunner({ db, actor: other.admin, name: "theirs" });

    await expectCode(listAudit({ db, actor: member }), "forbidden");
    for (const reader of [admin, support]) {
      const { entries } = await listAudit({ db, actor: reader });
      expect(entries.map((e) => e.target.label)).toEqual(["ours"]);
      expect(entries[0]).toMatchObject({ actor: { kind: "person", name: admin.name, email: admin.email }, action: { code: "runner.created", label: "Created a runner" }, target: { type: "runner", typeLabel: "Runner" } });
      expect(entries[0]!.changes).toEqual([{ key: "name", before: null, after: "ours" }]);
    }
  });

  it("shows the before and after of a change as the keys that changed", async () => {
    const { db } = database;
    const { admin } = await seedOrg(db);
    await updateAgentPolicy({ db, actor: admin, input: { mode: "disabled", allowedGroupIds: [], pullRequests: true, issues: true, reviewComments: true } });
    const [entry] = (await listAudit({ db, actor: admin })).entries;
    expect(entry).toMatchObject({ action: { label: "Changed the agent SCM-tools policy" }, target: { typeLabel: "Agent policy", label: "SCM tools policy", href: "/settings/agents" } });
    expect(entry!.changes).toContainEqual({ key: "mode", before: "enabled", after: "disabled" });
    expect(entry!.changes.map((c) => c.key)).not.toContain("allowedGroupIds");
  });

  it("filters by actor, action, target kind, target text and time", async () => {
    const { db } = database;
    const { orgId, admin } = await seedOrg(db);
    const t0 = new Date("2025-03-01T10:00:00Z");
    await rawRow(db, orgId, { at: t0, actorLabel: "system", action: "runner.created", targetType: "runner", targetLabel: "local runner" });
    await rawRow(db, orgId, { at: new Date(t0.getTime() + 60_000), actorLabel: "runner:edge-1", action: "runner.registered", targetType: "runner", targetLabel: "edge-1" });
    await rawRow(db, orgId, { at: new Date(t0.getTime() + 120_000), actorId: admin.userId, actorLabel: admin.email, action: "integration.created", targetType: "scm_integration", targetLabel: "github.com" });
    await rawRow(db, orgId, { at: new Date(t0.getTime() + 180_000), actorId: admin.userId, actorLabel: admin.email, action: "git_auth.connected", targetType: "integration", targetLabel: "gitlab.example.com" });
    await rawRow(db, orgId, { at: new Date(t0.getTime() + 240_000), actorId: admin.userId, actorLabel: admin.email, action: "group.created", targetType: "group", targetLabel: "100%_pilots" });

    const labels = async (filters: Partial<AuditFilters>) => (await listAudit({ db, actor: admin, filters: { ...all, ...filters } })).entries.map((e) => e.target.label);
    expect(await labels({})).toEqual(["100%_pilots", "gitlab.example.com", "github.com", "edge-1", "local runner"]);
    expect(await labels({ actor: "SYSTEM" })).toEqual(["local runner"]);
    expect(await labels({ actor: "edge" })).toEqual(["edge-1"]);
    expect(await labels({ actor: admin.email.slice(0, 12) })).toHaveLength(3);
    expect(await labels({ actor: "admin user" })).toHaveLength(3); // the person's name
    expect(await labels({ action: "runner.registered" })).toEqual(["edge-1"]);
    expect(await labels({ targetKind: "git_provider" })).toEqual(["gitlab.example.com", "github.com"]);
    expect(await labels({ targetKind: "runner", target: "EDGE" })).toEqual(["edge-1"]);
    expect(await labels({ target: "%_" })).toEqual(["100%_pilots"]);
    expect(await labels({ target: "0_p" })).toEqual([]); // `_` is not a wildcard
    expect(await labels({ from: new Date(t0.getTime() + 60_000), to: new Date(t0.getTime() + 120_000) })).toEqual(["github.com", "edge-1"]);

    // The same filters from the page's query string.
    const { filters, errors } = parseAuditQuery({ type: "git_provider", target: "gitlab", range: "custom", from: "2025-03-01T10:03", to: "2025-03-01T10:03" });
    expect(errors).toEqual({});
    expect(await labels(filters)).toEqual(["gitlab.example.com"]);
    const bad = parseAuditQuery({ type: "spaceship", action: "DROP TABLE", before: "yesterday", actor: "x" });
    expect(Object.keys(bad.errors).sort()).toEqual(["action", "before", "type"]);
    expect(bad.filters).toMatchObject({ actor: "x", action: undefined, targetKind: undefined });
  });

  it("pages by (at, id) newest first: every row once, ties included, and back again", async () => {
    const { db } = database;
    const { orgId, admin } = await seedOrg(db);
    const instant = new Date("2025-04-01T08:00:00.123Z");
    for (let i = 0; i < 4; i++) await rawRow(db, orgId, { at: instant, targetLabel: `tie-${i}` });
    for (let i = 0; i < 3; i++) await rawRow(db, orgId, { at: new Date(instant.getTime() + (i + 1) * 1000), targetLabel: `later-${i}` });
    // Microseconds a JavaScript Date cannot hold must not make a page skip or repeat rows.
    await db.execute(sql`update audit_log set at = at + interval '1 microsecond' * (abs(hashtext(id::text)) % 900) where org_id = ${orgId} and target_label like 'tie-%'`);

    const pages = await everyPage(db, admin, all, 3);
    expect(pages.map((p) => p.length)).toEqual([3, 3, 1]);
    const flat = pages.flat();
    expect(new Set(flat.map((e) => e.id)).size).toBe(7);
    expect(flat.slice(0, 3).map((e) => e.target.label)).toEqual(["later-2", "later-1", "later-0"]);
    for (let i = 1; i < flat.length; i++) {
      const [a, b] = [flat[i - 1]!.cursor, flat[i]!.cursor];
      expect(a.at > b.at || (a.at === b.at && a.id > b.id), `${a.at} ${a.id} before ${b.at} ${b.id}`).toBe(true);
    }

    const second = await listAudit({ db, actor: admin, limit: 3, page: { before: pages[0]!.at(-1)!.cursor } });
    expect(second.newer).toEqual(second.entries[0]!.cursor);
    const back = await listAudit({ db, actor: admin, limit: 3, page: { after: second.newer! } });
    expect(back.entries.map((e) => e.id)).toEqual(pages[0]!.map((e) => e.id));
    expect(back.newer).toBeNull();
    expect(back.older).toEqual(pages[0]!.at(-1)!.cursor);
    const first = await listAudit({ db, actor: admin, limit: 3 });
    expect(first.newer).toBeNull();
  });

  it("takes a position with an impossible time in the URL as no position, not a failed query", async () => {
    const { db } = database;
    const { admin } = await seedOrg(db);
    const id = crypto.randomUUID();
    const parsed = parseAuditQuery({ before: `2026-13-45T00:00:00.000000Z_${id}`, after: `2026-02-30T10:00:00.000000Z_${id}` });
    expect(parsed.page).toEqual({ before: undefined, after: undefined });
    expect(parsed.errors).toMatchObject({ before: "Not a position in the log" });
    await expect(listAudit({ db, actor: admin, limit: 3, page: parsed.page })).resolves.toMatchObject({ newer: null });
  });

  it("links targets that still exist, for the pages the reader may open", async () => {
    const { db } = database;
    const { orgId, admin } = await seedOrg(db);
    const support = await seedUser(db, orgId, "support");
    const kept = await createRunner({ db, actor: admin, name: "kept" });
    const gone = await createRunner({ db, actor: admin, name: "gone" });
    await deleteRunner({ db, actor: admin, runnerId: gone.runnerId });
    const group = await createGroup({ db, actor: admin, name: "Pilots" });
    await rawRow(db, orgId, { targetType: "runner", targetId: crypto.randomUUID(), targetLabel: "never existed" });

    const byLabel = (entries: AuditEntry[]) => Object.fromEntries(entries.map((e) => [`${e.action.code} ${e.target.label}`, e.target.href]));
    expect(byLabel((await listAudit({ db, actor: admin })).entries)).toEqual({
      "runner.created kept": `/settings/runners/${kept.runnerId}`,
      "runner.created gone": null,
      "runner.deleted gone": null,
      "group.created Pilots": `/settings/members/groups/${group.id}`,
      "runner.created never existed": null,
    });
    // Support may not open Runners or Members: no link to follow into a 403.
    expect(Object.values(byLabel((await listAudit({ db, actor: support })).entries)).every((href) => href === null)).toBe(true);
  });

  it("never shows a secret, even one a row should not hold", async () => {
    const { db } = database;
    const { orgId, admin } = await seedOrg(db);
    const canaries = ["canary-client-secret-4711", "ghp_0123456789abcdefABCDEF0123", "canary-password-0815"];
    await rawRow(db, orgId, {
      actorId: admin.userId,
      actorLabel: admin.email,
      action: "integration.updated",
      targetType: "scm_integration",
      targetLabel: `host with ${canaries[1]}`,
      before: { oauthClientSecret: canaries[0], host: "github.com" },
      after: { oauthClientSecret: "another-canary", host: "github.com", note: `pasted ${canaries[1]}`, nested: { password: canaries[2] } },
    });
    // writeAudit redacts on the way in; the listing redacts again on the way out.
    await writeAudit(db, admin, { action: "integration.updated", targetType: "scm_integration", targetLabel: "ghe.example.com", before: { clientSecret: canaries[0] }, after: { clientSecret: "x" } });

    const listing = await listAudit({ db, actor: admin });
    const text = JSON.stringify(listing);
    for (const canary of [...canaries, "another-canary"]) expect(text, canary).not.toContain(canary);
    const raw = listing.entries.find((e) => e.target.label.startsWith("host with"))!;
    expect(raw.before).toEqual({ oauthClientSecret: "[REDACTED]", host: "github.com" });
    expect(raw.after).toMatchObject({ oauthClientSecret: "[REDACTED]", nested: { password: "[REDACTED]" } });
    expect(raw.changes.map((c) => c.key)).toEqual(["note", "nested"]);
  });
});
