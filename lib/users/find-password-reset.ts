import { eq, sql } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { organizations, passwordResets, users } from "@/db/schema";
import { AppError } from "../errors/app-error";
import { countRateLimitHit } from "../rate-limit/consume-rate-limit";
import { readRateLimits } from "../rate-limit/read-rate-limits";
import { PASSWORD_RESET_CLIENT_FAILURES, hashResetToken, isResetLinkRefusal, resetLinkRefusal, resetRateLimitKey } from "./password-reset-token";
import { SIGN_IN_WINDOW_SECONDS } from "./verify-sign-in";

/** The stored link for a token with its member and organization (expiry judged by the database clock). */
export async function lookupResetLink(db: DbOrTx, token: string) {
  const [row] = await db
    .select({
      userId: passwordResets.userId,
      orgId: passwordResets.orgId,
      usedAt: passwordResets.usedAt,
      expired: sql<boolean>`${passwordResets.expiresAt} <= now()`,
      email: users.email,
      disabledAt: users.disabledAt,
      orgName: organizations.name,
    })
    .from(passwordResets)
    .innerJoin(users, eq(users.id, passwordResets.userId))
    .innerJoin(organizations, eq(organizations.id, passwordResets.orgId))
    .where(eq(passwordResets.tokenHash, hashResetToken(token)))
    .limit(1);
  return row;
}

/**
 * Refuses a client that has failed too many reset links in the window (`rate_limited`), runs
 * `attempt`, and counts a refused link (unknown, used, expired) against the client, like failed
 * sign-ins.
 */
export async function withResetRateLimit<T>(opts: { db: DbOrTx; client: string }, attempt: () => Promise<T>): Promise<T> {
  const key = resetRateLimitKey(opts.client);
  const counts = await readRateLimits({ db: opts.db, keys: [key], windowSeconds: SIGN_IN_WINDOW_SECONDS });
  if ((counts.get(key) ?? 0) >= PASSWORD_RESET_CLIENT_FAILURES) throw new AppError("rate_limited");
  try {
    return await attempt();
  } catch (e) {
    if (isResetLinkRefusal(e)) await countRateLimitHit({ db: opts.db, key, windowSeconds: SIGN_IN_WINDOW_SECONDS });
    throw e;
  }
}

/**
 * For the reset page: who a still-usable link is for, without using it. Unknown, used and
 * expired links give their own catalogue code; a disabled member gets `user_disabled`.
 */
export async function findPasswordReset(opts: { db: DbOrTx; token: string; client: string }): Promise<{ email: string; orgName: string }> {
  return withResetRateLimit(opts, async () => {
    const row = await lookupResetLink(opts.db, opts.token);
    const refusal = resetLinkRefusal(row);
    if (refusal) throw refusal;
    if (row!.disabledAt) throw new AppError("user_disabled");
    return { email: row!.email, orgName: row!.orgName };
  });
}
