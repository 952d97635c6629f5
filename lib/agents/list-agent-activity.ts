import { and, asc, desc, eq, type SQL } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { agentActivity, environments, users } from "@/db/schema";
import { cursorTime, pastCursor, type KeysetCursor } from "../sql/keyset-cursor";
import { hasRole, type Actor } from "../users/actor";
import type { ActivityFilters, ActivityPage } from "./activity-query";

/** How many calls one page of the activity list shows. */
export const ACTIVITY_PAGE_SIZE = 50;

/**
 * The conditions every activity query starts from: the actor's organization and, for anyone but
 * an admin, their own environments' calls only, whatever owner the filters name.
 */
function scope(actor: Actor, filters: ActivityFilters): (SQL | undefined)[] {
  const admin = hasRole(actor, "admin");
  return [
    eq(agentActivity.orgId, actor.orgId),
    admin ? (filters.ownerId ? eq(agentActivity.ownerId, filters.ownerId) : undefined) : eq(agentActivity.ownerId, actor.userId),
    filters.tool ? eq(agentActivity.tool, filters.tool) : undefined,
    filters.outcome ? eq(agentActivity.outcome, filters.outcome) : undefined,
    filters.environmentId ? eq(agentActivity.environmentId, filters.environmentId) : undefined,
  ];
}

/**
 * One page of agent tool calls, newest first, allowed or refused: admins see the organization's
 * (optionally one owner's), everyone else their own environments'; narrowed by tool, outcome and
 * environment. Paged by keyset on (at, id), so a page costs the same however deep it is, calls
 * recorded meanwhile neither repeat nor go missing, and calls of the same instant are all shown.
 */
export async function listAgentActivity(opts: { db: DbOrTx; actor: Actor; filters?: ActivityFilters; page?: ActivityPage; pageSize?: number }) {
  const filters = opts.filters ?? {};
  const limit = Math.max(1, Math.min(opts.pageSize ?? ACTIVITY_PAGE_SIZE, 200));
  const { before, after } = opts.page ?? {};
  const conds = scope(opts.actor, filters);
  if (before) conds.push(pastCursor(agentActivity.at, agentActivity.id, before, "before"));
  else if (after) conds.push(pastCursor(agentActivity.at, agentActivity.id, after, "after"));
  const newestFirst = !after || Boolean(before);
  const rows = await opts.db
    .select({
      id: agentActivity.id,
      at: agentActivity.at,
      atText: cursorTime(agentActivity.at),
      tool: agentActivity.tool,
      capability: agentActivity.capability,
      provider: agentActivity.provider,
      host: agentActivity.host,
      repository: agentActivity.repository,
      outcome: agentActivity.outcome,
      errorCode: agentActivity.errorCode,
      refusalReason: agentActivity.refusalReason,
      resultUrl: agentActivity.resultUrl,
      durationMs: agentActivity.durationMs,
      environmentName: environments.name,
      ownerEmail: users.email,
    })
    .from(agentActivity)
    .leftJoin(environments, eq(environments.id, agentActivity.environmentId))
    .leftJoin(users, eq(users.id, agentActivity.ownerId))
    .where(and(...conds))
    .orderBy(...(newestFirst ? [desc(agentActivity.at), desc(agentActivity.id)] : [asc(agentActivity.at), asc(agentActivity.id)]))
    .limit(limit + 1);
  const more = rows.length > limit;
  const shown = rows.slice(0, limit);
  if (!newestFirst) shown.reverse();
  const calls = shown.map(({ atText, ...row }) => ({ ...row, cursor: { at: atText, id: row.id } satisfies KeysetCursor }));
  const first = calls[0]?.cursor ?? null;
  const last = calls.at(-1)?.cursor ?? null;
  return {
    calls,
    /** Where the next older page starts; null on the oldest page. */
    older: newestFirst ? (more ? last : null) : last,
    /** Where the next newer page starts; null on the newest page. */
    newer: newestFirst ? (before ? first : null) : more ? first : null,
  };
}

export type AgentActivityListing = Awaited<ReturnType<typeof listAgentActivity>>;
export type AgentActivityCall = AgentActivityListing["calls"][number];
