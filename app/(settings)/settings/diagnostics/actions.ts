"use server";

import { redirect } from "next/navigation";
import { getDb } from "@/db/client";
import { createAction } from "@/lib/actions/create-action";
import { startAccessCheck } from "@/lib/diagnostics/check-access";
import { accessCheckInputSchema, switchToOAuthSchema } from "@/lib/diagnostics/schemas";
import { getEnv } from "@/lib/env";
import { startOAuth } from "@/lib/git-auth/start-oauth";
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

/**
 * The "Switch to OAuth" remedy: starts the OAuth connection for the signed-in person's own account
 * on that integration and sends the browser to the provider. Only people who have connections
 * (admins and members) can; support staff are told what the person should click instead.
 */
export const switchToOAuthAction = createAction({
  name: "diagnostics.switch_to_oauth",
  access: { roles: ["admin", "member"] },
  schema: switchToOAuthSchema,
  handler: async (input, actor): Promise<never> => {
    const { authorizeUrl } = await startOAuth({ db: await getDb(), actor, integrationId: input.integrationId, returnTo: "/settings/git-authentications", publicBaseUrl: getEnv().PUBLIC_BASE_URL });
    redirect(authorizeUrl);
  },
});
