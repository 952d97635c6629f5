import type { RunnerKeyPair } from "@/lib/crypto/sealed-box";
import { PlaneError } from "../plane-client";
import type { CredentialPlane, NeedsReauthRequest } from "./credential-plane";
import { openCredential, REFRESH_WITHIN_MS, type OpenedCredential } from "./open-credential";

/** How long an opened credential is reused without asking the plane again. */
export const DEFAULT_CACHE_MS = 5_000;
/** Longest one shared fetch-open-refresh may take (it serves every caller waiting on it). */
const SHARED_TIMEOUT_MS = 30_000;

export type CredentialRequest = { userId: string; host: string };

/** A git request from inside an environment: the plane checks the environment and its owner each time. */
export type EnvironmentCredentialRequest = CredentialRequest & { environmentId: string; signal?: AbortSignal };

/**
 * The runner's one way to a user's usable credential, shared by the job handlers, the git
 * credential helper's server and the agent tools. `acquire` coalesces concurrent requests for the
 * same user and host into one fetch (and at most one refresh), and reuses the opened credential for
 * a few seconds: long enough for a burst of git requests, short enough that a disconnect takes
 * effect at once for all practical purposes. `forget` drops it (a disconnect, or git reporting
 * that the provider refused it); `clear` drops everything (shutdown). Nothing is written anywhere.
 */
export type CredentialBroker = {
  /** Resolves with the credential, or rejects with `CredentialError` / `ProviderError` (or `signal`'s reason). */
  acquire: (request: CredentialRequest & { signal?: AbortSignal }) => Promise<OpenedCredential>;
  /**
   * The owner's credential for git in an environment. Never served from the cache: every request
   * asks the plane, which refuses a deleted environment or a disabled owner at once
   * (`environment_deleted`, `environment_owner_disabled`). Concurrent requests share one fetch.
   */
  acquireForEnvironment: (request: EnvironmentCredentialRequest) => Promise<OpenedCredential>;
  forget: (request: CredentialRequest) => void;
  /**
   * The provider refused this credential (git or an API answered 401 with it): forgets it and marks
   * it at the plane as needing re-authentication, at its generation only (a newer one is untouched).
   */
  refused: (credential: OpenedCredential, reason: NeedsReauthRequest["reason"]) => Promise<void>;
  clear: () => void;
};

export type CredentialBrokerOptions = {
  plane: CredentialPlane;
  keys: RunnerKeyPair;
  runnerId: string;
  cacheMs?: number;
};

function keyOf(request: CredentialRequest): string {
  return `${request.userId}\n${request.host}`;
}

/** Rejects with the signal's reason as soon as it aborts, without cancelling the shared work. */
function unlessAborted<T>(work: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return work;
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
  });
}

/** Creates a broker for this runner (one per process, so its coalescing covers every caller). */
export function createCredentialBroker(opts: CredentialBrokerOptions): CredentialBroker {
  const cacheMs = opts.cacheMs ?? DEFAULT_CACHE_MS;
  const cache = new Map<string, { credential: OpenedCredential; until: number }>();
  const inflight = new Map<string, Promise<OpenedCredential>>();
  // Bumped by forget, so a fetch that was under way when the credential was forgotten is not cached.
  const epochs = new Map<string, number>();

  const cacheUntil = (credential: OpenedCredential) => {
    const limit = Date.now() + cacheMs;
    if (credential.expiresAt === null) return limit;
    return Math.min(limit, Date.parse(credential.expiresAt) - REFRESH_WITHIN_MS);
  };

  const forget = (request: CredentialRequest) => {
    const key = keyOf(request);
    cache.delete(key);
    epochs.set(key, (epochs.get(key) ?? 0) + 1);
  };

  /** The plane as `openCredential` sees it, answering from the environment's endpoint. */
  const environmentPlane = (environmentId: string): CredentialPlane => ({
    ...opts.plane,
    credential: (_userId, _host, signal) =>
      opts.plane.environmentCredential(environmentId, signal).catch((e: unknown) => {
        // Not one of this runner's environments (any more): not a matter of reconnecting.
        if (e instanceof PlaneError && e.code === "not_found") throw new PlaneError("environment_deleted", 410, "Environment deleted", "The management plane no longer knows this environment.");
        throw e;
      }),
  });

  return {
    acquireForEnvironment: (request) => {
      const key = `environment\n${request.environmentId}`;
      let work = inflight.get(key);
      if (!work) {
        work = openCredential({ plane: environmentPlane(request.environmentId), keys: opts.keys, runnerId: opts.runnerId, userId: request.userId, host: request.host, signal: AbortSignal.timeout(SHARED_TIMEOUT_MS) }).finally(() =>
          inflight.delete(key),
        );
        inflight.set(key, work);
      }
      return unlessAborted(work, request.signal);
    },
    acquire: (request) => {
      const key = keyOf(request);
      const hit = cache.get(key);
      if (hit && hit.until > Date.now()) return unlessAborted(Promise.resolve(hit.credential), request.signal);
      cache.delete(key);
      let work = inflight.get(key);
      if (!work) {
        const epoch = epochs.get(key) ?? 0;
        work = openCredential({ plane: opts.plane, keys: opts.keys, runnerId: opts.runnerId, userId: request.userId, host: request.host, signal: AbortSignal.timeout(SHARED_TIMEOUT_MS) })
          .then((credential) => {
            if ((epochs.get(key) ?? 0) === epoch) cache.set(key, { credential, until: cacheUntil(credential) });
            return credential;
          })
          .finally(() => inflight.delete(key));
        inflight.set(key, work);
      }
      return unlessAborted(work, request.signal);
    },
    forget,
    refused: async (credential, reason) => {
      forget(credential);
      await opts.plane.needsReauth(credential.id, { generation: credential.generation, reason }, AbortSignal.timeout(SHARED_TIMEOUT_MS)).catch(() => {});
    },
    clear: () => {
      for (const key of cache.keys()) epochs.set(key, (epochs.get(key) ?? 0) + 1);
      cache.clear();
    },
  };
}
