import { and, eq, gt, isNull, sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { invitations, passwordResets, users } from "@/db/schema";
import { writeAudit } from "../audit/write-audit";
import { AppError } from "../errors/app-error";
import { hashPassword } from "../passwords/passwords";
import { lookupResetLink, withResetRateLimit } from "./find-password-reset";
import { hashResetToken, resetLinkRefusal } from "./password-reset-token";

/**
 * Uses a password reset link: sets the member's new password, ends every session they have
 * (session version bumped), marks the link used and any pending invitation of theirs too, and
 * audits it, atomically (a link works once even when submitted twice at the same moment).
 * Refused links count against the client's budget like failed sign-ins (`rate_limited` past it).
 */
export async function resetPassword(opts: { db: Db; token: string; password: string; client: string }): Promise<{ email: string }> {
  return withResetRateLimit(opts, async () => {
    // Refuse a dead link before spending an argon2 hash on it.
    const found = await lookupResetLink(opts.db, opts.token);
    const early = resetLinkRefusal(found);
    if (early) throw early;
    const passwordHash = await hashPassword(opts.password);
    return opts.db.transaction(async (tx) => {
      const [link] = await tx
        .update(passwordResets)
        .set({ usedAt: sql`now()` })
        .where(
          and(
            eq(passwordResets.tokenHash, hashResetToken(opts.token)),
            isNull(passwordResets.usedAt),
            gt(passwordResets.expiresAt, sql`now()`),
          ),
        )
        .returning({ userId: passwordResets.userId, orgId: passwordResets.orgId });
      if (!link) throw resetLinkRefusal(await lookupResetLink(tx, opts.token)) ?? new AppError("reset_link_used");
      const [user] = await tx
        .update(users)
        .set({ passwordHash, sessionVersion: sql`${users.sessionVersion} + 1` })
        .where(and(eq(users.id, link.userId), isNull(users.disabledAt)))
        .returning({ id: users.id, email: users.email });
      if (!user) throw new AppError("user_disabled");
      await tx
        .update(invitations)
        .set({ usedAt: sql`now()` })
        .where(and(eq(invitations.userId, user.id), isNull(invitations.usedAt)));
      await writeAudit(tx, { orgId: link.orgId, userId: user.id, email: user.email }, {
        action: "member.password_reset",
        targetType: "user",
        targetId: user.id,
        targetLabel: user.email,
      });
      return { email: user.email };
    });
  });
}
