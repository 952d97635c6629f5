"use server";

import { z } from "zod";
import { getDb } from "@/db/client";
import { createAction } from "@/lib/actions/create-action";
import { getSessionClaims, signIn, signOut } from "@/lib/auth/auth";
import { safeReturnTo } from "@/lib/auth/safe-return-to";
import { signInWithPassword } from "@/lib/auth/sign-in-with-password";
import { getEnv } from "@/lib/env";
import { AppError } from "@/lib/errors/app-error";
import { acceptInvitation } from "@/lib/members/accept-invitation";
import { completeSetup } from "@/lib/orgs/complete-setup";
import { endSessions } from "@/lib/users/end-sessions";
import { acceptInvitationSchema, setupSchema, signInSchema } from "@/lib/users/schemas";

export const signInAction = createAction({
  name: "auth.sign_in",
  access: "public",
  schema: signInSchema.extend({ returnTo: z.string().max(512).optional() }),
  handler: async (input) =>
    signInWithPassword({ email: input.email, password: input.password, redirectTo: safeReturnTo(input.returnTo) }),
});

export const setupAction = createAction({
  name: "org.setup",
  access: "public",
  schema: setupSchema,
  handler: async (input) => {
    await completeSetup({ db: await getDb(), ...input });
    return signInWithPassword({ email: input.email, password: input.password, redirectTo: "/settings/members" });
  },
});

export const acceptInvitationAction = createAction({
  name: "member.accept_invitation",
  access: "public",
  schema: acceptInvitationSchema,
  handler: async (input) => {
    const { email } = await acceptInvitation({ db: await getDb(), ...input });
    return signInWithPassword({ email, password: input.password, redirectTo: "/settings" });
  },
});

export const ssoSignInAction = createAction({
  name: "auth.sso",
  access: "public",
  schema: z.object({ returnTo: z.string().max(512).optional() }),
  handler: async (input) => {
    if (!getEnv().oidc) throw new AppError("not_found");
    await signIn("oidc", { redirectTo: safeReturnTo(input.returnTo) });
  },
});

/**
 * Signs out in every browser: the session version is bumped on the server, so a copy of this
 * cookie (or the cookie of another browser) stops working at once, then this browser's cookie is
 * cleared.
 */
export async function signOutAction(): Promise<void> {
  const claims = await getSessionClaims();
  if (claims) await endSessions({ db: await getDb(), userId: claims.userId, sessionVersion: claims.sessionVersion });
  await signOut({ redirectTo: "/login" });
}
