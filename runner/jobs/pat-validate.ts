import { patValidatePayloadSchema, type CredentialResult } from "@/lib/git-auth/job-payloads";
import { endpointsFor } from "../credentials/endpoints";
import { sealTokens } from "../credentials/token-boxes";
import { getProviderClient } from "../providers";
import { openBox, parsePayload, typedFailures } from "./job-support";
import type { JobHandler } from "./types";

/**
 * `pat.validate`: opens the personal access token the browser sealed to this runner (for this
 * runner, host and user), checks it at the provider — identity, kind (Bitbucket app passwords and
 * Azure DevOps all-organization PATs are refused), the integration's PAT scopes, expiry, and the
 * repository when the plane names one (SAML SSO) — then re-seals it to this runner's own key as
 * the user's `access_token` and returns the `CredentialResult`, with the user name the provider's
 * API takes besides the token where it takes one (Bitbucket: the account email). Typed failures carry field errors
 * for the form: `pat_invalid`, `pat_expired`, `pat_missing_scopes` (listing them),
 * `sso_authorization_required`, `unsupported_credential_type`, `host_unreachable` (retryable).
 */
export const patValidate: JobHandler = async (raw, ctx) => {
  const payload = parsePayload(patValidatePayloadSchema, raw, "token validation");
  const { integration, userId, generation } = payload;
  await ctx.progress("opening");
  const token = await openBox(ctx.keys, payload.patSealed, { purpose: "pat", runnerId: ctx.runnerId, host: integration.host, userId }, "token", "token");

  await ctx.progress("validating");
  const client = getProviderClient(integration.provider);
  // Bitbucket: the Atlassian account email; Azure DevOps Services: the PAT's organization.
  const account = client.patAccount(payload.username, integration);
  const identity = await typedFailures(() =>
    client.validatePat({
      endpoints: endpointsFor(integration),
      token,
      ...account,
      requiredScopes: integration.patScopes,
      repository: payload.repository ?? null,
      signal: ctx.signal,
    }),
  );

  await ctx.progress("sealing");
  const sealed = await sealTokens(ctx.keys, { runnerId: ctx.runnerId, integrationId: integration.integrationId, userId, generation }, { accessToken: token, refreshToken: null });
  return {
    ...sealed,
    scopes: (identity.scopes ?? []).slice(0, 100),
    subjectLogin: identity.login.slice(0, 200),
    // What the token was just accepted with, kept so the runner can call the API with it again.
    patUsername: account.username?.trim() || null,
    expiresAt: identity.expiresAt,
    generation,
  } satisfies CredentialResult;
};
