import crypto from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { and, eq } from "drizzle-orm";
import type { Database } from "@/db/client";
import { auditLog, groupMembers, groups, memberships, users } from "@/db/schema";
import { addGroupMember } from "@/lib/groups/add-group-member";
import { createGroup } from "@/lib/groups/create-group";
import { deleteGroup } from "@/lib/groups/delete-group";
import { GROUP_MEMBERS_PAGE_SIZE, listGroupMembers } from "@/lib/groups/list-group-members";
import { GROUP_MEMBERS_SHOWN, listGroups } from "@/lib/groups/list-groups";
import { removeGroupMember } from "@/lib/groups/remove-group-member";
import { expectCode } from "../helpers/expect-code";
import { seedOrg, seedUser, uniqueEmail } from "../helpers/seed";
import { testEngines } from "../helpers/test-database";

describe.each(testEngines())("groups on $name", (engine) => {
  let database: Database;
  beforeAll(async () => {
    database = await engine.open();
  });
  afterAll(async () => {
    await database.close();
  });

  it("creates a group, adds and removes members, deletes it, with one audit row per change", async () => {
    const { db } = database;
    const { admin } = await seedOrg(db);
    const member = await seedUser(db, admin.orgId, "member");
    const group = await createGroup({ db, actor: admin, name: "Platform", description: "Platform team" });
    await addGroupMember({ db, actor: admin, groupId: group.id, email: member.email.toUpperCase() });
    await addGroupMember({ db, actor: admin, groupId: group.id, email: member.email }); // idempotent

    const [listed] = await listGroups({ db, actor: admin });
    expect(listed).toMatchObject({ name: "Platform", memberCount: 1, members: [{ userId: member.userId, email: member.email }] });

    await removeGroupMember({ db, actor: admin, groupId: group.id, userId: member.userId });
    await deleteGroup({ db, actor: admin, groupId: group.id });
    expect(await db.select().from(groups).where(eq(groups.id, group.id))).toHaveLength(0);

    const actions = (await db.select().from(auditLog).where(and(eq(auditLog.orgId, admin.orgId), eq(auditLog.targetId, group.id)))).map((r) => r.action).sort();
    expect(actions).toEqual(["group.created", "group.deleted", "group.member_added", "group.member_removed"]);
  });

  it("refuses a duplicate name (case-insensitive) with group_name_taken", async () => {
    const { db } = database;
    const { admin } = await seedOrg(db);
    await createGroup({ db, actor: admin, name: "Reviewers" });
    await expectCode(createGroup({ db, actor: admin, name: "reviewers" }), "group_name_taken");
    expect(await listGroups({ db, actor: admin })).toHaveLength(1);
  });

  it("keeps organizations apart: other org's groups and members are not_found", async () => {
    const { db } = database;
    const { admin } = await seedOrg(db, "A");
    const { admin: otherAdmin } = await seedOrg(db, "B");
    const theirGroup = await createGroup({ db, actor: otherAdmin, name: "Theirs" });
    const ourGroup = await createGroup({ db, actor: admin, name: "Ours" });
    const outsider = await seedUser(db, otherAdmin.orgId, "member");

    await expectCode(addGroupMember({ db, actor: admin, groupId: theirGroup.id, email: admin.email }), "not_found");
    await expectCode(addGroupMember({ db, actor: admin, groupId: ourGroup.id, email: outsider.email }), "not_found");
    await expectCode(deleteGroup({ db, actor: admin, groupId: theirGroup.id }), "not_found");
    await expectCode(removeGroupMember({ db, actor: admin, groupId: theirGroup.id, userId: outsider.userId }), "not_found");
    expect((await listGroups({ db, actor: admin })).map((g) => g.name)).toEqual(["Ours"]);
    expect(await db.select().from(groupMembers).where(eq(groupMembers.groupId, ourGroup.id))).toHaveLength(0);
    expect(await db.select().from(groups).where(eq(groups.id, theirGroup.id))).toHaveLength(1);
  });

  it("is for admins only", async () => {
    const { db } = database;
    const { admin } = await seedOrg(db);
    const support = await seedUser(db, admin.orgId, "support");
    await expectCode(createGroup({ db, actor: support, name: "x" }), "forbidden");
    await expectCode(listGroups({ db, actor: support }), "forbidden");
    const group = await createGroup({ db, actor: admin, name: "Admins only" });
    await expectCode(listGroupMembers({ db, actor: support, groupId: group.id }), "forbidden");
  });

  /** Adds `n` new members of the actor's org to `groupId` directly, each added one second after the previous. */
  async function addMembers(db: Database["db"], orgId: string, groupId: string, n: number) {
    const rows = await db
      .insert(users)
      .values(Array.from({ length: n }, (_, i) => ({ email: uniqueEmail(`m${String(i).padStart(3, "0")}`), name: `Member ${i}` })))
      .returning({ id: users.id, email: users.email });
    await db.insert(memberships).values(rows.map((r) => ({ orgId, userId: r.id, role: "member" as const })));
    const start = Date.now() - n * 1000;
    await db.insert(groupMembers).values(rows.map((r, i) => ({ groupId, userId: r.id, createdAt: new Date(start + i * 1000) })));
    return rows;
  }

  it("previews only the most recently added members of each group, with the full count", async () => {
    const { db } = database;
    const { admin } = await seedOrg(db);
    const big = await createGroup({ db, actor: admin, name: "Big" });
    const empty = await createGroup({ db, actor: admin, name: "Empty" });
    const added = await addMembers(db, admin.orgId, big.id, GROUP_MEMBERS_SHOWN + 5);

    const listed = await listGroups({ db, actor: admin });
    expect(listed.map((g) => [g.name, g.memberCount, g.members.length])).toEqual([
      ["Big", GROUP_MEMBERS_SHOWN + 5, GROUP_MEMBERS_SHOWN],
      ["Empty", 0, 0],
    ]);
    const newestFirst = added.slice(-GROUP_MEMBERS_SHOWN).reverse();
    expect(listed[0]!.members.map((m) => m.email)).toEqual(newestFirst.map((m) => m.email));
    expect(listed[1]!.id).toBe(empty.id);
  });

  it("lists a group's members by page, sorted by email, and only for the group's organization", async () => {
    const { db } = database;
    const { admin } = await seedOrg(db, "A");
    const { admin: otherAdmin } = await seedOrg(db, "B");
    const group = await createGroup({ db, actor: admin, name: "Everyone" });
    const added = await addMembers(db, admin.orgId, group.id, GROUP_MEMBERS_PAGE_SIZE + 3);
    const sorted = added.map((m) => m.email).sort();

    const first = await listGroupMembers({ db, actor: admin, groupId: group.id });
    expect(first).toMatchObject({ group: { id: group.id, name: "Everyone" }, total: GROUP_MEMBERS_PAGE_SIZE + 3, page: 1, pageCount: 2 });
    expect(first.rows.map((r) => r.email)).toEqual(sorted.slice(0, GROUP_MEMBERS_PAGE_SIZE));
    expect(first.rows[0]!.addedAt).toBeInstanceOf(Date);
    const second = await listGroupMembers({ db, actor: admin, groupId: group.id, page: 2 });
    expect(second.rows.map((r) => r.email)).toEqual(sorted.slice(GROUP_MEMBERS_PAGE_SIZE));
    const past = await listGroupMembers({ db, actor: admin, groupId: group.id, page: 9 });
    expect(past).toMatchObject({ rows: [], total: GROUP_MEMBERS_PAGE_SIZE + 3, pageCount: 2 });

    await expectCode(listGroupMembers({ db, actor: otherAdmin, groupId: group.id }), "not_found");
    await expectCode(listGroupMembers({ db, actor: admin, groupId: crypto.randomUUID() }), "not_found");
  });
});
