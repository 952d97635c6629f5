"use server";

import { z } from "zod";
import { getDb } from "@/db/client";
import { createAction } from "@/lib/actions/create-action";
import { signIn, signOut } from "@/lib/auth/auth";
import { safeReturnTo } from "@/lib/auth/safe-return-to";
import { signInWithPassword } from "@/lib/auth/sign-in-with-password";
import { getEnv } from "@/lib/env";
import { AppError } from "@/lib/errors/app-error";
import { acceptInvitation } from "@/lib/members/accept-invitation";
import { completeSetup } from "@/lib/orgs/complete-setup";
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

export async function signOutAction(): Promise<void> {
  await signOut({ redirectTo: "/login" });
}
