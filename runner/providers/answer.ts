/**
 * How the runner reads a provider's HTTP answer, the same way for PAT validation and OAuth
 * (`ProviderError`), Save & Test's probes and the agent tools (`ToolFailure`): each caller words
 * the outcome for its reader, but what counts as a rate limit, a server error or a non-API answer
 * is decided here once. A provider's own readings (GitHub's SAML header, GitLab's expired-token
 * description) live in its module.
 */

/** The part of an answer the readings need. */
export type AnswerHead = { status: number; headers: Headers };

/** Seconds to wait from `Retry-After` (seconds or an HTTP date) or a reset time (epoch seconds). */
export function retryAfterSeconds(headers: Headers, now = Date.now()): number | undefined {
  const retryAfter = headers.get("retry-after");
  if (retryAfter) {
    if (/^\d+$/.test(retryAfter.trim())) return Number(retryAfter.trim());
    const at = Date.parse(retryAfter);
    if (!Number.isNaN(at)) return Math.max(0, Math.ceil((at - now) / 1000));
  }
  const reset = headers.get("x-ratelimit-reset") ?? headers.get("ratelimit-reset");
  if (reset && /^\d+$/.test(reset.trim())) {
    const value = Number(reset.trim());
    // Small values are "seconds from now" (IETF RateLimit draft); large ones are epoch seconds.
    return value > 1_000_000_000 ? Math.max(0, value - Math.floor(now / 1000)) : value;
  }
  return undefined;
}

/**
 * A rate-limit answer: 429 anywhere, or 403 with an exhausted quota or a Retry-After (GitHub's
 * primary and secondary limits use 403).
 */
export function isRateLimited(answer: AnswerHead): boolean {
  if (answer.status === 429) return true;
  if (answer.status !== 403) return false;
  const remaining = answer.headers.get("x-ratelimit-remaining") ?? answer.headers.get("ratelimit-remaining");
  return remaining?.trim() === "0" || answer.headers.has("retry-after");
}

/** The provider failed, not the request: worth trying again later. */
export function isServerError(answer: AnswerHead): boolean {
  return answer.status >= 500;
}

/** A failure every provider's answers share. */
export type SharedFailure = { kind: "rate_limited"; retryAfterSeconds: number | undefined } | { kind: "server_error" };

/**
 * The failure every provider's answers share, or null when the answer needs the caller's or the
 * provider's own reading: a rate limit (with how long to wait, when the provider says) or a server
 * error. Rate limits come first: GitHub sends them as 403.
 */
export function sharedFailure(answer: AnswerHead): SharedFailure | null {
  if (isRateLimited(answer)) return { kind: "rate_limited", retryAfterSeconds: retryAfterSeconds(answer.headers) };
  if (isServerError(answer)) return { kind: "server_error" };
  return null;
}

/** A JSON object, or null (an array, a string, nothing). */
export function asObject(value: unknown): Record<string, unknown> | null {
  return value && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
}

/** The media type of a `Content-Type` (`text/html`), or "" when there is none. */
export function mediaType(contentType: string): string {
  return contentType.split(";")[0]?.trim() ?? "";
}
