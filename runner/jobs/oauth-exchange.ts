import { credentialResultSchema, oauthExchangePayloadSchema, type CredentialResult } from "@/lib/git-auth/job-payloads";
import { log } from "@/runner/log";
import { endpointsFor } from "../credentials/endpoints";
import { openTokens, sealTokens } from "../credentials/token-boxes";
import { getProviderClient, ProviderError, type Identity, type IdentifyOptions, type ProviderClient } from "../providers";
import { sleep } from "../sleep";
import { asJobFailure, openBox, parsePayload, typedFailures } from "./job-support";
import { JobFailure, type JobHandler, type UndeliveredResultHandler } from "./types";

/** Identity lookups after the exchange are retried here: the code is spent, so the plane must not retry the job. */
const IDENTIFY_ATTEMPTS = 3;

async function identifyWithRetries(client: ProviderClient, opts: IdentifyOptions): Promise<Identity> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await client.identify(opts);
    } catch (e) {
      if (!(e instanceof ProviderError) || !e.retryable || attempt >= IDENTIFY_ATTEMPTS) throw e;
      await sleep(300 * attempt, opts.signal);
    }
  }
}

/**
 * `oauth.exchange`: the plane received the provider's callback and forwarded the code and the
 * PKCE verifier sealed to this runner. Opens them (each box must be sealed for this runner,
 * integration and user), exchanges the code with the client secret only this runner can open,
 * reads the account's identity, seals the tokens to this runner's own key and returns the
 * `CredentialResult` the plane stores. A transient failure before the exchange is retryable; once
 * the provider has accepted the code it is spent, so later failures are final, and the token the
 * exchange produced is revoked rather than dropped live.
 */
export const oauthExchange: JobHandler = async (raw, ctx) => {
  const payload = parsePayload(oauthExchangePayloadSchema, raw, "OAuth connection");
  const { integration, userId, generation } = payload;
  if (!integration.oauthClientId || !integration.oauthClientSecretSealed) {
    throw new JobFailure("auth_method_disabled", "OAuth is not configured for this integration any more.");
  }
  const boxContext = { runnerId: ctx.runnerId, integrationId: integration.integrationId, userId };
  const clientSecret = await openBox(ctx.keys, integration.oauthClientSecretSealed, { purpose: "oauth_client_secret", runnerId: ctx.runnerId, host: integration.host }, "OAuth client secret");
  const code = await openBox(ctx.keys, payload.codeSealed, { ...boxContext, purpose: "oauth_code" }, "authorization code");
  const verifier = await openBox(ctx.keys, payload.verifierSealed, { ...boxContext, purpose: "pkce_verifier" }, "PKCE verifier");

  const endpoints = endpointsFor(integration);
  const client = getProviderClient(integration.provider);
  // Stages are not awaited here: the person waits on this job (callback to "connected" has a
  // budget), and the stage goes out while the provider answers.
  void ctx.progress("exchanging_code");
  const tokens = await typedFailures(() =>
    client.exchangeCode({ endpoints, clientId: integration.oauthClientId!, clientSecret, code, verifier, redirectUri: payload.redirectUri, scopes: integration.oauthScopes, signal: ctx.signal }),
  );

  // From here on the token exists at the provider: whatever stops this job before the plane has
  // it (an identity failure, an abort) revokes it rather than dropping it live.
  try {
    void ctx.progress("identifying");
    let identity: Identity;
    try {
      identity = await identifyWithRetries(client, { endpoints, token: tokens.accessToken, source: "oauth", signal: ctx.signal });
    } catch (e) {
      const failure = asJobFailure(e);
      if (failure instanceof JobFailure) throw new JobFailure(failure.code, failure.message, { detail: failure.detail, retryable: false });
      throw failure;
    }

    const sealed = await sealTokens(ctx.keys, { ...boxContext, generation }, tokens);
    return {
      ...sealed,
      scopes: (tokens.scopes.length > 0 ? tokens.scopes : (identity.scopes ?? [])).slice(0, 100),
      subjectLogin: identity.login.slice(0, 200),
      expiresAt: tokens.expiresAt ?? identity.expiresAt,
      generation,
    } satisfies CredentialResult;
  } catch (e) {
    await revokeExchangedToken({ client, endpoints, clientId: integration.oauthClientId, clientSecret, token: tokens.accessToken, jobId: ctx.jobId, host: integration.host });
    throw e;
  }
};

/** How long revoking a token nobody will have may take (the job's own signal may have fired). */
const REVOKE_TIMEOUT_MS = 20_000;

/** Revokes a token this runner got and will not hand over (this token alone); logs, never throws. */
async function revokeExchangedToken(opts: { client: ProviderClient; endpoints: ReturnType<typeof endpointsFor>; clientId: string; clientSecret: string; token: string; jobId: string; host: string }): Promise<void> {
  try {
    const revoked = await opts.client.revokeToken({
      endpoints: opts.endpoints,
      clientId: opts.clientId,
      clientSecret: opts.clientSecret,
      token: opts.token,
      source: "oauth",
      scope: "token",
      signal: AbortSignal.timeout(REVOKE_TIMEOUT_MS),
    });
    if (revoked.revoked) log.info("oauth_exchange.undelivered_token_revoked", { jobId: opts.jobId, host: opts.host });
    else log.warn("oauth_exchange.undelivered_token_not_revoked", { jobId: opts.jobId, host: opts.host, reason: revoked.reason ?? null, manualUrl: revoked.manualUrl });
  } catch (e) {
    log.warn("oauth_exchange.undelivered_token_not_revoked", { jobId: opts.jobId, host: opts.host, reason: e instanceof ProviderError ? e.code : "provider_error" });
  }
}

/**
 * The plane did not take an `oauth.exchange` result (the person's wait was cancelled, the plane
 * refused the result or never answered): the token this runner got is known to nobody else, so it
 * is revoked at the provider (this token alone; the person may have connected again meanwhile)
 * instead of staying live. Where the provider cannot revoke it, the log says so.
 */
export const revokeUndeliveredExchange: UndeliveredResultHandler = async (raw, result, ctx) => {
  const payload = oauthExchangePayloadSchema.parse(raw);
  const credential = credentialResultSchema.parse(result);
  const { integration, userId } = payload;
  const owner = { runnerId: ctx.runnerId, integrationId: integration.integrationId, userId, generation: credential.generation };
  const { accessToken } = await openTokens(ctx.keys, owner, { tokenSealed: credential.tokenSealed, refreshTokenSealed: null });
  const clientSecret = await openBox(ctx.keys, integration.oauthClientSecretSealed!, { purpose: "oauth_client_secret", runnerId: ctx.runnerId, host: integration.host }, "OAuth client secret");
  const client = getProviderClient(integration.provider);
  await revokeExchangedToken({ client, endpoints: endpointsFor(integration), clientId: integration.oauthClientId!, clientSecret, token: accessToken, jobId: ctx.jobId, host: integration.host });
};
