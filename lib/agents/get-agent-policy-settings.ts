import { asc, eq, sql } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { groupMembers, groups } from "@/db/schema";
import { assertRole, type Actor } from "../users/actor";
import { readAgentPolicy, type AgentPolicyView } from "./get-agent-policy";

export type PolicyGroupOption = { id: string; name: string; memberCount: number };

/**
 * What the admin's policy form needs: the saved policy (with who changed it last) and every group
 * of the organization to restrict the tools to, with its member count so an admin sees when a
 * choice would allow nobody.
 */
export async function getAgentPolicySettings(opts: { db: DbOrTx; actor: Actor }): Promise<{ policy: AgentPolicyView; groups: PolicyGroupOption[] }> {
  assertRole(opts.actor, "admin");
  const memberCount = sql<number>`(select count(*) from ${groupMembers} where ${groupMembers.groupId} = ${sql.raw(`"groups"."id"`)})`.mapWith(Number);
  const [policy, groupRows] = await Promise.all([
    readAgentPolicy({ db: opts.db, orgId: opts.actor.orgId }),
    opts.db
      .select({ id: groups.id, name: groups.name, memberCount })
      .from(groups)
      .where(eq(groups.orgId, opts.actor.orgId))
      .orderBy(asc(sql`lower(${groups.name})`)),
  ]);
  return { policy, groups: groupRows };
}
