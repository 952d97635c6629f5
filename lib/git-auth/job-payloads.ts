import { z } from "zod";
import { providerIds } from "../providers/types";

/**
 * Payloads and results of the jobs that connect, use and disconnect users' credentials. Every
 * secret in them is a sealed box for the runner; the runner checks each box's context.
 */
export const integrationRefSchema = z.object({
  integrationId: z.string().uuid(),
  provider: z.enum(providerIds),
  host: z.string(),
  baseUrl: z.string().url(),
  issuerUrl: z.string().url().nullable(),
  virtualDirectory: z.string().nullable(),
  /** The admin allowed this host to resolve to private network addresses (payloads written before it existed: no). */
  allowPrivateHosts: z.boolean().default(false),
  oauthClientId: z.string().nullable(),
  /** Sealed `oauth_client_secret` for this runner and host. */
  oauthClientSecretSealed: z.string().nullable(),
  patScopes: z.array(z.string()),
  oauthScopes: z.array(z.string()),
});
export type IntegrationRef = z.infer<typeof integrationRefSchema>;

/** `oauth.exchange`: trade the authorization code (sealed) for tokens, with the PKCE verifier (sealed). */
export const oauthExchangePayloadSchema = z.object({
  integration: integrationRefSchema,
  userId: z.string().uuid(),
  codeSealed: z.string(),
  verifierSealed: z.string(),
  redirectUri: z.string().url(),
  generation: z.number().int().min(1),
});
export type OAuthExchangePayload = z.infer<typeof oauthExchangePayloadSchema>;

/** `pat.validate`: check a personal access token (sealed in the browser) and re-seal it with its full context. */
export const patValidatePayloadSchema = z.object({
  integration: integrationRefSchema,
  userId: z.string().uuid(),
  patSealed: z.string(),
  /**
   * The account field of the PAT form, whose meaning depends on the provider: Bitbucket API tokens
   * are used with the Atlassian account's email; for Azure DevOps Services (dev.azure.com) it is
   * the organization the PAT was created for (`dev.azure.com/{organization}`), since a PAT only
   * works in its organization. Azure DevOps Server integrations are scoped by their virtual
   * directory instead, and GitHub and GitLab ignore it.
   */
  username: z.string().max(320).nullable(),
  /**
   * A repository (`owner/name`, as in its URL path) the token must reach, when one is known (the
   * first-environment prompt): catches GitHub SAML SSO and fine-grained tokens without access to it.
   */
  repository: z.string().max(300).nullable().optional(),
  generation: z.number().int().min(1),
});
export type PatValidatePayload = z.infer<typeof patValidatePayloadSchema>;

/**
 * `token.revoke`: revoke a disconnected credential at the provider, where the provider allows it,
 * or (`replaced`) one a reconnect replaced: then this token alone, never the authorization the new
 * token belongs to.
 */
export const tokenRevokePayloadSchema = z.object({
  integration: integrationRefSchema,
  userId: z.string().uuid(),
  source: z.enum(["oauth", "pat"]),
  tokenSealed: z.string(),
  refreshTokenSealed: z.string().nullable(),
  generation: z.number().int().min(1),
  replaced: z.boolean().optional(),
});
export type TokenRevokePayload = z.infer<typeof tokenRevokePayloadSchema>;

/** `environment.create`: clone a repository into a new environment with the owner's credentials. */
export const environmentCreatePayloadSchema = z.object({
  environmentId: z.string().uuid(),
  ownerId: z.string().uuid(),
  integration: integrationRefSchema,
  repoUrl: z.string().url(),
  repoPath: z.string(),
  branch: z.string().nullable(),
});
export type EnvironmentCreatePayload = z.infer<typeof environmentCreatePayloadSchema>;

/**
 * What `oauth.exchange` and `pat.validate` return: the credential sealed by the runner to its own
 * key (context: `access_token` / `refresh_token`, runner, integration, user, generation) and what
 * the provider said about it.
 */
export const credentialResultSchema = z.object({
  tokenSealed: z.string(),
  refreshTokenSealed: z.string().nullable(),
  keyId: z.string(),
  scopes: z.array(z.string()).max(100),
  subjectLogin: z.string().max(200),
  /**
   * `pat.validate`: the user name the PAT was validated with besides the token, where the provider's
   * API needs one (Bitbucket API tokens: the Atlassian account email), stored with the credential
   * so the runner can use it again; null or absent otherwise (and from runners that predate it).
   */
  patUsername: z.string().max(320).nullable().optional(),
  expiresAt: z.string().datetime().nullable(),
  generation: z.number().int().min(1),
});
export type CredentialResult = z.infer<typeof credentialResultSchema>;

export const tokenRevokeResultSchema = z.object({
  revoked: z.boolean(),
  /** Where the person revokes it by hand when the provider has no API for it. */
  manualUrl: z.string().url().nullable(),
});
export type TokenRevokeResult = z.infer<typeof tokenRevokeResultSchema>;

export const environmentCreateResultSchema = z.object({
  branch: z.string(),
  headSha: z.string(),
  /** Where the clone is on the runner's disk. */
  clonePath: z.string().max(4096).optional(),
  /** The OS user the environment runs as; null when the runner cannot isolate (its own user). */
  osUser: z.string().max(64).nullable().optional(),
});

/**
 * `environment.delete`: stop serving the environment (agent tools, credential socket), remove its
 * clone and its OS user. Idempotent: deleting what is already gone succeeds.
 */
export const environmentDeletePayloadSchema = z.object({
  environmentId: z.string().uuid(),
  ownerId: z.string().uuid(),
});
export type EnvironmentDeletePayload = z.infer<typeof environmentDeletePayloadSchema>;

/** What the runner API hands a runner when it needs a user's credential (GET /credentials). */
export type CredentialMessage = {
  id: string;
  userId: string;
  host: string;
  source: "oauth" | "pat";
  tokenSealed: string;
  refreshTokenSealed: string | null;
  keyId: string;
  scopes: string[];
  subjectLogin: string | null;
  /** The user name the PAT is used with at the provider's API (Bitbucket API tokens: the account email), when kept; absent from planes that predate it. */
  patUsername?: string | null;
  expiresAt: string | null;
  generation: number;
  integration: IntegrationRef;
};

/** POST /credentials/{id}/rotate: a refreshed credential, accepted only over the generation it replaces. */
export const rotateCredentialRequestSchema = z.object({
  expectedGeneration: z.number().int().min(1),
  tokenSealed: z.string().min(1).max(20_000),
  refreshTokenSealed: z.string().max(20_000).nullable(),
  expiresAt: z.string().datetime().nullable(),
  scopes: z.array(z.string()).max(100).optional(),
});

/** POST /credentials/{id}/needs-reauth: refreshing failed for good (revoked, expired refresh token). */
export const credentialNeedsReauthRequestSchema = z.object({
  generation: z.number().int().min(1),
  reason: z.enum(["refresh_failed", "revoked", "expired", "runner_key_rotated"]),
});
