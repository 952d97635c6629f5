import type { Db } from "@/db/client";
import { oauthAttempts } from "@/db/schema";
import { safeReturnTo } from "../auth/safe-return-to";
import { seal } from "../crypto/sealed-box";
import { integrationSubject } from "../diagnostics/integration-subject";
import { findOAuthAttemptId } from "../diagnostics/oauth-correlation";
import { traceOperation } from "../diagnostics/trace-operation";
import { AppError } from "../errors/app-error";
import { getProvider } from "../providers";
import type { Actor } from "../users/actor";
import { oauthCallbackUrl } from "../integrations/callback-url";
import { findUsableIntegration } from "./find-usable-integration";
import { createOAuthState, createPkcePair } from "./pkce";

/** An authorization is good for 10 minutes. */
export const OAUTH_ATTEMPT_TTL_MS = 10 * 60 * 1000;

/**
 * Starts an OAuth connection: records a single-use attempt (state hashed, bound to this user and
 * integration, PKCE verifier sealed to the runner that will exchange the code) and returns the
 * provider's authorize URL to send the browser to.
 */
async function startOAuthUntraced(opts: { db: Db; actor: Actor; integrationId: string; returnTo?: string; publicBaseUrl: string }): Promise<{ authorizeUrl: string }> {
  const { integration, runnerKey } = await findUsableIntegration(opts);
  if (!integration.oauthEnabled || !integration.oauthClientId || !integration.oauthClientSecretSealed) throw new AppError("auth_method_disabled");
  const provider = getProvider(integration.provider);
  const endpoints = provider.endpoints(integration);
  const { state, stateHash } = createOAuthState();
  const pkce = createPkcePair();
  const expiresAt = new Date(Date.now() + OAUTH_ATTEMPT_TTL_MS);
  const pkceVerifierSealed = await seal(
    runnerKey.publicKey,
    { purpose: "pkce_verifier", runnerId: integration.runnerId, integrationId: integration.id, userId: opts.actor.userId, expiresAt: expiresAt.getTime() },
    pkce.verifier,
  );
  await opts.db.insert(oauthAttempts).values({
    stateHash,
    orgId: opts.actor.orgId,
    userId: opts.actor.userId,
    integrationId: integration.id,
    pkceVerifierSealed,
    returnTo: safeReturnTo(opts.returnTo, "/settings/git-authentications"),
    expiresAt,
  });
  const url = new URL(endpoints.authorizeUrl);
  url.searchParams.set("client_id", integration.oauthClientId);
  url.searchParams.set("redirect_uri", oauthCallbackUrl(opts.publicBaseUrl, integration.id));
  url.searchParams.set("response_type", "code");
  const scopes = integration.oauthScopes.length > 0 ? integration.oauthScopes : provider.oauthScopes.map((s) => s.scope);
  url.searchParams.set("scope", scopes.join(provider.scopeSeparator));
  url.searchParams.set("state", state);
  url.searchParams.set("code_challenge", pkce.challenge);
  url.searchParams.set("code_challenge_method", "S256");
  return { authorizeUrl: url.toString() };
}

/**
 * `startOAuth`, recorded in the diagnostic trail as `oauth.start` with the attempt it created, so
 * the callback (which carries only the state) can join the same timeline.
 */
export async function startOAuth(opts: Parameters<typeof startOAuthUntraced>[0]): Promise<{ authorizeUrl: string }> {
  const known = await integrationSubject(opts.db, opts.actor.orgId, opts.integrationId);
  const subject = { orgId: opts.actor.orgId, actorId: opts.actor.userId, userId: opts.actor.userId, operation: "oauth.start", ...known };
  let attemptId: string | null = null;
  return traceOperation(
    opts.db,
    subject,
    async () => {
      const started = await startOAuthUntraced(opts);
      attemptId = await findOAuthAttemptId(opts.db, new URL(started.authorizeUrl).searchParams.get("state"));
      return started;
    },
    () => ({ detail: { attemptId } }),
  );
}
