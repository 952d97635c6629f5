import {
  HTTP_REQUEST_FORBIDDEN,
  INVALID_SERVER_METADATA,
  MISSING_SERVER_METADATA,
  OperationProcessingError,
  REQUEST_PROTOCOL_FORBIDDEN,
  ResponseBodyError,
  UnsupportedOperationError,
  WWWAuthenticateChallengeError,
} from "oauth4webapi";
import { asObject } from "./answer";
import { commonFailure, hostOf, objectBody, unexpectedAnswer, type HttpAnswer } from "./http";
import type { ErrorCode } from "@/lib/errors/catalogue";
import { ProviderError, safeIdentifier } from "./provider-error";

export type Grant = "authorization_code" | "refresh_token";

/** An OAuth error answer reduced to what the mapping needs. */
export type TokenErrorReading = { error: string | null; subcode: string | null };

const CLIENT_ERRORS = new Set(["invalid_client", "unauthorized_client", "incorrect_client_credentials"]);
const TRANSIENT_ERRORS = new Set(["temporarily_unavailable", "server_error"]);
/** Refusals of a refresh token that only a new authorization can fix. */
const REAUTH_ERRORS = new Set(["invalid_grant", "bad_refresh_token", "interaction_required", "consent_required", "login_required"]);
/** Entra ID (AADSTS) numbers that name the redirect URI. */
const REDIRECT_SUBCODES = new Set(["AADSTS50011", "AADSTS500112", "AADSTS500113"]);

type Verdict = { code: ErrorCode; retryable: boolean; message: string };

/**
 * What a token endpoint's OAuth error means for the product, for a code exchange or a refresh.
 * GitHub's names (`bad_verification_code`, `incorrect_client_credentials`, `bad_refresh_token`)
 * and Entra's AADSTS numbers are read alongside RFC 6749's.
 */
export function classifyTokenError(grant: Grant, reading: TokenErrorReading): Verdict {
  const { error, subcode } = reading;
  if (error && CLIENT_ERRORS.has(error)) {
    return { code: "oauth_client_invalid", retryable: false, message: "The provider refused the OAuth client id or secret configured for this integration." };
  }
  if (error && TRANSIENT_ERRORS.has(error)) {
    return { code: "provider_error", retryable: true, message: "The provider's sign-in service is temporarily unavailable." };
  }
  if (grant === "refresh_token") {
    if (error && REAUTH_ERRORS.has(error)) {
      return { code: "credential_needs_reauth", retryable: false, message: "The provider no longer accepts this connection's refresh token; reconnect the account." };
    }
    return { code: "provider_error", retryable: false, message: "The provider refused to refresh the token." };
  }
  if (error === "redirect_uri_mismatch" || (subcode && REDIRECT_SUBCODES.has(subcode))) {
    return { code: "redirect_uri_mismatch", retryable: false, message: "The provider refused the callback URL: the OAuth application is registered with a different one." };
  }
  if (error === "invalid_grant" || error === "bad_verification_code") {
    return { code: "oauth_provider_error", retryable: false, message: "The provider refused the authorization code: it expired, was already used, or the PKCE verifier does not match. Start the connection again." };
  }
  return { code: "oauth_provider_error", retryable: false, message: "The provider refused the authorization." };
}

/** The OAuth `error` of an answer and, for Entra ID, its AADSTS number. */
export function readTokenError(body: Record<string, unknown> | null): TokenErrorReading {
  const error = typeof body?.error === "string" && /^[a-z_]{1,64}$/.test(body.error) ? body.error : null;
  const codes = body?.error_codes;
  let subcode: string | null = null;
  if (Array.isArray(codes) && typeof codes[0] === "number") subcode = `AADSTS${codes[0]}`;
  else if (typeof body?.error_description === "string") subcode = /\bAADSTS\d{4,8}\b/.exec(body.error_description)?.[0] ?? null;
  return { error, subcode };
}

/** What the mapping knows about the call that failed. */
export type TokenFailureContext = {
  grant: Grant;
  tokenUrl: string;
  /** The answer the transport received, or null when none came. */
  answer: HttpAnswer | null;
  /** The call's secrets, which no stored identifier may contain. */
  secrets: string[];
};

