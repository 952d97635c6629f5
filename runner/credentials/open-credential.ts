import { openSealed, SealError, type RunnerKeyPair } from "@/lib/crypto/sealed-box";
import { isErrorCode } from "@/lib/errors/catalogue";
import type { CredentialMessage, IntegrationRef } from "@/lib/git-auth/job-payloads";
import { PlaneError, PlaneUnreachableError } from "../plane-client";
import { getProviderClient, ProviderError, withFreshCredential, type ClientEndpoints, type CredentialSource } from "../providers";
import { CredentialError, reconnectError } from "./credential-error";
import type { CredentialPlane } from "./credential-plane";
import { endpointsFor } from "./endpoints";
import { openTokens, sealTokens } from "./token-boxes";

/** Refresh an OAuth token when it expires within this long (the coordinator's default, said here so callers can cache up to it). */
export const REFRESH_WITHIN_MS = 5 * 60_000;

/** A user's credential for a host, opened in memory: hold it briefly, never write it anywhere. */
export type OpenedCredential = {
  id: string;
  userId: string;
  host: string;
  source: CredentialSource;
  generation: number;
  accessToken: string;
  refreshToken: string | null;
  /** ISO time; null when the token does not expire. */
  expiresAt: string | null;
  scopes: string[];
  /** The provider login it belongs to, as recorded when it was connected. */
  login: string | null;
  /**
   * The user name a PAT is used with at the provider's API besides the token (Bitbucket API
   * tokens: the Atlassian account email), as given when it was connected; null for OAuth, for
   * providers that need none, and for connections made before it was kept.
   */
  patUsername: string | null;
  integration: IntegrationRef;
  endpoints: ClientEndpoints;
};

export type OpenCredentialOptions = {
  plane: CredentialPlane;
  keys: RunnerKeyPair;
  runnerId: string;
  userId: string;
  host: string;
  /** Bounds the plane and provider calls. */
  signal: AbortSignal;
  refreshWithinMs?: number;
};

function expiring(expiresAt: string | null, withinMs: number): boolean {
  return expiresAt !== null && Date.parse(expiresAt) - Date.now() <= withinMs;
}

/** A plane failure as a credential failure; `credential_generation_conflict` passes through for the coordinator. */
function planeFailure(e: unknown, host: string): unknown {
  if (e instanceof PlaneUnreachableError) {
    return new CredentialError("runner_offline", "The runner cannot reach the management plane to fetch the credential; try again shortly.", { retryable: true, cause: e });
  }
  if (e instanceof PlaneError) {
    if (e.code === "credential_generation_conflict") return e;
    if (e.code === "credential_needs_reauth" || e.code === "not_found") return reconnectError(host);
    return new CredentialError(isErrorCode(e.code) ? e.code : "internal_error", e.message || e.title, { cause: e });
  }
  return e;
}

async function fetchMessage(opts: OpenCredentialOptions): Promise<CredentialMessage> {
  try {
    const message = await opts.plane.credential(opts.userId, opts.host, opts.signal);
    // The plane answers for exactly what was asked; anything else is not this user's credential.
    if (message.userId !== opts.userId || message.host !== opts.host) throw reconnectError(opts.host);
    return message;
  } catch (e) {
    throw planeFailure(e, opts.host);
  }
}

async function openMessage(opts: OpenCredentialOptions, message: CredentialMessage): Promise<OpenedCredential> {
  const owner = { runnerId: opts.runnerId, integrationId: message.integration.integrationId, userId: opts.userId, generation: message.generation };
  try {
    const tokens = await openTokens(opts.keys, owner, message);
    return {
      id: message.id,
      userId: message.userId,
      host: message.host,
      source: message.source,
      generation: message.generation,
      ...tokens,
      expiresAt: message.expiresAt,
      scopes: message.scopes,
      login: message.subjectLogin,
      patUsername: message.patUsername ?? null,
      integration: message.integration,
      endpoints: endpointsFor(message.integration),
    };
  } catch (e) {
    if (!(e instanceof SealError)) throw e;
    if (e.reason === "wrong_key") {
      // Sealed to a key this runner no longer has (it registered again): only a new connection helps.
      await opts.plane.needsReauth(message.id, { generation: message.generation, reason: "runner_key_rotated" }, opts.signal).catch(() => {});
    }
    throw reconnectError(opts.host);
  }
}

