import type { ScopeImplications } from "@/lib/providers";
import { ProviderError } from "./provider-error";

export type { ScopeImplications };

/** Every scope the granted ones amount to, following the provider's implications transitively. */
export function effectiveScopes(granted: readonly string[], implications: ScopeImplications): Set<string> {
  const out = new Set<string>();
  const stack = [...granted];
  while (stack.length > 0) {
    const scope = stack.pop()!;
    if (out.has(scope)) continue;
    out.add(scope);
    stack.push(...(implications[scope] ?? []));
  }
  return out;
}

/** The required scopes the granted ones do not cover, in the order they were required. */
export function missingScopes(granted: readonly string[], required: readonly string[], implications: ScopeImplications): string[] {
  const have = effectiveScopes(granted, implications);
  return [...new Set(required)].filter((scope) => !have.has(scope));
}

/** Splits a scope list as providers write it (comma- or space-separated). */
export function splitScopes(value: unknown): string[] {
  if (Array.isArray(value)) return value.filter((s): s is string => typeof s === "string" && s.length > 0);
  if (typeof value !== "string") return [];
  return [...new Set(value.split(/[\s,]+/).filter(Boolean))];
}

/** `pat_missing_scopes`, naming the missing scopes for the person and for the form's token field. */
export function missingScopesError(missing: string[], detail: { status?: number | null } = {}): ProviderError {
  const message = `The token is missing ${missing.length === 1 ? "the scope" : "these scopes"}: ${missing.join(", ")}.`;
  return new ProviderError("pat_missing_scopes", message, { fieldErrors: { token: [message] }, detail: { status: detail.status ?? null } });
}
