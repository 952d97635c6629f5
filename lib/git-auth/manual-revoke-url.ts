import type { ProviderDefinition, ProviderEndpoints } from "../providers";

/**
 * Where a person revokes a credential by hand when the product cannot revoke it for them. For a
 * token: the provider's token page without its prefilled query, and without the trailing `/new`
 * of a creation form (GitHub lists tokens at `/settings/tokens`, creates them at
 * `/settings/tokens/new`). For OAuth: the provider's web UI, where authorized applications live.
 */
export function manualRevokeUrl(provider: ProviderDefinition, endpoints: ProviderEndpoints, source: "oauth" | "pat"): string {
  if (source === "oauth") return endpoints.webUrl;
  return provider.patCreationUrl(endpoints, []).split("?")[0]!.replace(/\/new\/?$/, "");
}

/**
 * Whether disconnecting revokes the token at the provider: only OAuth tokens, only where the
 * provider has a revocation API (GitHub, GitLab), and only with a client secret to call it with.
 * Takes whether a secret exists rather than the sealed column, so listings need not read it.
 */
export function revokesAtProvider(provider: ProviderDefinition, integration: { oauthEnabled: boolean; hasClientSecret: boolean }, source: "oauth" | "pat"): boolean {
  return source === "oauth" && provider.capabilities.revocation && integration.oauthEnabled && integration.hasClientSecret;
}
