import { azureDevops } from "./azure-devops";
import { bitbucket } from "./bitbucket";
import { github } from "./github";
import { gitlab } from "./gitlab";
import { providerIds, type ProviderDefinition, type ProviderId } from "./types";

/** The provider registry: one definition per provider id. */
export const providers = {
  github,
  gitlab,
  bitbucket,
  azure_devops: azureDevops,
} satisfies Record<ProviderId, ProviderDefinition>;

export function getProvider(id: ProviderId): ProviderDefinition {
  return providers[id];
}

export function isProviderId(value: unknown): value is ProviderId {
  return typeof value === "string" && (providerIds as readonly string[]).includes(value);
}

export { providerIds };
export type { IntegrationLocation, PatUsernameField, ProviderDefinition, ProviderEndpoints, ProviderId, ScopeImplications, ScopeRequirement } from "./types";
