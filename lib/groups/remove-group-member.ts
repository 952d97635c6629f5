import { and, eq } from "drizzle-orm";
import type { Db } from "@/db/client";
import { groupMembers, users } from "@/db/schema";
import { writeAudit } from "../audit/write-audit";
import { assertRole, type Actor } from "../users/actor";
import { findGroup } from "./find-group";

/** Removes a user from a group of the actor's organization (no-op when not a member). */
export async function removeGroupMember(opts: { db: Db; actor: Actor; groupId: string; userId: string }): Promise<void> {
  assertRole(opts.actor, "admin");
  await opts.db.transaction(async (tx) => {
    const group = await findGroup(tx, opts.actor.orgId, opts.groupId);
    const removed = await tx
      .delete(groupMembers)
      .where(and(eq(groupMembers.groupId, group.id), eq(groupMembers.userId, opts.userId)))
      .returning({ userId: groupMembers.userId });
    if (removed.length === 0) return;
    const [user] = await tx.select({ email: users.email }).from(users).where(eq(users.id, opts.userId));
    await writeAudit(tx, opts.actor, {
      action: "group.member_removed",
      targetType: "group",
      targetId: group.id,
      targetLabel: group.name,
      before: { member: user?.email ?? opts.userId },
    });
  });
}
