import { and, asc, eq, sql } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { groupMembers, groups, users } from "@/db/schema";
import { assertRole, type Actor } from "../users/actor";

export const GROUP_MEMBERS_SHOWN = 100;

/**
 * The organization's groups with their member count and first members, in one query.
 * Admins manage groups; later issues let other pages read them (agent policy).
 */
export async function listGroups(opts: { db: DbOrTx; actor: Actor }) {
  assertRole(opts.actor, "admin");
  // Written with explicit qualifiers: drizzle leaves columns unqualified in single-table selects,
  // which would make "id" inside the subqueries ambiguous.
  const groupId = sql.raw(`"groups"."id"`);
  const members = sql<{ userId: string; email: string; name: string }[]>`coalesce((
      select json_agg(json_build_object('userId', u.id, 'email', u.email, 'name', u.name) order by lower(u.email))
      from (
        select ${users.id} as id, ${users.email} as email, ${users.name} as name
        from ${groupMembers} join ${users} on ${users.id} = ${groupMembers.userId}
        where ${groupMembers.groupId} = ${groupId}
        order by lower(${users.email})
        limit ${GROUP_MEMBERS_SHOWN}
      ) u
    ), '[]'::json)`;
  const memberCount = sql<number>`(select count(*) from ${groupMembers} where ${groupMembers.groupId} = ${groupId})`.mapWith(Number);
  return opts.db
    .select({ id: groups.id, name: groups.name, description: groups.description, memberCount, members })
    .from(groups)
    .where(and(eq(groups.orgId, opts.actor.orgId)))
    .orderBy(asc(sql`lower(${groups.name})`));
}
