import { and, eq, inArray } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { agentPolicies, groupMembers, groups } from "@/db/schema";
import type { Capability } from "./capabilities";

export type AgentPolicyView = {
  mode: "enabled" | "groups" | "disabled";
  allowedGroups: { id: string; name: string }[];
  capabilities: Record<Capability, boolean>;
  updatedAt: Date | null;
};

/** The organization's agent SCM-tools policy (the default when none was saved: enabled, every capability). */
export async function readAgentPolicy(opts: { db: DbOrTx; orgId: string }): Promise<AgentPolicyView> {
  const [row] = await opts.db.select().from(agentPolicies).where(eq(agentPolicies.orgId, opts.orgId));
  if (!row) return { mode: "enabled", allowedGroups: [], capabilities: { pull_requests: true, issues: true, review_comments: true }, updatedAt: null };
  const allowedGroups =
    row.allowedGroupIds.length > 0
      ? await opts.db
          .select({ id: groups.id, name: groups.name })
          .from(groups)
          .where(and(eq(groups.orgId, opts.orgId), inArray(groups.id, row.allowedGroupIds)))
      : [];
  return {
    mode: row.mode,
    allowedGroups,
    capabilities: { pull_requests: row.pullRequests, issues: row.issues, review_comments: row.reviewComments },
    updatedAt: row.updatedAt,
  };
}

/**
 * Whether the policy lets agents of `userId`'s environments use `capability`, and if not, which
 * typed code says why: `scm_tools_disabled` (off for everyone) or `scm_tools_not_allowed`
 * (restricted to groups the user is not in, or the capability switched off).
 */
export async function evaluateAgentPolicy(opts: { db: DbOrTx; orgId: string; userId: string; capability: Capability | null }): Promise<{ allowed: true } | { allowed: false; code: "scm_tools_disabled" | "scm_tools_not_allowed" }> {
  const policy = await readAgentPolicy(opts);
  if (policy.mode === "disabled") return { allowed: false, code: "scm_tools_disabled" };
  if (opts.capability && !policy.capabilities[opts.capability]) return { allowed: false, code: "scm_tools_not_allowed" };
  if (policy.mode === "groups") {
    const ids = policy.allowedGroups.map((g) => g.id);
    if (ids.length === 0) return { allowed: false, code: "scm_tools_not_allowed" };
    const [member] = await opts.db
      .select({ groupId: groupMembers.groupId })
      .from(groupMembers)
      .where(and(eq(groupMembers.userId, opts.userId), inArray(groupMembers.groupId, ids)))
      .limit(1);
    if (!member) return { allowed: false, code: "scm_tools_not_allowed" };
  }
  return { allowed: true };
}
