import { and, eq } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { runners, scmIntegrations, type ScmIntegration } from "@/db/schema";
import { AppError } from "../errors/app-error";
import type { Actor } from "../users/actor";

/**
 * An integration of the actor's organization with its runner's current key, for connecting an
 * account. Every member may use every runner of the organization.
 */
export async function findUsableIntegration(opts: { db: DbOrTx; actor: Actor; integrationId: string }): Promise<{ integration: ScmIntegration; runnerKey: { publicKey: string; keyId: string } }> {
  const [row] = await opts.db
    .select({ integration: scmIntegrations, publicKey: runners.publicKey, keyId: runners.keyId })
    .from(scmIntegrations)
    .innerJoin(runners, eq(runners.id, scmIntegrations.runnerId))
    .where(and(eq(scmIntegrations.orgId, opts.actor.orgId), eq(scmIntegrations.id, opts.integrationId)));
  if (!row) throw new AppError("not_found");
  if (!row.publicKey || !row.keyId) throw new AppError("runner_not_registered");
  return { integration: row.integration, runnerKey: { publicKey: row.publicKey, keyId: row.keyId } };
}
