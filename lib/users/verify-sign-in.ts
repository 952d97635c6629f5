import { eq, sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { memberships, users } from "@/db/schema";
import { AppError } from "../errors/app-error";
import { verifyPassword } from "../passwords/passwords";
import { countRateLimitHit } from "../rate-limit/consume-rate-limit";
import { readRateLimits } from "../rate-limit/read-rate-limits";

export type SessionClaims = { userId: string; orgId: string; sessionVersion: number };

/** Failed sign-ins are counted in 15-minute windows; successful ones are not counted. */
export const SIGN_IN_WINDOW_SECONDS = 900;
/** Failures one client may make across all emails before it is refused. */
export const SIGN_IN_CLIENT_FAILURES = 20;
/** Failures one client may make on one email before it is refused for that email. */
export const SIGN_IN_CLIENT_ACCOUNT_FAILURES = 5;
/**
 * Failures on one email (from any client) after which the account is under attack: then only
 * clients that have not failed on it yet in the window may try it, each once. The owner signing in
 * from their own device is not locked out; a guesser gets one guess per address per window.
 */
export const SIGN_IN_ACCOUNT_FAILURES = 10;

/**
 * Checks an email and password. Unknown emails, users without a password and wrong passwords all
 * take the same argon2 verification time and give the same `invalid_credentials`.
 *
 * Only failures count, by client (`client`: the address the request came from, see
 * `clientAddress`) and by email: a client past its budget is refused (`rate_limited`) for every
 * email; an email with many failures stays open to clients that have not failed on it, so nobody
 * can lock its owner out by guessing.
 */
export async function verifySignIn(opts: { db: Db; email: string; password: string; client: string }): Promise<SessionClaims> {
  const email = opts.email.trim().toLowerCase();
  const keys = { client: `sign-in-client:${opts.client}`, pair: `sign-in-client-account:${opts.client}:${email}`, account: `sign-in:${email}` };
  const counts = await readRateLimits({ db: opts.db, keys: Object.values(keys), windowSeconds: SIGN_IN_WINDOW_SECONDS });
  const clientFailures = counts.get(keys.client) ?? 0;
  const pairFailures = counts.get(keys.pair) ?? 0;
  const accountFailures = counts.get(keys.account) ?? 0;
  if (
    clientFailures >= SIGN_IN_CLIENT_FAILURES ||
    pairFailures >= SIGN_IN_CLIENT_ACCOUNT_FAILURES ||
    (accountFailures >= SIGN_IN_ACCOUNT_FAILURES && pairFailures > 0)
  ) {
    throw new AppError("rate_limited");
  }
  try {
    return await checkPassword(opts.db, email, opts.password);
  } catch (e) {
    if (e instanceof AppError && e.code === "invalid_credentials") {
      for (const key of Object.values(keys)) await countRateLimitHit({ db: opts.db, key, windowSeconds: SIGN_IN_WINDOW_SECONDS });
    }
    throw e;
  }
}

async function checkPassword(db: Db, email: string, password: string): Promise<SessionClaims> {
  const rows = await db
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
  const ok = await verifyPassword(row?.passwordHash, password);
  if (!row || !ok) throw new AppError("invalid_credentials");
  if (row.disabledAt) throw new AppError("user_disabled");
  await db.update(users).set({ lastSignInAt: new Date() }).where(eq(users.id, row.userId));
  return { userId: row.userId, orgId: row.orgId, sessionVersion: row.sessionVersion };
}
