"use server";

import { headers } from "next/headers";
import { getDb } from "@/db/client";
import { createAction } from "@/lib/actions/create-action";
import { clientAddressFromHeaders } from "@/lib/auth/client-address";
import { signInWithPassword } from "@/lib/auth/sign-in-with-password";
import { resetPassword } from "@/lib/users/reset-password";
import { resetPasswordSchema } from "@/lib/users/schemas";

/** Sets a new password through an admin-issued reset link, then signs the person in with it. */
export const resetPasswordAction = createAction({
  name: "member.password_reset",
  access: "public",
  schema: resetPasswordSchema,
  handler: async (input) => {
    const client = clientAddressFromHeaders(await headers());
    const { email } = await resetPassword({ db: await getDb(), token: input.token, password: input.password, client });
    return signInWithPassword({ email, password: input.password, redirectTo: "/settings" });
  },
});
