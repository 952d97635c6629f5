import { and, eq } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { scmIntegrations } from "@/db/schema";

export type IntegrationSubject = { integrationId: string; runnerId: string | null; host: string | null; provider: string | null };

/**
 * The runner, host and provider of an integration of the organization, for the trail of an
 * operation that names only the integration: support searches by host and runner. Unknown ids
 * (not an id, another organization's) come back with nothing but the id itself.
 */
export async function integrationSubject(db: DbOrTx, orgId: string, integrationId: string): Promise<IntegrationSubject> {
  const empty = { integrationId, runnerId: null, host: null, provider: null };
  if (!/^[0-9a-f-]{36}$/i.test(integrationId)) return empty;
  try {
    const [row] = await db
      .select({ runnerId: scmIntegrations.runnerId, host: scmIntegrations.host, provider: scmIntegrations.provider })
      .from(scmIntegrations)
      .where(and(eq(scmIntegrations.orgId, orgId), eq(scmIntegrations.id, integrationId)));
    return row ? { integrationId, ...row } : empty;
  } catch {
    return empty;
  }
}
