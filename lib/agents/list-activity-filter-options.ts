import { and, asc, desc, eq, sql } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { environments, memberships, organizations, users } from "@/db/schema";
import { hasRole, type Actor } from "../users/actor";

/** The most owners and environments a filter offers; the one already chosen is always offered too. */
export const FILTER_OPTIONS_MAX = 200;

export type ActivityFilterOptions = {
  /** Owners of the organization's environments, by email; empty for anyone but an admin. */
  owners: { id: string; email: string }[];
  /** The environments the actor's list covers, newest first. */
  environments: { id: string; name: string; ownerEmail: string; deleted: boolean }[];
};

type Owner = ActivityFilterOptions["owners"][number];
type EnvironmentOption = ActivityFilterOptions["environments"][number];

/**
 * What the activity filters offer: for admins the organization's environment owners and
 * environments, for everyone else their own environments only. Bounded, so a large organization's
 * page stays small; the `selected` ids are included even past the bound when they are in scope,
 * and left out when they are not (the page then says the filter was ignored).
 *
 * One statement, whatever is selected: each list is a bounded subquery aggregated to JSON, read
 * from the actor's organization row, so the Agents page stays within its query budget.
 */
export async function listActivityFilterOptions(opts: { db: DbOrTx; actor: Actor; selected?: { ownerId?: string; environmentId?: string } }): Promise<ActivityFilterOptions> {
  const admin = hasRole(opts.actor, "admin");
  const envScope = and(eq(environments.orgId, opts.actor.orgId), admin ? undefined : eq(environments.ownerId, opts.actor.userId));
  const ownerId = admin ? opts.selected?.ownerId : undefined;
  const environmentId = opts.selected?.environmentId;

  const ownerRows = opts.db
    .selectDistinct({ id: users.id, email: users.email })
    .from(environments)
    .innerJoin(users, eq(users.id, environments.ownerId))
    .where(envScope)
    .orderBy(asc(users.email), asc(users.id))
    .limit(FILTER_OPTIONS_MAX);
  const owners = admin
    ? sql<Owner[]>`coalesce((select json_agg(json_build_object('id', o.id, 'email', o.email) order by o.email, o.id) from ${ownerRows} o), '[]'::json)`
    : sql<Owner[]>`'[]'::json`;

  // Past the bound, or with no environment left: any member of the organization may be chosen.
  const chosenOwner = ownerId
    ? sql<Owner | null>`(select json_build_object('id', c.id, 'email', c.email) from ${opts.db
        .select({ id: users.id, email: users.email })
        .from(memberships)
        .innerJoin(users, eq(users.id, memberships.userId))
        .where(and(eq(memberships.orgId, opts.actor.orgId), eq(memberships.userId, ownerId)))} c)`
    : sql<Owner | null>`null::json`;

  // The chosen one first, so that it survives the bound; then the newest.
  const chosenFirst = environmentId ? sql<boolean>`${environments.id} = ${environmentId}` : sql<boolean>`false`;
  const envRows = opts.db
    .select({ id: environments.id, name: environments.name, email: users.email, deletedAt: environments.deletedAt, createdAt: environments.createdAt, chosen: chosenFirst.as("chosen") })
    .from(environments)
    .innerJoin(users, eq(users.id, environments.ownerId))
    .where(envScope)
    .orderBy(...(environmentId ? [desc(chosenFirst)] : []), desc(environments.createdAt), desc(environments.id))
    .limit(FILTER_OPTIONS_MAX);
  const envs = sql<EnvironmentOption[]>`coalesce((
      select json_agg(json_build_object('id', e.id, 'name', e.name, 'ownerEmail', e.email, 'deleted', e.deleted_at is not null) order by e.chosen desc, e.created_at desc, e.id desc)
      from ${envRows} e
    ), '[]'::json)`;

  const [row] = await opts.db
    .select({ owners, chosenOwner, environments: envs })
    .from(organizations)
    .where(eq(organizations.id, opts.actor.orgId));
  if (!row) return { owners: [], environments: [] };
  const list = [...row.owners];
  if (row.chosenOwner && !list.some((o) => o.id === row.chosenOwner!.id)) list.push(row.chosenOwner);
  return { owners: list, environments: row.environments };
}
