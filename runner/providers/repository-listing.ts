import { listedRepositorySchema, type ListedRepository } from "@/lib/environments/repositories-protocol";
import type { RepositoryListing } from "./types";

/** A page of 100 repositories is larger than an identity answer: GitHub's run to ~6 KB each. */
export const LISTING_BODY_BYTES = 2 * 1024 * 1024;

/**
 * An HTTPS URL without its user part: Bitbucket and Azure DevOps put the account name in their
 * clone URLs (`https://user@bitbucket.org/...`), which the environment form refuses. Null when the
 * provider sent something that is not an http(s) URL.
 */
export function withoutUserInfo(value: unknown): string | null {
  if (typeof value !== "string") return null;
  try {
    const url = new URL(value);
    if (url.protocol !== "https:" && url.protocol !== "http:") return null;
    url.username = "";
    url.password = "";
    return url.toString();
  } catch {
    return null;
  }
}

/** Whether any of `names` contains the search text, case-insensitively (no search: all match). */
export function matchesSearch(search: string | null, ...names: unknown[]): boolean {
  const needle = search?.trim().toLowerCase();
  if (!needle) return true;
  return names.some((n) => typeof n === "string" && n.toLowerCase().includes(needle));
}

/** Keeps the entries that read as repositories (a provider's odd entry is skipped, not fatal). */
export function validRepositories(candidates: unknown[]): ListedRepository[] {
  return candidates.flatMap((c) => {
    const parsed = listedRepositorySchema.safeParse(c);
    return parsed.success ? [parsed.data] : [];
  });
}

/** At most `limit` of what was found; truncated when more were found or the provider has more. */
export function listing(found: ListedRepository[], limit: number, more: boolean): RepositoryListing {
  return { repositories: found.slice(0, limit), truncated: more || found.length > limit };
}
