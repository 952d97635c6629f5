import type { Db } from "@/db/client";
import { writeAudit } from "../audit/write-audit";
import { AppError } from "../errors/app-error";
import { assertRole, type Actor } from "../users/actor";
import { findMemberForUpdate } from "./find-member";
import { issueInvitation } from "./issue-invitation";

/** Issues a fresh invitation link for a member who has not set a password yet; the old link stops working. */
export async function resendInvitation(opts: { db: Db; actor: Actor; userId: string }) {
  assertRole(opts.actor, "admin");
  return opts.db.transaction(async (tx) => {
    const member = await findMemberForUpdate(tx, opts.actor.orgId, opts.userId);
    if (member.passwordHash) {
      throw new AppError("validation_failed", { message: "This member has already accepted their invitation." });
    }
    const invitation = await issueInvitation(tx, { orgId: opts.actor.orgId, userId: member.userId, createdBy: opts.actor.userId });
    await writeAudit(tx, opts.actor, {
      action: "member.invitation_reissued",
      targetType: "user",
      targetId: member.userId,
      targetLabel: member.email,
    });
    return invitation;
  });
}
