import type { ErrorDescription } from "@/lib/errors/error-description";
import { internalError } from "@/lib/errors/internal-error";

/** How many times a failed status request is asked again before its error shows. */
export const LIVE_RETRIES = 2;

/**
 * A status request that failed: `code` is the catalogue code the server answered (or
 * `internal_error` when it answered none, e.g. unreachable) and `entry` its description (the
 * server's, see `errorBody`), `status` the HTTP status (0 when no answer came).
 */
export class LiveRequestError extends Error {
  constructor(
    readonly code: string,
    readonly status: number,
    readonly entry: ErrorDescription = internalError,
  ) {
    super(code);
  }
}

function isDescription(value: unknown): value is ErrorDescription {
  if (!value || typeof value !== "object") return false;
  const v = value as Record<string, unknown>;
  return typeof v.title === "string" && typeof v.explanation === "string" && typeof v.remedy === "string";
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
  const body = (await res.json().catch(() => null)) as (T & { error?: { code?: unknown; entry?: unknown } }) | null;
  if (!res.ok || body === null || typeof body !== "object") {
    const error = body && typeof body === "object" ? body.error : undefined;
    if (typeof error?.code === "string" && isDescription(error.entry)) throw new LiveRequestError(error.code, res.status, error.entry);
    throw new LiveRequestError("internal_error", res.status);
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
