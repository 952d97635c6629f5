import { z } from "zod";

export const runnerNameSchema = z
  .string()
  .trim()
  .min(1, "Enter a name")
  .max(60, "At most 60 characters")
  .regex(/^[\p{L}\p{N} ._-]+$/u, "Letters, digits, spaces, dots, dashes and underscores only");

export const createRunnerSchema = z.object({ name: runnerNameSchema });
export const runnerIdSchema = z.object({ runnerId: z.string().uuid("Unknown runner") });

/** Settings > Runners' URL: `?q=` searches runner names, `?page=` picks a page of 50. */
export const listRunnersSchema = z.object({
  q: z.string().trim().max(100).optional(),
  page: z.coerce.number().int().min(1).max(100_000).default(1),
});

/** The most runners one status poll may ask about: a page shows 50. */
export const MAX_STATUS_RUNNER_IDS = 100;

/** The status poll's `?ids=` (comma-separated runner ids): the runners the open page shows. */
export const runnerStatusQuerySchema = z.object({
  ids: z
    .string()
    .max(MAX_STATUS_RUNNER_IDS * 37)
    .transform((s) => [...new Set(s.split(",").map((id) => id.trim()).filter(Boolean))])
    .pipe(z.array(z.uuid("Not a runner id")).max(MAX_STATUS_RUNNER_IDS, `At most ${MAX_STATUS_RUNNER_IDS} runners`)),
});

/** Settings > Runners > a runner: shared use of a runner that cannot isolate its environments. */
export const setRunnerSharedUseSchema = z.object({
  runnerId: z.uuid("Unknown runner"),
  sharedUse: z.union([z.boolean(), z.enum(["true", "false"]).transform((v) => v === "true")]),
});
