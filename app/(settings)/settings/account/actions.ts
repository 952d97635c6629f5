"use server";

import { revalidatePath } from "next/cache";
import { getDb } from "@/db/client";
import { roles } from "@/db/schema";
import { createAction } from "@/lib/actions/create-action";
import { signInWithPassword } from "@/lib/auth/sign-in-with-password";
import { renameOrganization } from "@/lib/orgs/rename-organization";
import { changeOwnName } from "@/lib/users/change-own-name";
import { changeOwnPassword } from "@/lib/users/change-own-password";
import { changeNameSchema, changePasswordSchema, renameOrganizationSchema } from "@/lib/users/schemas";

const everyone = { roles } as const;

export const changeNameAction = createAction({
  name: "user.name_changed",
  access: everyone,
  schema: changeNameSchema,
  handler: async (input, actor) => {
    await changeOwnName({ db: await getDb(), actor, name: input.name });
    revalidatePath("/", "layout");
    return { name: input.name };
  },
});

/**
 * Changes the password, which ends every session of the user, then signs this browser in again
 * with the new password so the person who changed it stays signed in here.
 */
export const changePasswordAction = createAction({
  name: "user.password_changed",
  access: everyone,
  schema: changePasswordSchema,
  handler: async (input, actor) => {
    await changeOwnPassword({ db: await getDb(), actor, currentPassword: input.currentPassword, newPassword: input.newPassword });
    return signInWithPassword({ email: actor.email, password: input.newPassword, redirectTo: "/settings/account?password=changed" });
  },
});

export const renameOrganizationAction = createAction({
  name: "org.renamed",
  access: { roles: ["admin"] },
  schema: renameOrganizationSchema,
  handler: async (input, actor) => {
    await renameOrganization({ db: await getDb(), actor, name: input.name });
    revalidatePath("/", "layout");
    return { name: input.name };
  },
});
