import crypto from "node:crypto";
import { and, eq, gt, isNull, sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { passwordResets } from "@/db/schema";
import { writeAudit } from "../audit/write-audit";
import { AppError } from "../errors/app-error";
import { findMemberForUpdate } from "../members/find-member";
import { assertRole, type Actor } from "./actor";
import { PASSWORD_RESET_TTL_MS, hashResetToken } from "./password-reset-token";

/**
 * Creates a single-use password reset link token for a member of the admin's organization
 * (a self-hosted install sends no email: the admin hands the link over). Any earlier unused link
 * of that member stops working. Only the token's hash is stored; the token is returned once.
 * Another organization's user id gives `not_found`; a disabled member gets `user_disabled`.
 */
export async function issuePasswordReset(opts: { db: Db; actor: Actor; userId: string }): Promise<{ token: string; expiresAt: Date }> {
  assertRole(opts.actor, "admin");
  return opts.db.transaction(async (tx) => {
    const member = await findMemberForUpdate(tx, opts.actor.orgId, opts.userId);
    if (member.disabledAt) throw new AppError("user_disabled", { message: "This member is disabled; enable them first." });
    await tx
      .update(passwordResets)
      .set({ expiresAt: sql`now()` })
      .where(and(eq(passwordResets.userId, member.userId), isNull(passwordResets.usedAt), gt(passwordResets.expiresAt, sql`now()`)));
    const token = crypto.randomBytes(32).toString("base64url");
    const expiresAt = new Date(Date.now() + PASSWORD_RESET_TTL_MS);
    await tx.insert(passwordResets).values({
      orgId: opts.actor.orgId,
      userId: member.userId,
      tokenHash: hashResetToken(token),
      expiresAt,
      createdBy: opts.actor.userId,
    });
    await writeAudit(tx, opts.actor, {
      action: "member.password_reset_link_created",
      targetType: "user",
      targetId: member.userId,
      targetLabel: member.email,
      after: { expiresAt: expiresAt.toISOString() },
    });
    return { token, expiresAt };
  });
}
