import { getProvider, type IntegrationLocation, type ProviderId, type ScopeRequirement } from "../providers";

/** What the PAT form shows for one integration: the field's name, where to create a token, which scopes and why. */
export type PatInstructions = { label: string; creationUrl: string; scopes: ScopeRequirement[]; needsUsername: boolean };

/**
 * The PAT form's instructions, derived from the provider registry from ids alone, so pages pass
 * the browser a provider id and a location rather than every scope's reason for every row.
 * `patScopes` are the scopes the admin configured, when they differ from the provider's defaults.
 */
export function patInstructions(opts: { provider: ProviderId; location: IntegrationLocation; patScopes?: readonly string[] | null }): PatInstructions {
  const provider = getProvider(opts.provider);
  const scopeNames = opts.patScopes && opts.patScopes.length > 0 ? [...opts.patScopes] : provider.patScopes.map((p) => p.scope);
  return {
    label: provider.patLabel,
    creationUrl: provider.patCreationUrl(provider.endpoints(opts.location), scopeNames),
    scopes: scopeNames.map((scope) => provider.patScopes.find((p) => p.scope === scope) ?? { scope, reason: "Required by your organization's configuration." }),
    // Bitbucket API tokens authenticate with the account's email (see connectWithPat).
    needsUsername: provider.patUsername !== null,
  };
}

/**
 * The integration's configured PAT scopes when they differ from the provider's defaults, else null
 * (the form then uses the defaults from the registry).
 */
export function customPatScopes(provider: ProviderId, configured: readonly string[]): string[] | null {
  if (configured.length === 0) return null;
  const defaults = getProvider(provider).patScopes.map((p) => p.scope);
  return configured.length === defaults.length && configured.every((s, i) => s === defaults[i]) ? null : [...configured];
}
