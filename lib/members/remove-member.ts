import { eq } from "drizzle-orm";
import type { Db } from "@/db/client";
import { users } from "@/db/schema";
import { writeAudit } from "../audit/write-audit";
import { deleteEnvironmentsOfOwner } from "../environments/delete-environment";
import { assertRole, type Actor } from "../users/actor";
import { assertAdminRemains } from "./assert-admin-remains";
import { findMemberForUpdate } from "./find-member";

/**
 * Removes a member and their account (memberships, group memberships, invitations and
 * environments go with it, each environment's clone and OS user removed by its runner; audit rows
 * keep the member's email). The last active admin cannot be removed.
 */
export async function removeMember(opts: { db: Db; actor: Actor; userId: string }): Promise<void> {
  assertRole(opts.actor, "admin");
  await opts.db.transaction(async (tx) => {
    const member = await findMemberForUpdate(tx, opts.actor.orgId, opts.userId);
    if (member.role === "admin") await assertAdminRemains(tx, opts.actor.orgId, member.userId);
    await writeAudit(tx, opts.actor, {
      action: "member.removed",
      targetType: "user",
      targetId: member.userId,
      targetLabel: member.email,
      before: { email: member.email, name: member.name, role: member.role },
    });
    // Their environments stop at once (the plane refuses them from this commit on) and the runners
    // remove the clones and OS users; the rows go with the account.
    await deleteEnvironmentsOfOwner(tx, { orgId: opts.actor.orgId, ownerId: member.userId });
    await tx.delete(users).where(eq(users.id, member.userId));
  });
}
