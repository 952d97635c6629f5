import { and, eq } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { scmIntegrations } from "@/db/schema";
import type { Actor } from "../users/actor";
import { integrationIdSchema } from "./schemas";

/**
 * The host of an integration of the actor's organization, or null (unknown id, another
 * organization's). Names the host in the OAuth return banner when its row is not on the page shown.
 */
export async function findIntegrationHost(opts: { db: DbOrTx; actor: Actor; integrationId: string }): Promise<string | null> {
  if (!integrationIdSchema.safeParse({ integrationId: opts.integrationId }).success) return null;
  const [row] = await opts.db
    .select({ host: scmIntegrations.host })
    .from(scmIntegrations)
    .where(and(eq(scmIntegrations.orgId, opts.actor.orgId), eq(scmIntegrations.id, opts.integrationId)));
  return row?.host ?? null;
}
