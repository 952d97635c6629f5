import type { DbOrTx } from "@/db/client";
import type { Actor } from "../users/actor";
import { capabilities, type Capability } from "./capabilities";
import { decideAgentPolicy, isInAllowedGroup, readAgentPolicy, type AgentPolicyDecision, type AgentPolicyView } from "./get-agent-policy";

export type AgentPolicyForUser = {
  mode: AgentPolicyView["mode"];
  updatedAt: Date | null;
  /** The groups the tools are restricted to (mode "groups"), so a member knows whom to ask to join. */
  allowedGroupNames: string[];
  inAllowedGroup: boolean;
  /** The decision the runner would get right now for each capability of the actor's environments. */
  decisions: Record<Capability, AgentPolicyDecision>;
};

/**
 * The policy as it applies to the actor's own environments, decided exactly as tool calls are
 * (`decideAgentPolicy`), for the read-only view members get.
 */
export async function getAgentPolicyForUser(opts: { db: DbOrTx; actor: Actor }): Promise<AgentPolicyForUser> {
  const policy = await readAgentPolicy({ db: opts.db, orgId: opts.actor.orgId });
  const inAllowedGroup = policy.mode === "groups" ? await isInAllowedGroup({ db: opts.db, userId: opts.actor.userId, policy }) : false;
  const decisions = Object.fromEntries(capabilities.map((c) => [c, decideAgentPolicy(policy, inAllowedGroup, c)])) as Record<Capability, AgentPolicyDecision>;
  return {
    mode: policy.mode,
    updatedAt: policy.updatedAt,
    allowedGroupNames: policy.allowedGroups.map((g) => g.name).sort((a, b) => a.localeCompare(b)),
    inAllowedGroup,
    decisions,
  };
}
