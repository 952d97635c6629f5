import { and, asc, eq, isNotNull, or, sql } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { hostAuthTokens, runners, scmIntegrations } from "@/db/schema";
import type { Actor } from "../users/actor";

export type EnvironmentRunner = { id: string; name: string };

/**
 * The runners the actor may create an environment on: those offering at least one host with a
 * sign-in method enabled, or where the actor already holds a credential. Ids and names only, by
 * name; which host a runner offers is checked when the environment is created. One query.
 */
export async function listEnvironmentRunners(opts: { db: DbOrTx; actor: Actor }): Promise<EnvironmentRunner[]> {
  return opts.db
    .selectDistinct({ id: runners.id, name: runners.name, sortName: sql<string>`lower(${runners.name})` })
    .from(scmIntegrations)
    .innerJoin(runners, and(eq(runners.id, scmIntegrations.runnerId), eq(runners.orgId, opts.actor.orgId)))
    .leftJoin(hostAuthTokens, and(eq(hostAuthTokens.runnerId, scmIntegrations.runnerId), eq(hostAuthTokens.host, scmIntegrations.host), eq(hostAuthTokens.userId, opts.actor.userId)))
    .where(and(eq(scmIntegrations.orgId, opts.actor.orgId), or(eq(scmIntegrations.oauthEnabled, true), eq(scmIntegrations.patEnabled, true), isNotNull(hostAuthTokens.id))))
    .orderBy(sql`lower(${runners.name})`, asc(runners.id))
    .then((rows) => rows.map(({ id, name }) => ({ id, name })));
}
