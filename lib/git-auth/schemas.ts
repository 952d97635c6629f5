import { z } from "zod";

/** Actions on one integration of the person's organization (disconnect). */
export const integrationIdSchema = z.object({ integrationId: z.string().uuid("Unknown integration") });

/** Starting OAuth: which integration, and where to come back to (checked again by `safeReturnTo`). */
export const startOAuthSchema = z.object({
  integrationId: z.string().uuid("Unknown integration"),
  returnTo: z.string().max(512).optional(),
});

/**
 * Connecting with a PAT. The browser sends only the sealed box (`sbx1.…`), never the token; the
 * plane checks the key id before anything is enqueued. Bitbucket API tokens come with an email.
 */
export const connectPatSchema = z.object({
  integrationId: z.string().uuid("Unknown integration"),
  patSealed: z.string().min(1, "Enter the token").max(16_000),
  username: z
    .string()
    .trim()
    .max(320)
    .optional()
    .transform((v) => (v ? v : undefined))
    .pipe(z.string().email("Enter the email address of your Atlassian account").optional()),
  /** The repository about to be used (`owner/name`), when connecting for one: the runner checks the token reaches it. */
  repository: z.string().trim().min(1).max(300).optional(),
});

/** Settings > Git Authentications' query: a search on host, provider or runner name, and the page. */
export const listGitAuthenticationsSchema = z.object({
  q: z.string().trim().max(100).optional(),
  page: z.coerce.number().int().min(1).max(100_000).default(1),
});
