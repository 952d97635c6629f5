import { and, eq, sql } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { groupMembers, groups, users } from "@/db/schema";
import { AppError } from "../errors/app-error";
import { assertRole, type Actor } from "../users/actor";

export const GROUP_MEMBERS_PAGE_SIZE = 50;

/**
 * A group of the actor's organization with one page of its members, sorted by email, in two
 * queries (the group with its member count, and the page); another organization's group, or
 * one that no longer exists, is `not_found`.
 */
export async function listGroupMembers(opts: { db: DbOrTx; actor: Actor; groupId: string; page?: number }) {
  assertRole(opts.actor, "admin");
  const page = Math.max(1, opts.page ?? 1);
  const groupId = sql.raw(`"groups"."id"`);
  const memberCount = sql<number>`(select count(*) from ${groupMembers} where ${groupMembers.groupId} = ${groupId})`.mapWith(Number);
  const [found, rows] = await Promise.all([
    opts.db
      .select({ id: groups.id, name: groups.name, description: groups.description, memberCount })
      .from(groups)
      .where(and(eq(groups.orgId, opts.actor.orgId), eq(groups.id, opts.groupId)))
      .limit(1),
    opts.db
      .select({ userId: users.id, email: users.email, name: users.name, addedAt: groupMembers.createdAt })
      .from(groupMembers)
      .innerJoin(groups, eq(groups.id, groupMembers.groupId))
      .innerJoin(users, eq(users.id, groupMembers.userId))
      .where(and(eq(groups.orgId, opts.actor.orgId), eq(groupMembers.groupId, opts.groupId)))
      .orderBy(sql`lower(${users.email})`)
      .limit(GROUP_MEMBERS_PAGE_SIZE)
      .offset((page - 1) * GROUP_MEMBERS_PAGE_SIZE),
  ]);
  const group = found[0];
  if (!group) throw new AppError("not_found");
  return {
    group,
    rows,
    total: group.memberCount,
    page,
    pageCount: Math.max(1, Math.ceil(group.memberCount / GROUP_MEMBERS_PAGE_SIZE)),
  };
}
