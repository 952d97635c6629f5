import { and, eq } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { hostAuthTokens, runners, scmIntegrations, type HostAuthToken } from "@/db/schema";

/**
 * A user's credential for a host on a runner, if it is usable now: sealed to the runner's current
 * key, not marked for re-authentication, and from a method the admin still enables.
 */
export async function findUsableCredential(opts: { db: DbOrTx; runnerId: string; host: string; userId: string }): Promise<HostAuthToken | null> {
  const [row] = await opts.db
    .select({ token: hostAuthTokens, runnerKeyId: runners.keyId, oauthEnabled: scmIntegrations.oauthEnabled, patEnabled: scmIntegrations.patEnabled })
    .from(hostAuthTokens)
    .innerJoin(runners, eq(runners.id, hostAuthTokens.runnerId))
    .innerJoin(scmIntegrations, eq(scmIntegrations.id, hostAuthTokens.integrationId))
    .where(and(eq(hostAuthTokens.runnerId, opts.runnerId), eq(hostAuthTokens.host, opts.host), eq(hostAuthTokens.userId, opts.userId)));
  if (!row) return null;
  if (row.token.needsReauthReason || row.token.keyId !== row.runnerKeyId) return null;
  if (row.token.source === "oauth" ? !row.oauthEnabled : !row.patEnabled) return null;
  return row.token;
}
