import { and, desc, eq } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { agentActivity, environments, users } from "@/db/schema";
import { hasRole, type Actor } from "../users/actor";

/**
 * Recent agent tool calls: admins see the organization's, everyone else their own environments'.
 * Newest first, bounded.
 */
export async function listAgentActivity(opts: { db: DbOrTx; actor: Actor; limit?: number }) {
  const mine = !hasRole(opts.actor, "admin");
  return opts.db
    .select({
      id: agentActivity.id,
      at: agentActivity.at,
      tool: agentActivity.tool,
      capability: agentActivity.capability,
      provider: agentActivity.provider,
      host: agentActivity.host,
      repository: agentActivity.repository,
      outcome: agentActivity.outcome,
      errorCode: agentActivity.errorCode,
      resultUrl: agentActivity.resultUrl,
      durationMs: agentActivity.durationMs,
      environmentName: environments.name,
      ownerEmail: users.email,
    })
    .from(agentActivity)
    .leftJoin(environments, eq(environments.id, agentActivity.environmentId))
    .leftJoin(users, eq(users.id, agentActivity.ownerId))
    .where(and(eq(agentActivity.orgId, opts.actor.orgId), mine ? eq(agentActivity.ownerId, opts.actor.userId) : undefined))
    .orderBy(desc(agentActivity.at))
    .limit(Math.min(opts.limit ?? 100, 500));
}
