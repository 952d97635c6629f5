import { and, asc, count, eq, ilike, or, sql } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { groupMembers, groups, memberships, users } from "@/db/schema";
import { assertRole, type Actor } from "../users/actor";

export const MEMBERS_PAGE_SIZE = 50;

function escapeLike(q: string): string {
  return q.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/**
 * One page of the organization's members (search by email or name), each with their groups, in
 * two queries whatever the page size: the page with an aggregated group list, and the total.
 */
export async function listMembers(opts: { db: DbOrTx; actor: Actor; q?: string; page?: number }) {
  assertRole(opts.actor, "admin");
  const page = Math.max(1, opts.page ?? 1);
  const pattern = opts.q ? `%${escapeLike(opts.q)}%` : undefined;
  const where = and(
    eq(memberships.orgId, opts.actor.orgId),
    pattern ? or(ilike(users.email, pattern), ilike(users.name, pattern)) : undefined,
  );
  const groupNames = sql<string[]>`coalesce((
      select array_agg(${groups.name} order by ${groups.name})
      from ${groupMembers} join ${groups} on ${groups.id} = ${groupMembers.groupId}
      where ${groupMembers.userId} = ${users.id} and ${groups.orgId} = ${opts.actor.orgId}
    ), '{}')`;
  const [rows, totals] = await Promise.all([
    opts.db
      .select({
        userId: users.id,
        email: users.email,
        name: users.name,
        role: memberships.role,
        disabledAt: users.disabledAt,
        invited: sql<boolean>`${users.passwordHash} is null`,
        lastSignInAt: users.lastSignInAt,
        groups: groupNames,
      })
      .from(memberships)
      .innerJoin(users, eq(users.id, memberships.userId))
      .where(where)
      .orderBy(asc(sql`lower(${users.email})`))
      .limit(MEMBERS_PAGE_SIZE)
      .offset((page - 1) * MEMBERS_PAGE_SIZE),
    opts.db
      .select({
        total: count(),
      })
      .from(memberships)
      .innerJoin(users, eq(users.id, memberships.userId))
      .where(where),
  ]);
  const total = totals[0]?.total ?? 0;
  return {
    rows,
    total,
    page,
    pageCount: Math.max(1, Math.ceil(total / MEMBERS_PAGE_SIZE)),
  };
}
