import { and, eq, gt, isNull, sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { invitations, organizations, users } from "@/db/schema";
import { writeAudit } from "../audit/write-audit";
import { AppError } from "../errors/app-error";
import { hashPassword } from "../passwords/passwords";
import type { SessionClaims } from "../users/verify-sign-in";
import { hashInvitationToken } from "./issue-invitation";

/** Looks up a still-valid invitation (for the accept page, which names the organization) without using it. */
export async function findInvitation(opts: { db: Db; token: string }) {
  const rows = await opts.db
    .select({ email: users.email, name: users.name, orgName: organizations.name })
    .from(invitations)
    .innerJoin(users, eq(users.id, invitations.userId))
    .innerJoin(organizations, eq(organizations.id, invitations.orgId))
    .where(
      and(
        eq(invitations.tokenHash, hashInvitationToken(opts.token)),
        isNull(invitations.usedAt),
        gt(invitations.expiresAt, sql`now()`),
        isNull(users.disabledAt),
      ),
    )
    .limit(1);
  return rows[0] ?? null;
}

/**
 * Uses an invitation: sets the member's name and password and marks the link used, atomically
 * (a link works once even when opened twice at the same moment). Returns the session claims.
 */
export async function acceptInvitation(opts: { db: Db; token: string; name: string; password: string }): Promise<SessionClaims & { email: string }> {
  const passwordHash = await hashPassword(opts.password);
  return opts.db.transaction(async (tx) => {
    const [invite] = await tx
      .update(invitations)
      .set({ usedAt: sql`now()` })
      .where(
        and(
          eq(invitations.tokenHash, hashInvitationToken(opts.token)),
          isNull(invitations.usedAt),
          gt(invitations.expiresAt, sql`now()`),
        ),
      )
      .returning({ userId: invitations.userId, orgId: invitations.orgId });
    if (!invite) throw new AppError("invitation_invalid");
    const [user] = await tx
      .update(users)
      .set({ name: opts.name, passwordHash, sessionVersion: sql`${users.sessionVersion} + 1` })
      .where(and(eq(users.id, invite.userId), isNull(users.disabledAt)))
      .returning({ id: users.id, email: users.email, sessionVersion: users.sessionVersion });
    if (!user) throw new AppError("invitation_invalid");
    await writeAudit(tx, { orgId: invite.orgId, userId: user.id, email: user.email }, {
      action: "member.invitation_accepted",
      targetType: "user",
      targetId: user.id,
      targetLabel: user.email,
    });
    return { userId: user.id, orgId: invite.orgId, sessionVersion: user.sessionVersion, email: user.email };
  });
}
