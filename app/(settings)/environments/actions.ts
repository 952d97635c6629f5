"use server";

import { revalidatePath } from "next/cache";
import { getDb } from "@/db/client";
import { createAction } from "@/lib/actions/create-action";
import { createEnvironment } from "@/lib/environments/create-environment";
import { createEnvironmentSchema } from "@/lib/environments/schemas";
import { getEnv } from "@/lib/env";
import { workspaceRoles } from "@/lib/settings/sections";

/**
 * Creates an environment from a repository URL on a runner, or says which methods to offer when
 * the person has not connected an account for the repository's host on that runner yet.
 */
export const createEnvironmentAction = createAction({
  name: "environment.create",
  access: { roles: workspaceRoles("environments") },
  schema: createEnvironmentSchema,
  handler: async (input, actor) => {
    const outcome = await createEnvironment({ db: await getDb(), actor, runnerId: input.runnerId, repoUrl: input.repoUrl, branch: input.branch, allowLoopback: getEnv().allowLoopbackHosts });
    if (outcome.kind === "created") revalidatePath("/environments");
    return outcome;
  },
});
