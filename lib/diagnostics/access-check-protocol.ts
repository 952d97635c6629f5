import { z } from "zod";
import { integrationRefSchema } from "../git-auth/job-payloads";

export { accessStepIds, accessStepLabels, runnerAccessStepIds, type AccessStepId, type RunnerAccessStepId } from "./access-step-ids";
import { runnerAccessStepIds } from "./access-step-ids";

/** `access.check`: probe the user's credential and the repository from the runner. */
export const accessCheckPayloadSchema = z.object({
  integration: integrationRefSchema,
  userId: z.string().uuid(),
  repoUrl: z.string().url(),
  /** `owner/name` (GitLab `group/sub/name`, Azure DevOps `org/project/_git/name`). */
  repository: z.string().max(300),
  /** The scopes the credential's method needs (the integration's, or the provider's defaults). */
  requiredScopes: z.array(z.string().max(100)).max(50),
});
export type AccessCheckPayload = z.infer<typeof accessCheckPayloadSchema>;

/** One runner-side step's outcome. `note` is user-safe text written by the runner (no secret). */
export const runnerAccessStepSchema = z.object({
  id: z.enum(runnerAccessStepIds),
  ok: z.boolean(),
  code: z.string().max(64).nullable().optional(),
  note: z.string().max(500).nullable().optional(),
  durationMs: z.number().nonnegative().max(600_000).optional(),
  providerStatus: z.number().int().min(100).max(599).nullable().optional(),
  providerError: z.string().max(200).nullable().optional(),
});
export type RunnerAccessStep = z.infer<typeof runnerAccessStepSchema>;

export const accessCheckResultSchema = z.object({ steps: z.array(runnerAccessStepSchema).max(10) });
export type AccessCheckResult = z.infer<typeof accessCheckResultSchema>;
