import { oauthExchangePayloadSchema, type CredentialResult } from "@/lib/git-auth/job-payloads";
import { endpointsFor } from "../credentials/endpoints";
import { sealTokens } from "../credentials/token-boxes";
import { getProviderClient, ProviderError, type Identity, type IdentifyOptions, type ProviderClient } from "../providers";
import { sleep } from "../sleep";
import { asJobFailure, openBox, parsePayload, typedFailures } from "./job-support";
import { JobFailure, type JobHandler } from "./types";

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
 * the provider has accepted the code it is spent, so later failures are final.
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
};
