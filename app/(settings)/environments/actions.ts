"use server";

import { revalidatePath } from "next/cache";
import { getDb } from "@/db/client";
import { createAction } from "@/lib/actions/create-action";
import { createEnvironment } from "@/lib/environments/create-environment";
import { deleteEnvironment } from "@/lib/environments/delete-environment";
import { createEnvironmentSchema, environmentIdSchema } from "@/lib/environments/schemas";
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

/**
 * Deletes an environment (its owner, or an admin): git and agent tools stop at once, and the
 * runner removes the clone and the environment's OS user. Nothing changes at the provider.
 */
export const deleteEnvironmentAction = createAction({
  name: "environment.delete",
  access: { roles: workspaceRoles("environments") },
  schema: environmentIdSchema,
  handler: async (input, actor) => {
    const result = await deleteEnvironment({ db: await getDb(), actor, environmentId: input.environmentId });
    revalidatePath("/environments", "layout");
    return result;
  },
});
