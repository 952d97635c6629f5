"use server";

import { getDb } from "@/db/client";
import { createAction } from "@/lib/actions/create-action";
import { startAccessCheck } from "@/lib/diagnostics/check-access";
import { accessCheckInputSchema } from "@/lib/diagnostics/schemas";
import { getEnv } from "@/lib/env";
import { describeCodes } from "@/lib/errors/catalogue";
import { sectionRoles } from "@/lib/settings/sections";

/**
 * Check access for a member and a repository (admins and support; it changes nothing), with the
 * descriptions of the failed steps' codes for the panel.
 */
export const startAccessCheckAction = createAction({
  name: "diagnostics.access_check",
  access: { roles: sectionRoles("diagnostics") },
  schema: accessCheckInputSchema,
  handler: async (input, actor) => {
    const env = getEnv();
    const { runner, ...rest } = input;
    const view = await startAccessCheck({ db: await getDb(), actor, input: { ...rest, runnerName: runner }, allowLoopback: env.allowLoopbackHosts, offlineAfterMs: env.RUNNER_OFFLINE_AFTER_SECONDS * 1000 });
    return { ...view, errors: describeCodes(view.steps.map((s) => s.code)) };
  },
});

