import { and, eq, sql } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { users } from "@/db/schema";

/**
 * Ends every session of a user on the server: the session version in each cookie no longer
 * matches, so `loadActor` refuses a copy of the cookie at its next request, in any browser and on
 * any replica. Only the session that carries the current version can do it (a stale cookie
 * cannot sign out a newer one). Returns whether a session was ended.
 */
export async function endSessions(opts: { db: DbOrTx; userId: string; sessionVersion: number }): Promise<boolean> {
  const rows = await opts.db
    .update(users)
    .set({ sessionVersion: sql`${users.sessionVersion} + 1` })
    .where(and(eq(users.id, opts.userId), eq(users.sessionVersion, opts.sessionVersion)))
    .returning({ id: users.id });
  return rows.length > 0;
}
