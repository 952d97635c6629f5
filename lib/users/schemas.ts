import { z } from "zod";
import { roles } from "@/db/schema";
import { PASSWORD_MAX, PASSWORD_MIN } from "../passwords/limits";

export const emailSchema = z
  .string()
  .trim()
  .toLowerCase()
  .max(254, "Email is too long")
  .pipe(z.email("Enter a valid email address"));

export const nameSchema = z
  .string()
  .trim()
  .min(1, "Enter a name")
  .max(100, "Name must be at most 100 characters")
  .refine((v) => !/[\u0000-\u001f\u007f]/.test(v), "Name contains invalid characters");

export const passwordSchema = z
  .string()
  .min(PASSWORD_MIN, `Password must be at least ${PASSWORD_MIN} characters`)
  .max(PASSWORD_MAX, `Password must be at most ${PASSWORD_MAX} characters`);

export const roleSchema = z.enum(roles, "Choose a role: admin, member or support");

export const uuidSchema = z.uuid("Unknown id");

export const setupSchema = z.object({
  orgName: nameSchema,
  name: nameSchema,
  email: emailSchema,
  password: passwordSchema,
});

export const signInSchema = z.object({
  email: emailSchema,
  password: z.string().min(1, "Enter your password").max(PASSWORD_MAX, "Password is too long"),
});

export const addMemberSchema = z.object({ email: emailSchema, name: nameSchema, role: roleSchema });
export const changeRoleSchema = z.object({ userId: uuidSchema, role: roleSchema });
export const userIdSchema = z.object({ userId: uuidSchema });
export const setDisabledSchema = z.object({
  userId: uuidSchema,
  disabled: z.enum(["true", "false"]).transform((v) => v === "true"),
});
export const acceptInvitationSchema = z.object({
  token: z.string().min(20).max(200),
  name: nameSchema,
  password: passwordSchema,
});
export const listMembersSchema = z.object({
  q: z.string().trim().max(100).optional(),
  page: z.coerce.number().int().min(1).max(100_000).default(1),
});

export const changeNameSchema = z.object({ name: nameSchema });
export const changePasswordSchema = z.object({
  currentPassword: z.string().min(1, "Enter your current password").max(PASSWORD_MAX, "Password is too long"),
  newPassword: passwordSchema,
});
/** Password reset tokens are 43 base64url characters; anything far off is refused before a lookup. */
export const resetTokenSchema = z.string().min(20, "Unknown link").max(200, "Unknown link");
export const resetPasswordSchema = z.object({ token: resetTokenSchema, password: passwordSchema });
export const renameOrganizationSchema = z.object({ name: nameSchema });
