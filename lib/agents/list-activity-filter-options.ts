import { and, asc, desc, eq } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { environments, memberships, users } from "@/db/schema";
import { hasRole, type Actor } from "../users/actor";

/** The most owners and environments a filter offers; the one already chosen is always offered too. */
export const FILTER_OPTIONS_MAX = 200;

export type ActivityFilterOptions = {
  /** Owners of the organization's environments, by email; empty for anyone but an admin. */
  owners: { id: string; email: string }[];
  /** The environments the actor's list covers, newest first. */
  environments: { id: string; name: string; ownerEmail: string; deleted: boolean }[];
};

/**
 * What the activity filters offer: for admins the organization's environment owners and
 * environments, for everyone else their own environments only. Bounded, so a large organization's
 * page stays small; the `selected` ids are included even past the bound when they are in scope,
 * and left out when they are not (the page then says the filter was ignored).
 */
export async function listActivityFilterOptions(opts: { db: DbOrTx; actor: Actor; selected?: { ownerId?: string; environmentId?: string } }): Promise<ActivityFilterOptions> {
  const admin = hasRole(opts.actor, "admin");
  const envScope = and(eq(environments.orgId, opts.actor.orgId), admin ? undefined : eq(environments.ownerId, opts.actor.userId));
  const ownerId = admin ? opts.selected?.ownerId : undefined;
  const environmentId = opts.selected?.environmentId;
  const [owners, envs] = await Promise.all([
    admin
      ? opts.db
          .selectDistinct({ id: users.id, email: users.email })
          .from(environments)
          .innerJoin(users, eq(users.id, environments.ownerId))
          .where(envScope)
          .orderBy(asc(users.email), asc(users.id))
          .limit(FILTER_OPTIONS_MAX)
      : Promise.resolve<ActivityFilterOptions["owners"]>([]),
    opts.db
      .select({ id: environments.id, name: environments.name, ownerEmail: users.email, deletedAt: environments.deletedAt })
      .from(environments)
      .innerJoin(users, eq(users.id, environments.ownerId))
      .where(envScope)
      // The chosen one first, so that it survives the bound; then the newest.
      .orderBy(...(environmentId ? [desc(eq(environments.id, environmentId))] : []), desc(environments.createdAt), desc(environments.id))
      .limit(FILTER_OPTIONS_MAX),
  ]);
  if (ownerId && !owners.some((o) => o.id === ownerId)) {
    // Past the bound, or with no environment left: any member of the organization may be chosen.
    const [chosen] = await opts.db
      .select({ id: users.id, email: users.email })
      .from(memberships)
      .innerJoin(users, eq(users.id, memberships.userId))
      .where(and(eq(memberships.orgId, opts.actor.orgId), eq(memberships.userId, ownerId)));
    if (chosen) owners.push(chosen);
  }
  return { owners, environments: envs.map(({ deletedAt, ...e }) => ({ ...e, deleted: deletedAt !== null })) };
}
