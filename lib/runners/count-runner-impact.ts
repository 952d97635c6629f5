import { and, countDistinct, eq } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { hostAuthTokens, runners, scmIntegrations } from "@/db/schema";
import { AppError } from "../errors/app-error";
import { assertRole, type Actor } from "../users/actor";

/** What deleting a runner takes with it: its integrations and the users who lose a connection. */
export async function countRunnerImpact(opts: { db: DbOrTx; actor: Actor; runnerId: string }): Promise<{ name: string; integrations: number; users: number }> {
  assertRole(opts.actor, "admin");
  const [row] = await opts.db
    .select({
      name: runners.name,
      integrations: countDistinct(scmIntegrations.id),
      users: countDistinct(hostAuthTokens.userId),
    })
    .from(runners)
    .leftJoin(scmIntegrations, eq(scmIntegrations.runnerId, runners.id))
    .leftJoin(hostAuthTokens, eq(hostAuthTokens.integrationId, scmIntegrations.id))
    .where(and(eq(runners.orgId, opts.actor.orgId), eq(runners.id, opts.runnerId)))
    .groupBy(runners.id);
  if (!row) throw new AppError("not_found");
  return row;
}
