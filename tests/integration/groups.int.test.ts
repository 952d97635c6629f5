import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { and, eq } from "drizzle-orm";
import type { Database } from "@/db/client";
import { auditLog, groupMembers, groups } from "@/db/schema";
import { addGroupMember } from "@/lib/groups/add-group-member";
import { createGroup } from "@/lib/groups/create-group";
import { deleteGroup } from "@/lib/groups/delete-group";
import { listGroups } from "@/lib/groups/list-groups";
import { removeGroupMember } from "@/lib/groups/remove-group-member";
import { expectCode } from "../helpers/expect-code";
import { seedOrg, seedUser } from "../helpers/seed";
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
  });
});