async function refresh(opts: OpenCredentialOptions, current: OpenedCredential): Promise<OpenedCredential> {
  const { integration } = current;
  if (!current.refreshToken || !integration.oauthClientId || !integration.oauthClientSecretSealed) throw reconnectError(opts.host);
  let clientSecret: string;
  try {
    clientSecret = (await openSealed(opts.keys, integration.oauthClientSecretSealed, { purpose: "oauth_client_secret", runnerId: opts.runnerId, host: integration.host })).value;
  } catch (e) {
    if (!(e instanceof SealError)) throw e;
    throw new CredentialError("oauth_client_invalid", `This runner cannot open the OAuth client secret for ${integration.host}: an admin must enter it again in Settings > Runners.`);
  }
  const tokens = await getProviderClient(integration.provider).refreshToken({
    endpoints: current.endpoints,
    clientId: integration.oauthClientId,
    clientSecret,
    refreshToken: current.refreshToken,
    scopes: integration.oauthScopes,
    signal: opts.signal,
  });
  return { ...current, accessToken: tokens.accessToken, refreshToken: tokens.refreshToken, expiresAt: tokens.expiresAt, scopes: tokens.scopes.length > 0 ? tokens.scopes : current.scopes };
}

/** Saves the refreshed tokens over the generation they replace, before anyone uses them. */
async function save(opts: OpenCredentialOptions, next: OpenedCredential, previous: OpenedCredential): Promise<void> {
  const generation = previous.generation + 1;
  const sealed = await sealTokens(opts.keys, { runnerId: opts.runnerId, integrationId: previous.integration.integrationId, userId: opts.userId, generation }, next);
  try {
    const saved = await opts.plane.rotate(
      previous.id,
      { expectedGeneration: previous.generation, tokenSealed: sealed.tokenSealed, refreshTokenSealed: sealed.refreshTokenSealed, expiresAt: next.expiresAt, scopes: next.scopes },
      opts.signal,
    );
    next.generation = saved.generation;
  } catch (e) {
    throw planeFailure(e, opts.host);
  }
}

/**
 * Fetches a user's sealed credential for a host from the management plane, opens it with this
 * runner's key (each box must be sealed for this runner, integration, user and generation) and,
 * when an OAuth token expires within `refreshWithinMs`, refreshes it first through the
 * single-flight coordinator (`withFreshCredential`): one refresh at a time per credential in this
 * process, the rotated tokens saved at the plane (`POST /credentials/{id}/rotate`, compare-and-swap
 * on the generation) before they are used, transient failures retried, and a refresh token the
 * provider refuses for good reported once (`POST /credentials/{id}/needs-reauth`).
 *
 * Throws `CredentialError` (`credential_needs_reauth`, `oauth_client_invalid`, `runner_offline`,
 * ...) or, from the provider, `ProviderError`; both carry a catalogue code and `retryable`.
 * Callers that may run concurrently should go through a `CredentialBroker`, which also coalesces
 * the fetch.
 */
export async function openCredential(opts: OpenCredentialOptions): Promise<OpenedCredential> {
  try {
    return await openOnce(opts);
  } catch (e) {
    // Another process (the agent tools' CLI, say) refreshed first and the provider then refused
    // the refresh token it had rotated away: the plane holds the newer credential, so use that.
    if (e instanceof RotatedElsewhere) return openOnce(opts);
    throw e;
  }
}

/** The refresh was refused because another process had already rotated the credential. */
class RotatedElsewhere extends Error {}

async function openOnce(opts: OpenCredentialOptions): Promise<OpenedCredential> {
  const within = opts.refreshWithinMs ?? REFRESH_WITHIN_MS;
  let prefetched: CredentialMessage | null = await fetchMessage(opts);
  let latest: CredentialMessage = prefetched;
  let rotatedElsewhere = false;
  const load = async () => {
    // Reuse the first fetch only while it is fresh: a stale copy may predate a refresh another
    // caller just saved, and refreshing it again would spend a refresh token already rotated away.
    const message = prefetched && !expiring(prefetched.expiresAt, within) ? prefetched : await fetchMessage(opts);
    prefetched = null;
    latest = message;
    return openMessage(opts, message);
  };
  try {
    return await withFreshCredential(latest.id, load, (current) => refresh(opts, current), (next, previous) => save(opts, next, previous), {
      refreshWithinMs: within,
      markNeedsReauth: async () => {
        const now = await opts.plane.credential(opts.userId, opts.host, opts.signal).catch(() => null);
        if (now && now.id === latest.id && now.generation > latest.generation) {
          rotatedElsewhere = true;
          return;
        }
        const reason = latest.source === "pat" ? "expired" : "refresh_failed";
        await opts.plane.needsReauth(latest.id, { generation: latest.generation, reason }, opts.signal).catch(() => {});
      },
    });
  } catch (e) {
    if (rotatedElsewhere) throw new RotatedElsewhere();
    if (e instanceof PlaneError && e.code === "credential_generation_conflict") {
      throw new CredentialError("credential_generation_conflict", `The connection to ${opts.host} was refreshed elsewhere at the same time; try again.`, { retryable: true });
    }
    if (e instanceof ProviderError && e.code === "credential_needs_reauth") throw reconnectError(opts.host);
    throw e;
  }
}
