import { getProvider } from "../providers";
import type { ProviderId } from "../providers/types";
import type { Deployment } from "./schemas";

/**
 * The host the browser names in the sealed client secret's context, normalized like the server
 * normalizes hosts (WHATWG URL parsing, lower case, no trailing dot, default ports dropped), so the
 * runner's context check matches the stored integration. The server compares the two and refuses
 * a mismatch, so a difference is an error the admin sees rather than a secret the runner rejects.
 * Returns null when the text is not a host at all (the server explains why).
 */
export function hostForSealing(provider: ProviderId, deployment: Deployment, rawHost: string): string | null {
  if (deployment === "cloud") return getProvider(provider).defaultHost;
  const raw = rawHost.trim();
  if (!raw) return null;
  try {
    const url = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(raw) ? raw : `https://${raw}`);
    const hostname = url.hostname.replace(/\.$/, "").toLowerCase();
    return url.port ? `${hostname}:${url.port}` : hostname;
  } catch {
    return null;
  }
}

/** The base URL the form shows links for (OAuth app registration, token creation) before saving. */
export function baseUrlForPreview(provider: ProviderId, deployment: Deployment, rawHost: string): string | null {
  if (deployment === "cloud") return `https://${getProvider(provider).defaultHost}`;
  const host = hostForSealing(provider, deployment, rawHost);
  if (!host) return null;
  return /^http:\/\//i.test(rawHost.trim()) ? `http://${host}` : `https://${host}`;
}
