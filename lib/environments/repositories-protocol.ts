import { z } from "zod";
import { integrationRefSchema } from "../git-auth/job-payloads";

/** Most repositories one listing returns (the providers' largest page). */
export const MAX_REPOSITORIES_LISTED = 100;

/**
 * `repositories.list` (the environment form's repository picker): the repositories the user's own
 * connection can see on the integration's host, asked of the provider by the runner with the
 * user's credential. `search` narrows by name where the provider can; `limit` bounds the answer.
 */
export const repositoriesListPayloadSchema = z.object({
  integration: integrationRefSchema,
  userId: z.string().uuid(),
  search: z.string().trim().max(100).nullable().default(null),
  limit: z.number().int().min(1).max(MAX_REPOSITORIES_LISTED).default(50),
});
export type RepositoriesListPayload = z.infer<typeof repositoriesListPayloadSchema>;

/** One repository as the picker shows it: what to display and the HTTPS URL to fill in. */
export const listedRepositorySchema = z.object({
  /** `owner/name` (GitLab: the namespace path; Azure DevOps: `project/name`). */
  fullName: z.string().min(1).max(300),
  webUrl: z.string().url(),
  /** The HTTPS clone URL, without a user name or token. */
  cloneUrl: z.string().url(),
  private: z.boolean(),
  defaultBranch: z.string().max(255).optional(),
});
export type ListedRepository = z.infer<typeof listedRepositorySchema>;

export const repositoriesListResultSchema = z.object({
  repositories: z.array(listedRepositorySchema).max(MAX_REPOSITORIES_LISTED),
  /** The provider has more than `limit` matching: the person narrows the search or types the URL. */
  truncated: z.boolean(),
});
export type RepositoriesListResult = z.infer<typeof repositoriesListResultSchema>;
