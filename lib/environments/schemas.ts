import { z } from "zod";

export const createEnvironmentSchema = z.object({
  runnerId: z.string().uuid("Choose a runner"),
  repoUrl: z.string().trim().min(1, "Enter the repository URL").max(2048, "At most 2048 characters"),
  branch: z
    .string()
    .trim()
    .max(255)
    .regex(/^(?!-)(?!.*\.\.)[\w./-]*$/, "Not a valid branch name")
    .optional()
    .transform((v) => (v ? v : undefined)),
});

export const environmentIdSchema = z.object({ environmentId: z.uuid("Unknown environment") });
