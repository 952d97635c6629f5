import type { ProviderId } from "@/lib/providers";
import { azureDevopsClient } from "./azure-devops";
import { bitbucketClient } from "./bitbucket";
import { githubClient } from "./github";
import { gitlabClient } from "./gitlab";
import type { ProviderClient } from "./types";

/**
 * The runner's provider clients: what the job handlers call to exchange codes, refresh, identify,
 * validate PATs and revoke. One client per provider id, next to `lib/providers`' definitions.
 */
export const providerClients = {
  github: githubClient,
  gitlab: gitlabClient,
  bitbucket: bitbucketClient,
  azure_devops: azureDevopsClient,
} satisfies Record<ProviderId, ProviderClient>;

/** The client for a provider id. */
export function getProviderClient(id: ProviderId): ProviderClient {
  return providerClients[id];
}

export { ProviderError, isProviderError, type ProviderErrorDetail } from "./provider-error";
export { withFreshCredential, type FreshCredentialOptions, type RefreshableCredential } from "./refresh-coordinator";
export type {
  CallOptions,
  ClientEndpoints,
  CredentialSource,
  ExchangeCodeOptions,
  GitCredentials,
  Identity,
  IdentifyOptions,
  OAuthTokens,
  ProviderClient,
  RefreshedTokens,
  RefreshTokenOptions,
  RevokeResult,
  RevokeTokenOptions,
  ValidatePatOptions,
} from "./types";
