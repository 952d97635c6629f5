import { createHash } from "node:crypto";
import { ProviderError } from "./provider-error";

/** The part of a stored credential the coordinator reads. */
export type RefreshableCredential = {
  accessToken: string;
  refreshToken: string | null;
  /** When the access token expires (ISO time, Date or epoch ms); null = it does not. */
  expiresAt: string | Date | number | null;
};

export type FreshCredentialOptions = {
  /** Records that the credential needs re-authentication; called once per refused refresh token. */
  markNeedsReauth: (error: ProviderError) => Promise<void>;
  /** Refresh when the access token expires within this long (default 5 minutes). */
  refreshWithinMs?: number;
  /** Attempts at a transient failure, the first one included (default 3). */
  maxAttempts?: number;
  /** Pause before attempt `n + 1` (default 250 ms doubling, with jitter). */
  backoffMs?: (attempt: number) => number;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
};

const DEFAULT_REFRESH_WITHIN_MS = 5 * 60_000;

/** Refreshes in flight, by credential id: concurrent callers share one. */
const inflight = new Map<string, Promise<RefreshableCredential>>();
/**
 * The refresh token (by hash; the access token when there is none) found dead for good, by
 * credential id, so it is reported once and not tried again.
 */
const refused = new Map<string, string>();

function expiryMs(value: RefreshableCredential["expiresAt"]): number | null {
  if (value === null) return null;
  const ms = value instanceof Date ? value.getTime() : typeof value === "number" ? value : Date.parse(value);
  return Number.isNaN(ms) ? null : ms;
}

function fingerprint(refreshToken: string): string {
  return createHash("sha256").update(refreshToken).digest("hex");
}

function defaultBackoff(attempt: number): number {
  return 250 * 2 ** (attempt - 1) * (0.8 + Math.random() * 0.4);
}

function reauthError(cause?: ProviderError): ProviderError {
  return new ProviderError("credential_needs_reauth", "The provider no longer accepts this connection's refresh token; reconnect the account.", {
    detail: cause?.detail,
  });
}

function isRetryable(e: unknown): boolean {
  return (e as { retryable?: unknown } | null)?.retryable === true;
}

/** Longest provider-requested wait the coordinator sits out itself; past it the caller retries later. */
const MAX_IN_PROCESS_WAIT_MS = 5_000;

function requestedWaitMs(e: unknown): number {
  const seconds = e instanceof ProviderError ? e.detail.retryAfterSeconds : undefined;
  return seconds === undefined ? 0 : seconds * 1000;
}

function codeOf(e: unknown): unknown {
  return (e as { code?: unknown } | null)?.code;
}

/**
 * Hands out a credential whose access token is good for at least `refreshWithinMs`, refreshing it
 * first when needed. Within this process there is one refresh at a time per credential: callers
 * arriving meanwhile wait for the same one. The refreshed credential is saved (`saveFn`) before
 * anyone gets it, so a rotated refresh token is never lost. Transient failures (network, 5xx,
 * rate limits) are retried with backoff; a refresh token the provider refuses for good
 * (`credential_needs_reauth`) is reported once through `markNeedsReauth`, and every later call
 * with that same refresh token fails at once without asking the provider again. Other failures
 * (a wrong OAuth client secret, say) are thrown as they are: reconnecting would not fix them.
 */
export function withFreshCredential<T extends RefreshableCredential>(
  credentialId: string,
  loadFn: () => Promise<T>,
  refreshFn: (current: T) => Promise<T>,
  saveFn: (refreshed: T, previous: T) => Promise<void>,
  options: FreshCredentialOptions,
): Promise<T> {
  const running = inflight.get(credentialId);
  if (running) return running as Promise<T>;
  const work = ensureFresh(credentialId, loadFn, refreshFn, saveFn, options).finally(() => inflight.delete(credentialId));
  inflight.set(credentialId, work);
  return work;
}

async function ensureFresh<T extends RefreshableCredential>(
  credentialId: string,
  loadFn: () => Promise<T>,
  refreshFn: (current: T) => Promise<T>,
  saveFn: (refreshed: T, previous: T) => Promise<void>,
  options: FreshCredentialOptions,
): Promise<T> {
  const now = options.now ?? Date.now;
  const within = options.refreshWithinMs ?? DEFAULT_REFRESH_WITHIN_MS;
  const stale = (c: T) => {
    const expires = expiryMs(c.expiresAt);
    return expires !== null && expires - now() <= within;
  };
  const current = await loadFn();
  if (!stale(current)) return current;
  const print = fingerprint(current.refreshToken ?? `access:${current.accessToken}`);
  if (refused.get(credentialId) === print) throw reauthError();
  if (!current.refreshToken) {
    // Nothing to refresh with: usable until it expires, then only a new authorization helps.
    const expires = expiryMs(current.expiresAt);
    if (expires !== null && expires > now()) return current;
    const error = reauthError();
    await options.markNeedsReauth(error);
    refused.set(credentialId, print);
    throw error;
  }

  const refreshed = await withRetries(() => refreshFn(current), options).catch(async (e: unknown) => {
    if (!(e instanceof ProviderError) || e.code !== "credential_needs_reauth") throw e;
    await options.markNeedsReauth(e);
    refused.set(credentialId, print);
    throw reauthError(e);
  });
  refused.delete(credentialId);
  try {
    await withRetries(() => saveFn(refreshed, current), options);
  } catch (e) {
    // Another refresh (another process) saved first: its credential is the one to use.
    if (codeOf(e) !== "credential_generation_conflict") throw e;
    const latest = await loadFn();
    if (stale(latest)) throw e;
    return latest;
  }
  return refreshed;
}

async function withRetries<R>(fn: () => Promise<R>, options: FreshCredentialOptions): Promise<R> {
  const attempts = Math.max(1, options.maxAttempts ?? 3);
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const backoff = options.backoffMs ?? defaultBackoff;
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (e) {
      const wait = requestedWaitMs(e);
      if (!isRetryable(e) || attempt >= attempts || wait > MAX_IN_PROCESS_WAIT_MS) throw e;
      await sleep(Math.max(backoff(attempt), wait));
    }
  }
}
