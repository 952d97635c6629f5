import { and, eq, sql } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { hostAuthTokens, scmIntegrations } from "@/db/schema";
import { AppError } from "../errors/app-error";
import { assertRole, type Actor } from "../users/actor";

export type IntegrationImpact = {
  host: string;
  /** Users connected through OAuth: turning OAuth off disconnects them. */
  oauthUsers: number;
  /** Users connected with a personal access token: turning PATs off disconnects them. */
  patUsers: number;
  /** Everyone connected: removing the integration disconnects them all. */
  users: number;
};

/** How many users each change to an integration would disconnect, for the confirmation people see first. */
export async function countIntegrationImpact(opts: { db: DbOrTx; actor: Actor; integrationId: string }): Promise<IntegrationImpact> {
  assertRole(opts.actor, "admin");
  const [row] = await opts.db
    .select({
      host: scmIntegrations.host,
      oauthUsers: sql<number>`count(distinct ${hostAuthTokens.userId}) filter (where ${hostAuthTokens.source} = 'oauth')`.mapWith(Number),
      patUsers: sql<number>`count(distinct ${hostAuthTokens.userId}) filter (where ${hostAuthTokens.source} = 'pat')`.mapWith(Number),
      users: sql<number>`count(distinct ${hostAuthTokens.userId})`.mapWith(Number),
    })
    .from(scmIntegrations)
    .leftJoin(hostAuthTokens, eq(hostAuthTokens.integrationId, scmIntegrations.id))
    .where(and(eq(scmIntegrations.orgId, opts.actor.orgId), eq(scmIntegrations.id, opts.integrationId)))
    .groupBy(scmIntegrations.id);
  if (!row) throw new AppError("not_found");
  return row;
}
