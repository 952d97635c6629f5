import { and, eq, gt, isNull, sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { hostAuthTokens, oauthAttempts } from "@/db/schema";
import { seal } from "../crypto/sealed-box";
import { integrationSubject } from "../diagnostics/integration-subject";
import { correlationOfOAuthAttempt, findOAuthAttemptId } from "../diagnostics/oauth-correlation";
import { traceOperation } from "../diagnostics/trace-operation";
import type { ErrorCode } from "../errors/catalogue";
import { enqueueJob } from "../runners/jobs/enqueue-job";
import type { Actor } from "../users/actor";
import { oauthCallbackUrl } from "../integrations/callback-url";
import { findUsableIntegration } from "./find-usable-integration";
import { integrationRef } from "./integration-ref";
import type { OAuthExchangePayload } from "./job-payloads";
import { hashOAuthState } from "./pkce";

/** How long the runner has to exchange the code (providers expire codes after ~10 minutes). */
const EXCHANGE_DEADLINE_MS = 60_000;

export type CallbackOutcome =
  | { ok: true; returnTo: string; jobId: string; integrationId: string }
  | { ok: false; returnTo: string; code: ErrorCode; integrationId: string };

const PROVIDER_ERRORS: Record<string, ErrorCode> = {
  access_denied: "oauth_access_denied",
  redirect_uri_mismatch: "redirect_uri_mismatch",
};

/**
 * Handles the provider's redirect back to `/api/scm/oauth/callback/{integrationId}`. The `state`
 * must match an unexpired, unused attempt of this same user for this same integration; it is spent
 * atomically (a replay finds it used). The code is sealed to the runner at once and an
 * `oauth.exchange` job is written in the same transaction; the runner exchanges it with the client
 * secret only it can open. Provider errors (`access_denied`, `redirect_uri_mismatch`, ...) come back
 * as typed codes for the page the person started from.
 */
async function completeOAuthCallbackUntraced(opts: {
  db: Db;
  actor: Actor;
  integrationId: string;
  params: URLSearchParams;
  publicBaseUrl: string;
}): Promise<CallbackOutcome> {
  const fallback = "/settings/git-authentications";
  const state = opts.params.get("state") ?? "";
  const fail = (code: ErrorCode, returnTo = fallback): CallbackOutcome => ({ ok: false, code, returnTo, integrationId: opts.integrationId });
  if (state.length < 20 || state.length > 200) return fail("oauth_state_invalid");

  return opts.db.transaction(async (tx) => {
    // Spend the state first: whatever happens next, it cannot be used again.
    const [attempt] = await tx
      .update(oauthAttempts)
      .set({ usedAt: sql`now()` })
      .where(and(eq(oauthAttempts.stateHash, hashOAuthState(state)), isNull(oauthAttempts.usedAt), gt(oauthAttempts.expiresAt, sql`now()`)))
      .returning();
    if (!attempt || attempt.userId !== opts.actor.userId || attempt.orgId !== opts.actor.orgId) return fail("oauth_state_invalid");
    if (attempt.integrationId !== opts.integrationId) return fail("oauth_state_invalid", attempt.returnTo);

    const providerError = opts.params.get("error");
    if (providerError) return fail(PROVIDER_ERRORS[providerError] ?? "oauth_provider_error", attempt.returnTo);
    const code = opts.params.get("code") ?? "";
    if (code.length === 0 || code.length > 2048) return fail("oauth_provider_error", attempt.returnTo);

    const { integration, runnerKey } = await findUsableIntegration({ db: tx, actor: opts.actor, integrationId: attempt.integrationId });
    if (!integration.oauthEnabled) return fail("auth_method_disabled", attempt.returnTo);
    const [current] = await tx
      .select({ generation: hostAuthTokens.generation })
      .from(hostAuthTokens)
      .where(and(eq(hostAuthTokens.runnerId, integration.runnerId), eq(hostAuthTokens.host, integration.host), eq(hostAuthTokens.userId, opts.actor.userId)));
    const generation = (current?.generation ?? 0) + 1;
    const codeSealed = await seal(
      runnerKey.publicKey,
      { purpose: "oauth_code", runnerId: integration.runnerId, integrationId: integration.id, userId: opts.actor.userId, expiresAt: Date.now() + EXCHANGE_DEADLINE_MS },
      code,
    );
    const payload: OAuthExchangePayload = {
      integration: integrationRef(integration),
      userId: opts.actor.userId,
      codeSealed,
      verifierSealed: attempt.pkceVerifierSealed,
      redirectUri: oauthCallbackUrl(opts.publicBaseUrl, integration.id),
      generation,
    };
    const { job } = await enqueueJob(tx, {
      orgId: opts.actor.orgId,
      runnerId: integration.runnerId,
      kind: "oauth.exchange",
      payload,
      idempotencyKey: `oauth:${attempt.id}`,
      deadlineAt: new Date(Date.now() + EXCHANGE_DEADLINE_MS),
      maxAttempts: 3,
    });
    await tx.update(oauthAttempts).set({ jobId: job.id }).where(eq(oauthAttempts.id, attempt.id));
    return { ok: true, returnTo: attempt.returnTo, jobId: job.id, integrationId: integration.id };
  });
}

/** Which part of the callback a failure belongs to, for Diagnostics. */
function callbackStage(code: ErrorCode): string {
  if (code === "oauth_state_invalid") return "state";
  if (code === "auth_method_disabled") return "integration";
  return "provider_redirect";
}

/**
 * `completeOAuthCallback`, recorded in the diagnostic trail as `oauth.callback` under the
 * correlation id of the OAuth start the state belongs to (so start, callback and the runner's code
 * exchange form one timeline), with the provider's own error identifier and description when it
 * refused, redacted.
 */
export async function completeOAuthCallback(opts: Parameters<typeof completeOAuthCallbackUntraced>[0]): Promise<CallbackOutcome> {
  const attemptId = await findOAuthAttemptId(opts.db, opts.params.get("state"));
  const correlationId = await correlationOfOAuthAttempt(opts.db, opts.actor.orgId, attemptId);
  const known = await integrationSubject(opts.db, opts.actor.orgId, opts.integrationId);
  const providerError = opts.params.get("error");
  const subject = {
    orgId: opts.actor.orgId,
    actorId: opts.actor.userId,
    userId: opts.actor.userId,
    operation: "oauth.callback",
    ...known,
    correlationId,
    detail: providerError ? { providerError: providerError.slice(0, 80), providerDescription: (opts.params.get("error_description") ?? "").slice(0, 300) || undefined } : {},
  };
  return traceOperation(opts.db, subject, () => completeOAuthCallbackUntraced(opts), (outcome) =>
    outcome.ok ? { jobId: outcome.jobId } : { outcome: "failed", errorCode: outcome.code, stage: callbackStage(outcome.code) },
  );
}
