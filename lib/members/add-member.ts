import type { Db } from "@/db/client";
import type { Role } from "@/db/schema";
import { memberships, users } from "@/db/schema";
import { writeAudit } from "../audit/write-audit";
import { isUniqueViolation } from "../db-errors";
import { AppError } from "../errors/app-error";
import { assertRole, type Actor } from "../users/actor";
import { issueInvitation } from "./issue-invitation";

/**
 * Adds a user to the actor's organization with a role and returns a one-time invitation token
 * with which they set their own password (admins never choose or see members' passwords).
 */
export async function addMember(opts: {
  db: Db;
  actor: Actor;
  email: string;
  name: string;
  role: Role;
}): Promise<{ userId: string; token: string; expiresAt: Date }> {
  assertRole(opts.actor, "admin");
  try {
    return await opts.db.transaction(async (tx) => {
      const [user] = await tx.insert(users).values({ email: opts.email, name: opts.name }).returning({ id: users.id });
      if (!user) throw new Error("insert returned no row");
      await tx.insert(memberships).values({ orgId: opts.actor.orgId, userId: user.id, role: opts.role });
      const invitation = await issueInvitation(tx, { orgId: opts.actor.orgId, userId: user.id, createdBy: opts.actor.userId });
      await writeAudit(tx, opts.actor, {
        action: "member.add",
        targetType: "user",
        targetId: user.id,
        targetLabel: opts.email,
        after: { email: opts.email, name: opts.name, role: opts.role },
      });
      return { userId: user.id, ...invitation };
    });
  } catch (e) {
    if (isUniqueViolation(e, "users_email_key")) {
      throw new AppError("email_taken", { fieldErrors: { email: ["This email address is already in use"] } });
    }
    throw e;
  }
}
