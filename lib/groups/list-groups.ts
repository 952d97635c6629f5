import { asc, eq, sql } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { groupMembers, groups, users } from "@/db/schema";
import { assertRole, type Actor } from "../users/actor";

/** How many members each group shows on the Members page; the group's own page lists them all. */
export const GROUP_MEMBERS_SHOWN = 10;

export type GroupMemberPreview = { userId: string; email: string };

/**
 * The organization's groups with their member count and their most recently added members (up
 * to `GROUP_MEMBERS_SHOWN`, newest first, so a member just added shows up), in one query.
 * Only the preview's users are read: sorting by email would read every member of every group.
 * Admins manage groups; later issues let other pages read them (agent policy).
 */
export async function listGroups(opts: { db: DbOrTx; actor: Actor }) {
  assertRole(opts.actor, "admin");
  // Written with explicit qualifiers: drizzle leaves columns unqualified in single-table selects,
  // which would make "id" inside the subqueries ambiguous.
  const groupId = sql.raw(`"groups"."id"`);
  const members = sql<GroupMemberPreview[]>`coalesce((
      select json_agg(json_build_object('userId', u.id, 'email', u.email) order by r.created_at desc, r.user_id)
      from (
        select ${groupMembers.userId} as user_id, ${groupMembers.createdAt} as created_at
        from ${groupMembers}
        where ${groupMembers.groupId} = ${groupId}
        order by ${groupMembers.createdAt} desc, ${groupMembers.userId}
        limit ${GROUP_MEMBERS_SHOWN}
      ) r join ${users} u on u.id = r.user_id
    ), '[]'::json)`;
  const memberCount = sql<number>`(select count(*) from ${groupMembers} where ${groupMembers.groupId} = ${groupId})`.mapWith(Number);
  return opts.db
    .select({ id: groups.id, name: groups.name, description: groups.description, memberCount, members })
    .from(groups)
    .where(eq(groups.orgId, opts.actor.orgId))
    .orderBy(asc(sql`lower(${groups.name})`));
}
