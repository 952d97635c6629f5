"use server";

import { revalidatePath } from "next/cache";
import { getDb } from "@/db/client";
import { createAction } from "@/lib/actions/create-action";
import { updateAgentPolicySchema } from "@/lib/agents/schemas";
import { updateAgentPolicy } from "@/lib/agents/update-agent-policy";

/** Saves the SCM-tools policy; runners read it on every tool call, so nothing else needs telling. */
export const updateAgentPolicyAction = createAction({
  name: "agent_policy.updated",
  access: { roles: ["admin"] },
  schema: updateAgentPolicySchema,
  handler: async (input, actor) => {
    await updateAgentPolicy({ db: await getDb(), actor, input });
    revalidatePath("/settings/agents");
    return null;
  },
});
