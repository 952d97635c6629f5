"use server";

import { getDb } from "@/db/client";
import { createAction } from "@/lib/actions/create-action";
import { startAccessCheck } from "@/lib/diagnostics/check-access";
import { accessCheckInputSchema } from "@/lib/diagnostics/schemas";
import { getEnv } from "@/lib/env";
import { sectionRoles } from "@/lib/settings/sections";

/** Check access for a member and a repository (admins and support; it changes nothing). */
export const startAccessCheckAction = createAction({
  name: "diagnostics.access_check",
  access: { roles: sectionRoles("diagnostics") },
  schema: accessCheckInputSchema,
  handler: async (input, actor) => {
    const env = getEnv();
    const { runner, ...rest } = input;
    return startAccessCheck({ db: await getDb(), actor, input: { ...rest, runnerName: runner }, allowLoopback: env.allowLoopbackHosts, offlineAfterMs: env.RUNNER_OFFLINE_AFTER_SECONDS * 1000 });
  },
});