/**
 * The catalogue's reading of a failed token request, from what oauth4webapi threw and the answer
 * the transport kept. The order is the one every provider call uses: a rate limit or a server
 * error first (whatever the body says), then the OAuth `error` (in a 4xx body, oauth4webapi's
 * `ResponseBodyError`; in a 200 body, GitHub's way, which oauth4webapi reports as an answer without
 * an access token), then a `WWW-Authenticate` challenge (RFC 6749 §5.2: a refused client
 * authentication), then an answer that is not a token answer at all. Anything that is not about an
 * answer (the caller's cancellation, a `ProviderError` from the transport) passes through unchanged.
 */
export function tokenEndpointFailure(e: unknown, ctx: TokenFailureContext): unknown {
  if (e instanceof ProviderError) return e;
  const host = hostOf(ctx.tokenUrl);
  const { answer } = ctx;
  if (!answer) {
    if (e instanceof OperationProcessingError && (e.code === HTTP_REQUEST_FORBIDDEN || e.code === REQUEST_PROTOCOL_FORBIDDEN)) {
      return new ProviderError("host_invalid", `The token endpoint on ${host} is not HTTPS; the runner sends OAuth codes and client secrets only over HTTPS.`, {
        detail: { providerError: e.code },
      });
    }
    if (e instanceof OperationProcessingError && (e.code === INVALID_SERVER_METADATA || e.code === MISSING_SERVER_METADATA)) {
      return new ProviderError("host_invalid", "The integration's token endpoint is not a valid URL.", { detail: { providerError: e.code } });
    }
    return e;
  }
  if (!isOAuth4WebApiError(e)) return e;
  const reading = readingOf(e, answer);
  const providerError = safeIdentifier([reading.error, reading.subcode].filter(Boolean).join(" ") || null, ctx.secrets);
  const common = commonFailure(answer, host, providerError);
  if (common) return common;
  if (reading.error) {
    const verdict = classifyTokenError(ctx.grant, reading);
    return new ProviderError(verdict.code, verdict.message, { retryable: verdict.retryable, detail: { status: answer.status, providerError } });
  }
  if (e instanceof WWWAuthenticateChallengeError) {
    const scheme = safeIdentifier(e.cause[0]?.scheme ?? null);
    return new ProviderError("oauth_client_invalid", "The provider refused the OAuth client id or secret configured for this integration.", {
      detail: { status: answer.status, providerError: scheme },
    });
  }
  if (answer.status >= 200 && answer.status < 300 && objectBody(answer) && !hasAccessToken(answer)) {
    return new ProviderError("api_unexpected_response", `${host} answered the token request without an access token.`, {
      detail: { status: answer.status, providerError: null },
    });
  }
  return unexpectedAnswer(answer, host, e instanceof OperationProcessingError ? safeIdentifier(e.code ?? null) : null);
}

function isOAuth4WebApiError(e: unknown): boolean {
  return e instanceof ResponseBodyError || e instanceof WWWAuthenticateChallengeError || e instanceof OperationProcessingError || e instanceof UnsupportedOperationError;
}

/**
 * The OAuth error of the answer: oauth4webapi's parsed 4xx body, else the body the transport kept
 * (GitHub's 200), else the `error` parameter of a `WWW-Authenticate` challenge.
 */
function readingOf(e: unknown, answer: HttpAnswer): TokenErrorReading {
  const body = e instanceof ResponseBodyError ? asObject(e.cause) : objectBody(answer);
  const reading = readTokenError(body);
  if (reading.error || !(e instanceof WWWAuthenticateChallengeError)) return reading;
  const challenged = e.cause.map((challenge) => challenge.parameters.error).find((value) => typeof value === "string");
  return { ...readTokenError({ error: challenged }), subcode: reading.subcode };
}

function hasAccessToken(answer: HttpAnswer): boolean {
  const token = objectBody(answer)?.access_token;
  return typeof token === "string" && token.length > 0;
}
