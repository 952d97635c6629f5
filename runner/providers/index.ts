import type { ProviderId } from "@/lib/providers";
import type { ScmBackend } from "../agent-tools/backend";
import type { ProviderProbe } from "../probes/types";
import { azureDevops } from "./azure-devops";
import { bitbucket } from "./bitbucket";
import { github } from "./github";
import { gitlab } from "./gitlab";
import type { ProviderClient, RunnerProvider } from "./types";

/**
 * The runner's providers, one module per provider id next to `lib/providers`' definitions: the
 * client the job handlers call (exchange codes, refresh, identify, validate PATs, revoke, git
 * credentials), Save & Test's probes, and the agent tools' backend.
 */
export const runnerProviders = {
  github,
  gitlab,
  bitbucket,
  azure_devops: azureDevops,
} satisfies Record<ProviderId, RunnerProvider>;

/** One field of every provider: the views below follow the registry, so a new provider needs no line in them. */
function pick<T>(field: (p: RunnerProvider) => T): Record<ProviderId, T> {
  return Object.fromEntries(Object.entries(runnerProviders).map(([id, p]) => [id, field(p)])) as Record<ProviderId, T>;
}

/** Each provider's credential client. */
export const providerClients: Record<ProviderId, ProviderClient> = pick((p) => p.client);

/** Each provider's Save & Test probes. */
export const providerProbes: Record<ProviderId, ProviderProbe> = pick((p) => p.probe);

/** The providers with agent tools; the others (null) answer `scm_tools_not_supported`. */
export const scmBackends: Record<ProviderId, ScmBackend | null> = pick((p) => p.agentTools);

/** The client for a provider id. */
export function getProviderClient(id: ProviderId): ProviderClient {
  return runnerProviders[id].client;
}

export { ProviderError, isProviderError, type ProviderErrorDetail } from "./provider-error";
export { withFreshCredential, type FreshCredentialOptions, type RefreshableCredential } from "./refresh-coordinator";
export type {
  AccountFields,
  AccountIntegration,
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
  RunnerProvider,
  ValidatePatOptions,
} from "./types";
