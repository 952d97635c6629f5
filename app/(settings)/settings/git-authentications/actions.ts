"use server";

import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { getDatabase, getDb } from "@/db/client";
import { createAction } from "@/lib/actions/create-action";
import { getEnv } from "@/lib/env";
import { connectWithPat } from "@/lib/git-auth/connect-with-pat";
import { disconnect } from "@/lib/git-auth/disconnect";
import { connectPatSchema, integrationIdSchema, startOAuthSchema } from "@/lib/git-auth/schemas";
import { startOAuth } from "@/lib/git-auth/start-oauth";
import { sectionRoles } from "@/lib/settings/sections";

const people = { roles: sectionRoles("git-authentications") } as const;
const PATH = "/settings/git-authentications";

/** Starts OAuth for one integration and sends the browser to the provider's consent page. */
export const startOAuthAction = createAction({
  name: "git_auth.oauth_started",
  access: people,
  schema: startOAuthSchema,
  handler: async (input, actor): Promise<never> => {
    const { authorizeUrl } = await startOAuth({ db: await getDb(), actor, integrationId: input.integrationId, returnTo: input.returnTo, publicBaseUrl: getEnv().PUBLIC_BASE_URL });
    redirect(authorizeUrl);
  },
});

/** Connects with a token the browser sealed to the runner; waits for the runner's validation. */
export const connectPatAction = createAction({
  name: "git_auth.pat_connect",
  access: people,
  schema: connectPatSchema,
  handler: async (input, actor) => {
    const result = await connectWithPat({ database: await getDatabase(), actor, integrationId: input.integrationId, patSealed: input.patSealed, username: input.username ?? null, repository: input.repository ?? null });
    revalidatePath(PATH);
    return result;
  },
});

/** Removes the person's credential for an integration's host and says what happened at the provider. */
export const disconnectAction = createAction({
  name: "git_auth.disconnect",
  access: people,
  schema: integrationIdSchema,
  handler: async (input, actor) => {
    const result = await disconnect({ database: await getDatabase(), actor, integrationId: input.integrationId });
    revalidatePath(PATH);
    return result;
  },
});
