import { eq, sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { memberships, users } from "@/db/schema";
import { AppError } from "../errors/app-error";
import { verifyPassword } from "../passwords/passwords";
import { consumeRateLimit } from "../rate-limit/consume-rate-limit";

export type SessionClaims = { userId: string; orgId: string; sessionVersion: number };

/**
 * Checks an email and password. Unknown emails, users without a password and wrong passwords all
 * take the same argon2 verification time and give the same `invalid_credentials`. Attempts are
 * limited per email (10 per 15 minutes) so passwords cannot be guessed online.
 */
export async function verifySignIn(opts: { db: Db; email: string; password: string }): Promise<SessionClaims> {
  const email = opts.email.trim().toLowerCase();
  await consumeRateLimit({ db: opts.db, key: `sign-in:${email}`, limit: 10, windowSeconds: 900 });
  const rows = await opts.db
    .select({
      userId: users.id,
      passwordHash: users.passwordHash,
      disabledAt: users.disabledAt,
      sessionVersion: users.sessionVersion,
      orgId: memberships.orgId,
    })
    .from(users)
    .innerJoin(memberships, eq(memberships.userId, users.id))
    .where(sql`lower(${users.email}) = ${email}`)
    .limit(1);
  const row = rows[0];
  const ok = await verifyPassword(row?.passwordHash, opts.password);
  if (!row || !ok) throw new AppError("invalid_credentials");
  if (row.disabledAt) throw new AppError("user_disabled");
  await opts.db.update(users).set({ lastSignInAt: new Date() }).where(eq(users.id, row.userId));
  return { userId: row.userId, orgId: row.orgId, sessionVersion: row.sessionVersion };
}
