import { and, eq, isNull } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { memberships, organizations, users } from "@/db/schema";
import type { Actor } from "./actor";

/**
 * Re-reads the session's user from the database: returns null when the user was removed,
 * disabled, left the organization, or had their sessions ended (session version bumped).
 * Every server-side data access starts here, so a disabled user is out at their next request.
 */
export async function loadActor(opts: {
  db: DbOrTx;
  userId: string;
  orgId: string;
  sessionVersion: number;
}): Promise<Actor | null> {
  const rows = await opts.db
    .select({
      userId: users.id,
      orgId: memberships.orgId,
      role: memberships.role,
      email: users.email,
      name: users.name,
      orgName: organizations.name,
    })
    .from(users)
    .innerJoin(memberships, eq(memberships.userId, users.id))
    .innerJoin(organizations, eq(organizations.id, memberships.orgId))
    .where(
      and(
        eq(users.id, opts.userId),
        eq(memberships.orgId, opts.orgId),
        isNull(users.disabledAt),
        eq(users.sessionVersion, opts.sessionVersion),
      ),
    )
    .limit(1);
  return rows[0] ?? null;
}
