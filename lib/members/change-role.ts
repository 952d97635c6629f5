import { and, eq } from "drizzle-orm";
import type { Db } from "@/db/client";
import { memberships, type Role } from "@/db/schema";
import { writeAudit } from "../audit/write-audit";
import { assertRole, type Actor } from "../users/actor";
import { assertAdminRemains } from "./assert-admin-remains";
import { findMemberForUpdate } from "./find-member";

/** Changes a member's role; demoting the last active admin fails with `last_admin`. */
export async function changeRole(opts: { db: Db; actor: Actor; userId: string; role: Role }): Promise<void> {
  assertRole(opts.actor, "admin");
  await opts.db.transaction(async (tx) => {
    const member = await findMemberForUpdate(tx, opts.actor.orgId, opts.userId);
    if (member.role === opts.role) return;
    if (member.role === "admin") await assertAdminRemains(tx, opts.actor.orgId, member.userId);
    await tx
      .update(memberships)
      .set({ role: opts.role })
      .where(and(eq(memberships.orgId, opts.actor.orgId), eq(memberships.userId, member.userId)));
    await writeAudit(tx, opts.actor, {
      action: "member.role_changed",
      targetType: "user",
      targetId: member.userId,
      targetLabel: member.email,
      before: { role: member.role },
      after: { role: opts.role },
    });
  });
}
