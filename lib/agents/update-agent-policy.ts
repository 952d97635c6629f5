import { and, eq, inArray, sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { agentPolicies, groups } from "@/db/schema";
import { writeAudit } from "../audit/write-audit";
import { AppError } from "../errors/app-error";
import { assertRole, type Actor } from "../users/actor";
import { readAgentPolicy } from "./get-agent-policy";
import type { UpdateAgentPolicyInput } from "./schemas";

/**
 * Saves the agent SCM-tools policy (admins). Groups must belong to the organization. Runners ask
 * on every tool call, so the change applies at the next call of every running agent.
 */
export async function updateAgentPolicy(opts: { db: Db; actor: Actor; input: UpdateAgentPolicyInput }): Promise<void> {
  assertRole(opts.actor, "admin");
  const { input } = opts;
  const groupIds = input.mode === "groups" ? [...new Set(input.allowedGroupIds)] : [];
  await opts.db.transaction(async (tx) => {
    if (groupIds.length > 0) {
      const found = await tx.select({ id: groups.id }).from(groups).where(and(eq(groups.orgId, opts.actor.orgId), inArray(groups.id, groupIds)));
      if (found.length !== groupIds.length) throw new AppError("not_found", { fieldErrors: { allowedGroupIds: ["One of the groups does not exist"] } });
    }
    const before = await readAgentPolicy({ db: tx, orgId: opts.actor.orgId });
    const values = {
      mode: input.mode,
      allowedGroupIds: groupIds,
      pullRequests: input.pullRequests,
      issues: input.issues,
      reviewComments: input.reviewComments,
      updatedAt: sql`now()`,
      updatedBy: opts.actor.userId,
    };
    await tx.insert(agentPolicies).values({ orgId: opts.actor.orgId, ...values }).onConflictDoUpdate({ target: agentPolicies.orgId, set: values });
    await writeAudit(tx, opts.actor, {
      action: "agent_policy.updated",
      targetType: "agent_policy",
      targetId: opts.actor.orgId,
      targetLabel: "SCM tools policy",
      before: { mode: before.mode, allowedGroupIds: before.allowedGroups.map((g) => g.id), ...before.capabilities },
      after: { mode: input.mode, allowedGroupIds: groupIds, pull_requests: input.pullRequests, issues: input.issues, review_comments: input.reviewComments },
    });
  });
}
