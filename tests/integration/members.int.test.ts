import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { and, eq } from "drizzle-orm";
import type { Database } from "@/db/client";
import { auditLog, memberships, users } from "@/db/schema";
import { acceptInvitation, findInvitation } from "@/lib/members/accept-invitation";
import { addMember } from "@/lib/members/add-member";
import { changeRole } from "@/lib/members/change-role";
import { MEMBERS_PAGE_SIZE, listMembers } from "@/lib/members/list-members";
import { addGroupMember } from "@/lib/groups/add-group-member";
import { createGroup } from "@/lib/groups/create-group";
import { removeMember } from "@/lib/members/remove-member";
import { resendInvitation } from "@/lib/members/resend-invitation";
import { setMemberDisabled } from "@/lib/members/set-member-disabled";
import { loadActor } from "@/lib/users/load-actor";
import { expectCode } from "../helpers/expect-code";
import { seedOrg, seedUser, uniqueEmail } from "../helpers/seed";
import { testEngines } from "../helpers/test-database";

describe.each(testEngines())("members on $name", (engine) => {
  let database: Database;
  beforeAll(async () => {
    database = await engine.open();
  });
  afterAll(async () => {
    await database.close();
  });

  async function auditCount(orgId: string, action: string, targetId: string) {
    const rows = await database.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.orgId, orgId), eq(auditLog.action, action), eq(auditLog.targetId, targetId)));
    return rows;
  }

  it("adds a member with an invitation that works once and writes one audit row each", async () => {
    const { db } = database;
    const { admin } = await seedOrg(db);
    const email = uniqueEmail("invitee");
    const added = await addMember({ db, actor: admin, email, name: "Invitee", role: "member" });
    expect((await auditCount(admin.orgId, "member.add", added.userId)).length).toBe(1);
    expect(await findInvitation({ db, token: added.token })).toMatchObject({ email });

    const claims = await acceptInvitation({ db, token: added.token, name: "Ivy", password: "a long enough password" });
    expect(claims).toMatchObject({ userId: added.userId, orgId: admin.orgId, email });
    await expectCode(acceptInvitation({ db, token: added.token, name: "Ivy", password: "another long password" }), "invitation_invalid");
    expect(await findInvitation({ db, token: added.token })).toBeNull();
    expect((await auditCount(admin.orgId, "member.invitation_accepted", added.userId)).length).toBe(1);
    const [user] = await db.select().from(users).where(eq(users.id, added.userId));
    expect(user?.passwordHash).toMatch(/^\$argon2id\$/);
    expect(user?.name).toBe("Ivy");
  });

  it("refuses a duplicate email with email_taken and stores nothing", async () => {
    const { db } = database;
    const { admin } = await seedOrg(db);
    const email = uniqueEmail("dup");
    await addMember({ db, actor: admin, email, name: "First", role: "member" });
    const before = (await db.select().from(users)).length;
    await expectCode(addMember({ db, actor: admin, email: email.toUpperCase(), name: "Second", role: "admin" }), "email_taken");
    expect((await db.select().from(users)).length).toBe(before);
  });

  it("re-issuing an invitation invalidates the previous link", async () => {
    const { db } = database;
    const { admin } = await seedOrg(db);
    const added = await addMember({ db, actor: admin, email: uniqueEmail(), name: "X", role: "support" });
    const again = await resendInvitation({ db, actor: admin, userId: added.userId });
    expect(await findInvitation({ db, token: added.token })).toBeNull();
    expect(await findInvitation({ db, token: again.token })).not.toBeNull();
  });

  it("never lets the last active admin be demoted, disabled or removed", async () => {
    const { db } = database;
    const { admin } = await seedOrg(db);
    await expectCode(changeRole({ db, actor: admin, userId: admin.userId, role: "member" }), "last_admin");
    await expectCode(setMemberDisabled({ db, actor: admin, userId: admin.userId, disabled: true }), "last_admin");
    await expectCode(removeMember({ db, actor: admin, userId: admin.userId }), "last_admin");
    const [row] = await db.select().from(memberships).where(eq(memberships.userId, admin.userId));
    expect(row?.role).toBe("admin");
    expect((await db.select().from(auditLog).where(eq(auditLog.orgId, admin.orgId))).filter((r) => r.action !== "member.add")).toHaveLength(0);

    // A disabled second admin does not count as one that remains.
    const second = await seedUser(db, admin.orgId, "admin");
    await setMemberDisabled({ db, actor: admin, userId: second.userId, disabled: true });
    await expectCode(changeRole({ db, actor: admin, userId: admin.userId, role: "member" }), "last_admin");

    await setMemberDisabled({ db, actor: admin, userId: second.userId, disabled: false });
    await changeRole({ db, actor: admin, userId: admin.userId, role: "member" });
    const audit = await auditCount(admin.orgId, "member.role_changed", admin.userId);
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ before: { role: "admin" }, after: { role: "member" }, actorId: admin.userId });
  });

  it("two admins demoting each other at once leave one admin", async () => {
    const { db } = database;
    const { admin: a } = await seedOrg(db);
    const b = await seedUser(db, a.orgId, "admin");
    const results = await Promise.allSettled([
      changeRole({ db, actor: a, userId: b.userId, role: "member" }),
      changeRole({ db, actor: b, userId: a.userId, role: "member" }),
    ]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    const admins = await db.select().from(memberships).where(and(eq(memberships.orgId, a.orgId), eq(memberships.role, "admin")));
    expect(admins).toHaveLength(1);
  });

  it("disabling ends the user's sessions; enabling does not revive old ones", async () => {
    const { db } = database;
    const { admin } = await seedOrg(db);
    const member = await seedUser(db, admin.orgId, "member");
    const [before] = await db.select().from(users).where(eq(users.id, member.userId));
    const claims = { userId: member.userId, orgId: admin.orgId, sessionVersion: before!.sessionVersion };
    expect(await loadActor({ db, ...claims })).not.toBeNull();
    await setMemberDisabled({ db, actor: admin, userId: member.userId, disabled: true });
    expect(await loadActor({ db, ...claims })).toBeNull();
    await setMemberDisabled({ db, actor: admin, userId: member.userId, disabled: false });
    expect(await loadActor({ db, ...claims })).toBeNull();
    expect(await auditCount(admin.orgId, "member.disabled", member.userId)).toHaveLength(1);
    expect(await auditCount(admin.orgId, "member.enabled", member.userId)).toHaveLength(1);
  });

  it("removing a member deletes the account and ends the session, with an audit row", async () => {
    const { db } = database;
    const { admin } = await seedOrg(db);
    const member = await seedUser(db, admin.orgId, "support");
    await removeMember({ db, actor: admin, userId: member.userId });
    expect(await db.select().from(users).where(eq(users.id, member.userId))).toHaveLength(0);
    expect(await loadActor({ db, userId: member.userId, orgId: admin.orgId, sessionVersion: 1 })).toBeNull();
    const audit = await auditCount(admin.orgId, "member.removed", member.userId);
    expect(audit).toHaveLength(1);
    expect(audit[0]?.before).toMatchObject({ email: member.email, role: "support" });
  });

  it("refuses another organization's users as not_found and changes nothing", async () => {
    const { db } = database;
    const { admin } = await seedOrg(db, "Org A");
    const { admin: otherAdmin } = await seedOrg(db, "Org B");
    const victim = await seedUser(db, otherAdmin.orgId, "member");
    await expectCode(changeRole({ db, actor: admin, userId: victim.userId, role: "admin" }), "not_found");
    await expectCode(setMemberDisabled({ db, actor: admin, userId: victim.userId, disabled: true }), "not_found");
    await expectCode(removeMember({ db, actor: admin, userId: victim.userId }), "not_found");
    await expectCode(resendInvitation({ db, actor: admin, userId: victim.userId }), "not_found");
    const [row] = await db.select().from(memberships).where(eq(memberships.userId, victim.userId));
    expect(row?.role).toBe("member");
    const page = await listMembers({ db, actor: admin });
    expect(page.rows.map((r) => r.userId)).not.toContain(victim.userId);
    expect(page.rows.map((r) => r.userId)).not.toContain(otherAdmin.userId);
  });

  it("refuses non-admins even when called directly", async () => {
    const { db } = database;
    const { admin } = await seedOrg(db);
    const member = await seedUser(db, admin.orgId, "member");
    const support = await seedUser(db, admin.orgId, "support");
    await expectCode(changeRole({ db, actor: member, userId: member.userId, role: "admin" }), "forbidden");
    await expectCode(addMember({ db, actor: support, email: uniqueEmail(), name: "x", role: "admin" }), "forbidden");
    await expectCode(listMembers({ db, actor: member }), "forbidden");
  });

  it("lists members in a constant number of queries, with their groups", async () => {
    const { db } = database;
    const { admin } = await seedOrg(db);
    for (let i = 0; i < 5; i++) await seedUser(db, admin.orgId, "member");
    const page = await listMembers({ db, actor: admin, q: "member-" });
    expect(page.total).toBe(5);
    expect(page.rows.every((r) => Array.isArray(r.groups))).toBe(true);
    const escaped = await listMembers({ db, actor: admin, q: "%" });
    expect(escaped.total).toBe(0);
  });

  it("pages by email with the right total, with and without a search, and lists each member's groups", async () => {
    const { db } = database;
    const { admin } = await seedOrg(db);
    const { orgId: otherOrg } = await seedOrg(db, "Other");
    const n = MEMBERS_PAGE_SIZE + 2;
    const created = await db
      .insert(users)
      .values(Array.from({ length: n }, (_, i) => ({ email: uniqueEmail(`pg${String(i).padStart(3, "0")}`), name: i % 2 ? "Odd One" : "Even One", lastSignInAt: new Date() })))
      .returning({ id: users.id, email: users.email });
    await db.insert(memberships).values(created.map((u) => ({ orgId: admin.orgId, userId: u.id, role: "member" as const })));
    await seedUser(db, otherOrg, "member"); // another org's member never counts
    const all = [admin.email, ...created.map((u) => u.email)].sort();

    const first = await listMembers({ db, actor: admin });
    expect(first).toMatchObject({ total: n + 1, page: 1, pageCount: 2 });
    expect(first.rows.map((r) => r.email)).toEqual(all.slice(0, MEMBERS_PAGE_SIZE));
    const last = await listMembers({ db, actor: admin, page: 2 });
    expect(last.rows.map((r) => r.email)).toEqual(all.slice(MEMBERS_PAGE_SIZE));
    expect(last.rows.find((r) => r.email !== admin.email)?.lastSignInAt).toBeInstanceOf(Date);

    const odd = await listMembers({ db, actor: admin, q: "odd one" });
    expect(odd).toMatchObject({ total: n / 2, pageCount: 1 });
    expect(odd.rows.every((r) => r.name === "Odd One")).toBe(true);
    const byEmail = await listMembers({ db, actor: admin, q: "ONE" });
    expect(byEmail.total).toBe(n);
    // A page past the last match still reports how many there are.
    expect(await listMembers({ db, actor: admin, q: "one", page: 5 })).toMatchObject({ rows: [], total: n, pageCount: 2 });
    expect(await listMembers({ db, actor: admin, q: "nobody" })).toMatchObject({ rows: [], total: 0, pageCount: 1 });

    const group = await createGroup({ db, actor: admin, name: "Zeta" });
    const other = await createGroup({ db, actor: admin, name: "Alpha" });
    await addGroupMember({ db, actor: admin, groupId: group.id, email: admin.email });
    await addGroupMember({ db, actor: admin, groupId: other.id, email: admin.email });
    const [self] = (await listMembers({ db, actor: admin, q: admin.email })).rows;
    expect(self?.groups).toEqual(["Alpha", "Zeta"]);
  });
});
