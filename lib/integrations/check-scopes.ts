import { AppError } from "../errors/app-error";
import { getProvider } from "../providers";
import type { ProviderId } from "../providers/types";

export type ScopeKind = "oauth" | "pat";

/** The scopes a provider knows for a method, with the reason for each (the registry's list). */
export function knownScopes(provider: ProviderId, kind: ScopeKind) {
  const definition = getProvider(provider);
  return kind === "oauth" ? definition.oauthScopes : definition.patScopes;
}

/**
 * Checks the scopes an admin chose against the provider's known scopes for that method, in the
 * registry's order, without duplicates. No choice (`null`) means `fallback` (the stored scopes on
 * update) or the registry's defaults; an empty choice for a method that is off also falls back to
 * the defaults, so turning the method on later starts from the recommended set.
 */
export function checkScopes(provider: ProviderId, kind: ScopeKind, chosen: string[] | null, fallback?: string[]): string[] {
  const known = knownScopes(provider, kind).map((s) => s.scope);
  if (chosen === null) return fallback && fallback.length > 0 ? fallback : known;
  const unknown = chosen.filter((s) => !known.includes(s));
  if (unknown.length > 0) {
    const field = kind === "oauth" ? "oauthScopes" : "patScopes";
    throw new AppError("validation_failed", { fieldErrors: { [field]: [`Not a scope this provider offers: ${unknown.slice(0, 3).join(", ")}`] } });
  }
  if (chosen.length === 0) return known;
  return known.filter((s) => chosen.includes(s));
}
