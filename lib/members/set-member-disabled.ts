import { eq, sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { users } from "@/db/schema";
import { writeAudit } from "../audit/write-audit";
import { assertRole, type Actor } from "../users/actor";
import { assertAdminRemains } from "./assert-admin-remains";
import { findMemberForUpdate } from "./find-member";

/**
 * Disables or re-enables a member. Disabling ends every session of the user at their next request
 * (the session version is bumped and the actor is re-read on every access). The last active admin
 * cannot be disabled.
 */
export async function setMemberDisabled(opts: { db: Db; actor: Actor; userId: string; disabled: boolean }): Promise<void> {
  assertRole(opts.actor, "admin");
  await opts.db.transaction(async (tx) => {
    const member = await findMemberForUpdate(tx, opts.actor.orgId, opts.userId);
    if (Boolean(member.disabledAt) === opts.disabled) return;
    if (opts.disabled && member.role === "admin") await assertAdminRemains(tx, opts.actor.orgId, member.userId);
    await tx
      .update(users)
      .set(
        opts.disabled
          ? { disabledAt: sql`now()`, sessionVersion: sql`${users.sessionVersion} + 1` }
          : { disabledAt: null },
      )
      .where(eq(users.id, member.userId));
    await writeAudit(tx, opts.actor, {
      action: opts.disabled ? "member.disabled" : "member.enabled",
      targetType: "user",
      targetId: member.userId,
      targetLabel: member.email,
      before: { disabled: !opts.disabled },
      after: { disabled: opts.disabled },
    });
  });
}
