import { and, eq } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { runners, scmIntegrations } from "@/db/schema";
import { assertRole, type Actor } from "../users/actor";

/**
 * The id of a runner's integration for a host (admins; within the actor's organization), or null.
 * `host_taken` points people here: the form links to the integration that already has the host.
 */
export async function findIntegrationByHost(opts: { db: DbOrTx; actor: Actor; runnerId: string; host: string }): Promise<string | null> {
  assertRole(opts.actor, "admin");
  const [row] = await opts.db
    .select({ id: scmIntegrations.id })
    .from(scmIntegrations)
    .innerJoin(runners, and(eq(runners.id, scmIntegrations.runnerId), eq(runners.orgId, opts.actor.orgId)))
    .where(and(eq(scmIntegrations.orgId, opts.actor.orgId), eq(scmIntegrations.runnerId, opts.runnerId), eq(scmIntegrations.host, opts.host.trim().toLowerCase())))
    .limit(1);
  return row?.id ?? null;
}
