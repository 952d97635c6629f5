import type { ErrorCode } from "@/lib/errors/catalogue";
import { basicAuth, commonFailure, hostOf, objectBody, send, unexpectedAnswer, type HttpAnswer } from "./http";
import { ProviderError, safeIdentifier } from "./provider-error";
import { splitScopes } from "./scopes";
import type { ExchangeCodeOptions, OAuthTokens, RefreshedTokens, RefreshTokenOptions } from "./types";

export type Grant = "authorization_code" | "refresh_token";

/** How a provider's token endpoint wants to be called. */
export type TokenEndpointStyle = {
  /** `basic`: client id and secret in HTTP Basic (Bitbucket); `body`: in the form (`client_secret_post`). */
  clientAuth: "basic" | "body";
  /** Send `scope` again on the token request (Microsoft Entra ID v2 expects it). */
  sendScopes?: boolean;
};

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

function expiresAtFrom(value: unknown, now: number): string | null {
  const seconds = typeof value === "number" ? value : typeof value === "string" && /^\d+$/.test(value) ? Number(value) : null;
  return seconds === null || seconds <= 0 ? null : new Date(now + seconds * 1000).toISOString();
}

/** Tokens from a successful token answer, or null when the body has no access token. */
export function parseTokenBody(body: Record<string, unknown> | null, now = Date.now()): OAuthTokens | null {
  if (!body || typeof body.access_token !== "string" || body.access_token.length === 0) return null;
  return {
    accessToken: body.access_token,
    refreshToken: typeof body.refresh_token === "string" && body.refresh_token.length > 0 ? body.refresh_token : null,
    expiresAt: expiresAtFrom(body.expires_in, now),
    // GitHub separates scopes with commas, the others with spaces; Bitbucket calls the field `scopes`.
    scopes: splitScopes(body.scope ?? body.scopes),
  };
}

function failure(answer: HttpAnswer, grant: Grant, host: string, secrets: string[]): ProviderError {
  const body = objectBody(answer);
  const reading = readTokenError(body);
  const providerError = safeIdentifier([reading.error, reading.subcode].filter(Boolean).join(" ") || null, secrets);
  const common = commonFailure(answer, host, providerError);
  if (common) return common;
  if (!reading.error) return unexpectedAnswer(answer, host);
  const verdict = classifyTokenError(grant, reading);
  return new ProviderError(verdict.code, verdict.message, { retryable: verdict.retryable, detail: { status: answer.status, providerError } });
}

async function callTokenEndpoint(
  opts: { tokenUrl: string; clientId: string; clientSecret: string; signal: AbortSignal; timeoutMs?: number },
  style: TokenEndpointStyle,
  grant: Grant,
  params: Record<string, string>,
  secrets: string[],
): Promise<OAuthTokens> {
  const form: Record<string, string> = { grant_type: grant, ...params };
  const headers: Record<string, string> = { accept: "application/json" };
  if (style.clientAuth === "basic") headers.authorization = basicAuth(opts.clientId, opts.clientSecret);
  else Object.assign(form, { client_id: opts.clientId, client_secret: opts.clientSecret });
  const answer = await send(opts.tokenUrl, { method: "POST", headers, form, timeoutMs: opts.timeoutMs }, opts.signal);
  const host = hostOf(opts.tokenUrl);
  // GitHub answers errors with 200 and an `error` field, so the body decides, not the status.
  const tokens = answer.status >= 200 && answer.status < 300 ? parseTokenBody(objectBody(answer)) : null;
  if (tokens) return tokens;
  throw failure(answer, grant, host, secrets);
}

/** Trades an authorization code and its PKCE verifier for tokens at the integration's token endpoint. */
export function exchangeWithStyle(opts: ExchangeCodeOptions, style: TokenEndpointStyle): Promise<OAuthTokens> {
  const params: Record<string, string> = { code: opts.code, redirect_uri: opts.redirectUri, code_verifier: opts.verifier };
  if (style.sendScopes && opts.scopes?.length) params.scope = opts.scopes.join(" ");
  return callTokenEndpoint(
    { ...opts, tokenUrl: opts.endpoints.tokenUrl },
    style,
    "authorization_code",
    params,
    [opts.clientSecret, opts.code, opts.verifier],
  );
}

/**
 * Trades a refresh token for new tokens. When the provider sends no new refresh token the old one
 * stays in use (Bitbucket); when it sends one, the old one must be discarded (`rotated`).
 */
export async function refreshWithStyle(opts: RefreshTokenOptions, style: TokenEndpointStyle): Promise<RefreshedTokens> {
  const params: Record<string, string> = { refresh_token: opts.refreshToken };
  if (style.sendScopes && opts.scopes?.length) params.scope = opts.scopes.join(" ");
  const tokens = await callTokenEndpoint({ ...opts, tokenUrl: opts.endpoints.tokenUrl }, style, "refresh_token", params, [opts.clientSecret, opts.refreshToken]);
  const rotated = tokens.refreshToken !== null && tokens.refreshToken !== opts.refreshToken;
  return { ...tokens, refreshToken: tokens.refreshToken ?? opts.refreshToken, rotated };
}
