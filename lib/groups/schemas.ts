import { z } from "zod";
import { emailSchema, nameSchema, uuidSchema } from "../users/schemas";

export const createGroupSchema = z.object({
  name: nameSchema,
  description: z.string().trim().max(500, "Description must be at most 500 characters").default(""),
});
export const groupIdSchema = z.object({ groupId: uuidSchema });
export const groupMemberSchema = z.object({ groupId: uuidSchema, userId: uuidSchema });
export const addGroupMemberSchema = z.object({ groupId: uuidSchema, email: emailSchema });
