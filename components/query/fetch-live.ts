/** How many times a failed status request is asked again before its error shows. */
export const LIVE_RETRIES = 2;

/**
 * A status request that failed: `code` is the catalogue code the server answered (or
 * `internal_error` when it answered none, e.g. unreachable), `status` the HTTP status (0 when no
 * answer came).
 */
export class LiveRequestError extends Error {
  constructor(
    readonly code: string,
    readonly status: number,
  ) {
    super(code);
  }
}

/** Reads one GET status route as JSON; any other answer becomes a `LiveRequestError`. */
export async function fetchLive<T>(url: string, signal: AbortSignal): Promise<T> {
  let res: Response;
  try {
    res = await fetch(url, { signal, cache: "no-store" });
  } catch (e) {
    if (signal.aborted) throw e;
    throw new LiveRequestError("internal_error", 0);
  }
  const body = (await res.json().catch(() => null)) as (T & { error?: { code?: unknown } }) | null;
  if (!res.ok || body === null || typeof body !== "object") {
    const code = body && typeof body === "object" && typeof body.error?.code === "string" ? body.error.code : "internal_error";
    throw new LiveRequestError(code, res.status);
  }
  return body;
}

/**
 * Whether a failed status request is asked again: an answer that will not change by asking
 * (not found, forbidden, signed out) shows at once; no answer, a server error or a rate limit is
 * retried a few times first.
 */
export function retryTransient(failureCount: number, error: unknown): boolean {
  if (error instanceof LiveRequestError && error.status >= 400 && error.status < 500 && error.status !== 408 && error.status !== 429) return false;
  return failureCount < LIVE_RETRIES;
}
