import { and, eq, inArray, sql } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { agentPolicies, groupMembers, groups, users, type AgentPolicy } from "@/db/schema";
import type { Capability } from "./capabilities";

export type AgentPolicyView = {
  mode: "enabled" | "groups" | "disabled";
  allowedGroups: { id: string; name: string }[];
  capabilities: Record<Capability, boolean>;
  updatedAt: Date | null;
  /** Who saved the policy last; null for the default, or once that user was removed. */
  updatedBy: { name: string; email: string } | null;
};

/** Which check of the policy refused: the tools off for everyone, the capability off, or the owner outside the allowed groups. */
export type AgentPolicyRefusalReason = "tools_disabled" | "capability_off" | "not_in_allowed_group";

export type AgentPolicyDecision = { allowed: true } | { allowed: false; code: "scm_tools_disabled" | "scm_tools_not_allowed"; reason: AgentPolicyRefusalReason };

/** The policy's allowed groups that still exist in the organization, by name (empty for none). */
const allowedGroupsJson = sql<{ id: string; name: string }[]>`coalesce((
    select json_agg(json_build_object('id', ${groups.id}, 'name', ${groups.name}) order by lower(${groups.name}), ${groups.id})
    from ${groups}
    where ${groups.orgId} = ${agentPolicies.orgId} and ${groups.id} = any(${agentPolicies.allowedGroupIds})
  ), '[]'::json)`;

/**
 * What a select needs to read the policy, with `agent_policies` and its updater (`users`) left
 * joined: the saved row, who saved it, and its allowed groups' names in the same statement.
 */
export const agentPolicyFields = { row: agentPolicies, updaterName: users.name, updaterEmail: users.email, allowedGroups: allowedGroupsJson };

type AgentPolicyFound = { row: AgentPolicy | null; updaterName: string | null; updaterEmail: string | null; allowedGroups: { id: string; name: string }[] };

/** The policy view from `agentPolicyFields` (the default when none was saved: enabled, every capability). */
export function toAgentPolicyView(found: AgentPolicyFound | undefined): AgentPolicyView {
  const row = found?.row;
  if (!found || !row) return { mode: "enabled", allowedGroups: [], capabilities: { pull_requests: true, issues: true, review_comments: true }, updatedAt: null, updatedBy: null };
  return {
    mode: row.mode,
    allowedGroups: row.allowedGroupIds.length > 0 ? found.allowedGroups : [],
    capabilities: { pull_requests: row.pullRequests, issues: row.issues, review_comments: row.reviewComments },
    updatedAt: row.updatedAt,
    updatedBy: found.updaterEmail ? { name: found.updaterName ?? found.updaterEmail, email: found.updaterEmail } : null,
  };
}

/** The organization's agent SCM-tools policy (the default when none was saved: enabled, every capability), in one query. */
export async function readAgentPolicy(opts: { db: DbOrTx; orgId: string }): Promise<AgentPolicyView> {
  const [found] = await opts.db
    .select(agentPolicyFields)
    .from(agentPolicies)
    .leftJoin(users, eq(users.id, agentPolicies.updatedBy))
    .where(eq(agentPolicies.orgId, opts.orgId));
  return toAgentPolicyView(found);
}

/**
 * The policy's answer for one capability, given whether the user is in one of the allowed groups.
 * Pure, so the runner-facing check and the page that tells members what applies to them cannot
 * disagree. `capability` null asks about the tools as a whole.
 */
export function decideAgentPolicy(policy: Pick<AgentPolicyView, "mode" | "allowedGroups" | "capabilities">, inAllowedGroup: boolean, capability: Capability | null): AgentPolicyDecision {
  if (policy.mode === "disabled") return { allowed: false, code: "scm_tools_disabled", reason: "tools_disabled" };
  if (capability && !policy.capabilities[capability]) return { allowed: false, code: "scm_tools_not_allowed", reason: "capability_off" };
  if (policy.mode === "groups" && !inAllowedGroup) return { allowed: false, code: "scm_tools_not_allowed", reason: "not_in_allowed_group" };
  return { allowed: true };
}

/** Whether `userId` belongs to at least one of the policy's allowed groups (false when there are none). */
export async function isInAllowedGroup(opts: { db: DbOrTx; userId: string; policy: Pick<AgentPolicyView, "allowedGroups"> }): Promise<boolean> {
  const ids = opts.policy.allowedGroups.map((g) => g.id);
  if (ids.length === 0) return false;
  const [member] = await opts.db
    .select({ groupId: groupMembers.groupId })
    .from(groupMembers)
    .where(and(eq(groupMembers.userId, opts.userId), inArray(groupMembers.groupId, ids)))
    .limit(1);
  return Boolean(member);
}

/**
 * Whether the policy lets agents of `userId`'s environments use `capability`, and if not, which
 * typed code says why: `scm_tools_disabled` (off for everyone) or `scm_tools_not_allowed`
 * (restricted to groups the user is not in, or the capability switched off).
 */
export async function evaluateAgentPolicy(opts: { db: DbOrTx; orgId: string; userId: string; capability: Capability | null }): Promise<AgentPolicyDecision> {
  const policy = await readAgentPolicy(opts);
  const inGroup = policy.mode === "groups" ? await isInAllowedGroup({ db: opts.db, userId: opts.userId, policy }) : false;
  return decideAgentPolicy(policy, inGroup, opts.capability);
}
