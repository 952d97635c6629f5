import { openSealed, SealError } from "@/lib/crypto/sealed-box";
import { tokenRevokePayloadSchema, type TokenRevokeResult } from "@/lib/git-auth/job-payloads";
import { manualRevokeUrl } from "@/lib/git-auth/manual-revoke-url";
import { log } from "@/runner/log";
import { getProvider } from "@/lib/providers";
import { endpointsFor } from "../credentials/endpoints";
import { openTokens } from "../credentials/token-boxes";
import { getProviderClient } from "../providers";
import { parsePayload, typedFailures } from "./job-support";
import type { JobHandler } from "./types";

/**
 * `token.revoke`: the person disconnected, or reconnected (`replaced`); the plane has already
 * deleted or replaced the credential and hands this runner the sealed copies to revoke at the
 * provider (on disconnect GitHub deletes the whole grant, on a reconnect only the old token, so the
 * new one stays valid; GitLab revokes the token and its refresh token). Drops any opened copy from memory first. Transient
 * failures are retryable, so a runner that was offline revokes when it reconnects; a box this
 * runner can no longer open (its key was rotated) or a provider without a revocation API ends with
 * `revoked: false` and the page where the person revokes it by hand.
 */
export const tokenRevoke: JobHandler = async (raw, ctx) => {
  const payload = parsePayload(tokenRevokePayloadSchema, raw, "revocation");
  const { integration, userId } = payload;
  ctx.credentials.forget({ userId, host: integration.host });
  const endpoints = endpointsFor(integration);
  const manual = (): TokenRevokeResult => ({ revoked: false, manualUrl: manualRevokeUrl(getProvider(integration.provider), endpoints, payload.source) });

  await ctx.progress("opening");
  let token: string;
  try {
    const owner = { runnerId: ctx.runnerId, integrationId: integration.integrationId, userId, generation: payload.generation };
    token = (await openTokens(ctx.keys, owner, { tokenSealed: payload.tokenSealed, refreshTokenSealed: null })).accessToken;
  } catch (e) {
    if (!(e instanceof SealError)) throw e;
    log.warn("token_revoke.cannot_open", { jobId: ctx.jobId, reason: e.reason });
    return manual();
  }
  let clientSecret: string | null = null;
  if (integration.oauthClientSecretSealed) {
    try {
      clientSecret = (await openSealed(ctx.keys, integration.oauthClientSecretSealed, { purpose: "oauth_client_secret", runnerId: ctx.runnerId, host: integration.host })).value;
    } catch (e) {
      if (!(e instanceof SealError)) throw e;
      // Without the client secret the provider's API cannot be called: the person revokes by hand.
    }
  }

  await ctx.progress("revoking");
  const result = await typedFailures(() =>
    getProviderClient(integration.provider).revokeToken({
      endpoints,
      clientId: integration.oauthClientId,
      clientSecret,
      token,
      source: payload.source,
      scope: payload.replaced ? "token" : "grant",
      signal: ctx.signal,
    }),
  );
  return { revoked: result.revoked, manualUrl: result.revoked ? null : (result.manualUrl ?? manual().manualUrl) } satisfies TokenRevokeResult;
};
