import { z } from "zod";

export const runnerNameSchema = z
  .string()
  .trim()
  .min(1, "Enter a name")
  .max(60, "At most 60 characters")
  .regex(/^[\p{L}\p{N} ._-]+$/u, "Letters, digits, spaces, dots, dashes and underscores only");

export const createRunnerSchema = z.object({ name: runnerNameSchema });
export const runnerIdSchema = z.object({ runnerId: z.string().uuid("Unknown runner") });
