import { and, eq, sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { groupMembers, memberships, users } from "@/db/schema";
import { writeAudit } from "../audit/write-audit";
import { AppError } from "../errors/app-error";
import { assertRole, type Actor } from "../users/actor";
import { findGroup } from "./find-group";

/** Adds the organization member with `email` to a group (idempotent: adding twice is not an error). */
export async function addGroupMember(opts: { db: Db; actor: Actor; groupId: string; email: string }): Promise<void> {
  assertRole(opts.actor, "admin");
  await opts.db.transaction(async (tx) => {
    const group = await findGroup(tx, opts.actor.orgId, opts.groupId);
    const [member] = await tx
      .select({ userId: users.id, email: users.email })
      .from(memberships)
      .innerJoin(users, eq(users.id, memberships.userId))
      .where(and(eq(memberships.orgId, opts.actor.orgId), sql`lower(${users.email}) = ${opts.email.toLowerCase()}`))
      .limit(1);
    if (!member) {
      throw new AppError("not_found", {
        message: "No member of this organization has that email address.",
        fieldErrors: { email: ["No member of this organization has this email address"] },
      });
    }
    const inserted = await tx
      .insert(groupMembers)
      .values({ groupId: group.id, userId: member.userId })
      .onConflictDoNothing()
      .returning({ userId: groupMembers.userId });
    if (inserted.length === 0) return;
    await writeAudit(tx, opts.actor, {
      action: "group.member_added",
      targetType: "group",
      targetId: group.id,
      targetLabel: group.name,
      after: { member: member.email },
    });
  });
}
