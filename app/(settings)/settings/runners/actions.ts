"use server";

import { revalidatePath } from "next/cache";
import { getDb } from "@/db/client";
import { createAction } from "@/lib/actions/create-action";
import { getEnv } from "@/lib/env";
import { createIntegration } from "@/lib/integrations/create-integration";
import { removeIntegration } from "@/lib/integrations/remove-integration";
import { createIntegrationSchema, integrationIdSchema, updateIntegrationSchema } from "@/lib/integrations/schemas";
import { updateIntegration } from "@/lib/integrations/update-integration";
import { createRunner } from "@/lib/runners/create-runner";
import { deleteRunner } from "@/lib/runners/delete-runner";
import { rotateRegistrationToken } from "@/lib/runners/rotate-registration-token";
import { createRunnerSchema, runnerIdSchema, setRunnerSharedUseSchema } from "@/lib/runners/schemas";
import { setRunnerSharedUse } from "@/lib/runners/set-runner-shared-use";

const admins = { roles: ["admin"] } as const;
const PATH = "/settings/runners";

export const createRunnerAction = createAction({
  name: "runner.create",
  access: admins,
  schema: createRunnerSchema,
  handler: async (input, actor) => {
    const result = await createRunner({ db: await getDb(), actor, name: input.name });
    revalidatePath(PATH);
    // The registration token is shown this once; only its hash is stored.
    return { runnerId: result.runnerId, name: input.name, registrationToken: result.registrationToken, expiresAt: result.expiresAt.toISOString() };
  },
});

export const rotateRegistrationTokenAction = createAction({
  name: "runner.registration_token_rotated",
  access: admins,
  schema: runnerIdSchema,
  handler: async (input, actor) => {
    const result = await rotateRegistrationToken({ db: await getDb(), actor, runnerId: input.runnerId });
    return { registrationToken: result.registrationToken, expiresAt: result.expiresAt.toISOString() };
  },
});

export const deleteRunnerAction = createAction({
  name: "runner.deleted",
  access: admins,
  schema: runnerIdSchema,
  handler: async (input, actor) => {
    const result = await deleteRunner({ db: await getDb(), actor, runnerId: input.runnerId });
    revalidatePath(PATH);
    return result;
  },
});

export const createIntegrationAction = createAction({
  name: "integration.create",
  access: admins,
  schema: createIntegrationSchema,
  handler: async (input, actor) => {
    const result = await createIntegration({ db: await getDb(), actor, input, allowLoopback: getEnv().allowLoopbackHosts });
    revalidatePath(PATH, "layout");
    return result;
  },
});

export const updateIntegrationAction = createAction({
  name: "integration.update",
  access: admins,
  schema: updateIntegrationSchema,
  handler: async (input, actor) => {
    const result = await updateIntegration({ db: await getDb(), actor, input, allowLoopback: getEnv().allowLoopbackHosts });
    revalidatePath(PATH, "layout");
    return result;
  },
});

export const removeIntegrationAction = createAction({
  name: "integration.remove",
  access: admins,
  schema: integrationIdSchema,
  handler: async (input, actor) => {
    const result = await removeIntegration({ db: await getDb(), actor, integrationId: input.integrationId });
    revalidatePath(PATH, "layout");
    return result;
  },
});

/** Allows or stops several people's environments on a runner that cannot isolate them (audited). */
export const setRunnerSharedUseAction = createAction({
  name: "runner.shared_use",
  access: admins,
  schema: setRunnerSharedUseSchema,
  handler: async (input, actor) => {
    const result = await setRunnerSharedUse({ db: await getDb(), actor, runnerId: input.runnerId, sharedUse: input.sharedUse });
    revalidatePath(PATH, "layout");
    return result;
  },
});
