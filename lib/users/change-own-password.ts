import { and, eq, sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { users } from "@/db/schema";
import { writeAudit } from "../audit/write-audit";
import { AppError } from "../errors/app-error";
import { hashPassword, verifyPassword } from "../passwords/passwords";
import { countRateLimitHit } from "../rate-limit/consume-rate-limit";
import { readRateLimits } from "../rate-limit/read-rate-limits";
import type { Actor } from "./actor";
import { SIGN_IN_CLIENT_ACCOUNT_FAILURES, SIGN_IN_WINDOW_SECONDS } from "./verify-sign-in";

/**
 * Changes the signed-in user's password. The current password is required (a session left open
 * on a shared computer is not enough), and wrong guesses count like failed sign-ins: after
 * `SIGN_IN_CLIENT_ACCOUNT_FAILURES` in the window the change is refused with `rate_limited`.
 *
 * The new password ends every session of the user (session version bumped), including the one
 * making the change; the caller signs that browser in again with the new password. Users
 * without a password (single sign-on) get `password_managed_by_sso`.
 */
export async function changeOwnPassword(opts: { db: Db; actor: Actor; currentPassword: string; newPassword: string }): Promise<void> {
  const key = `password-change:${opts.actor.userId}`;
  const counts = await readRateLimits({ db: opts.db, keys: [key], windowSeconds: SIGN_IN_WINDOW_SECONDS });
  if ((counts.get(key) ?? 0) >= SIGN_IN_CLIENT_ACCOUNT_FAILURES) throw new AppError("rate_limited");

  const [user] = await opts.db
    .select({ passwordHash: users.passwordHash })
    .from(users)
    .where(eq(users.id, opts.actor.userId))
    .limit(1);
  if (!user) throw new AppError("unauthenticated");
  if (!user.passwordHash) throw new AppError("password_managed_by_sso");
  if (!(await verifyPassword(user.passwordHash, opts.currentPassword))) {
    await countRateLimitHit({ db: opts.db, key, windowSeconds: SIGN_IN_WINDOW_SECONDS });
    throw incorrect();
  }

  const passwordHash = await hashPassword(opts.newPassword);
  await opts.db.transaction(async (tx) => {
    // Only over the hash that was verified: a concurrent change wins, and this one is refused.
    const rows = await tx
      .update(users)
      .set({ passwordHash, sessionVersion: sql`${users.sessionVersion} + 1` })
      .where(and(eq(users.id, opts.actor.userId), eq(users.passwordHash, user.passwordHash!)))
      .returning({ id: users.id });
    if (rows.length === 0) throw incorrect();
    await writeAudit(tx, opts.actor, {
      action: "user.password_changed",
      targetType: "user",
      targetId: opts.actor.userId,
      targetLabel: opts.actor.email,
    });
  });
}

function incorrect(): AppError {
  return new AppError("current_password_incorrect", { fieldErrors: { currentPassword: ["This is not your current password."] } });
}
