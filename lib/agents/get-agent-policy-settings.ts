import { eq, sql } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { agentPolicies, groupMembers, groups, organizations, users } from "@/db/schema";
import { assertRole, type Actor } from "../users/actor";
import { agentPolicyFields, toAgentPolicyView, type AgentPolicyView } from "./get-agent-policy";

export type PolicyGroupOption = { id: string; name: string; memberCount: number };

/**
 * What the admin's policy form needs: the saved policy (with who changed it last) and every group
 * of the organization to restrict the tools to, with its member count so an admin sees when a
 * choice would allow nobody. One query: the groups come aggregated beside the policy, read from
 * the organization's row so they come even when no policy was saved.
 */
export async function getAgentPolicySettings(opts: { db: DbOrTx; actor: Actor }): Promise<{ policy: AgentPolicyView; groups: PolicyGroupOption[] }> {
  assertRole(opts.actor, "admin");
  const groupsJson = sql<PolicyGroupOption[]>`coalesce((
      select json_agg(json_build_object(
        'id', ${groups.id},
        'name', ${groups.name},
        'memberCount', (select count(*) from ${groupMembers} where ${groupMembers.groupId} = ${groups.id})
      ) order by lower(${groups.name}), ${groups.id})
      from ${groups}
      where ${groups.orgId} = ${organizations.id}
    ), '[]'::json)`;
  const [found] = await opts.db
    .select({ ...agentPolicyFields, groups: groupsJson })
    .from(organizations)
    .leftJoin(agentPolicies, eq(agentPolicies.orgId, organizations.id))
    .leftJoin(users, eq(users.id, agentPolicies.updatedBy))
    .where(eq(organizations.id, opts.actor.orgId));
  return { policy: toAgentPolicyView(found), groups: (found?.groups ?? []).map((g) => ({ ...g, memberCount: Number(g.memberCount) })) };
}
