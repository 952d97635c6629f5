import {
  allowInsecureRequests,
  authorizationCodeGrantRequest,
  ClientSecretBasic,
  ClientSecretPost,
  customFetch,
  processAuthorizationCodeResponse,
  processRefreshTokenResponse,
  refreshTokenGrantRequest,
  skipStateCheck,
  validateAuthResponse,
  type AuthorizationServer,
  type Client,
  type TokenEndpointRequestOptions,
} from "oauth4webapi";
import { USER_AGENT } from "../version";
import { tokenEndpointFailure, type Grant } from "./oauth-token-failure";
import { allowsPlainHttp, tokenEndpointTransport } from "./oauth-token-transport";
import { ProviderError } from "./provider-error";
import { splitScopes } from "./scopes";
import type { CallOptions, ExchangeCodeOptions, OAuthTokens, RefreshedTokens, RefreshTokenOptions } from "./types";

/** How a provider's token endpoint wants to be called. */
export type TokenEndpointStyle = {
  /** `basic`: client id and secret in HTTP Basic (`client_secret_basic`, Bitbucket); `body`: in the form (`client_secret_post`). */
  clientAuth: "basic" | "body";
  /** Send `scope` again on the token request (Microsoft Entra ID v2 expects it). */
  sendScopes?: boolean;
};

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

type TokenCall = CallOptions & { clientId: string; clientSecret: string; scopes?: string[] };

/**
 * One grant at the integration's token endpoint, through oauth4webapi: it builds the request
 * (grant parameters, PKCE verifier, client authentication, `Accept: application/json`, which GitHub
 * needs to answer JSON) and checks the answer (a 200 with a string `access_token` and a `bearer`
 * `token_type`, GitHub's lower case and the others' `Bearer` alike). The request itself goes
 * through the runner's egress-checked, bounded transport; a failure is mapped to the catalogue by
 * `tokenEndpointFailure`. The plain OAuth 2.0 processing is used (no nonce, no ID token required):
 * the runner does not sign anyone in with these tokens.
 */
async function callTokenEndpoint(
  opts: TokenCall,
  style: TokenEndpointStyle,
  grant: Grant,
  request: (as: AuthorizationServer, client: Client, options: TokenEndpointRequestOptions) => Promise<Response>,
  secrets: string[],
): Promise<OAuthTokens> {
  const tokenUrl = opts.endpoints.tokenUrl;
  const transport = tokenEndpointTransport(opts);
  // No discovery: the endpoint is the integration's, and the issuer is never compared (no ID token is kept).
  const as: AuthorizationServer = { issuer: originOf(tokenUrl), token_endpoint: tokenUrl };
  const client: Client = { client_id: opts.clientId };
  const options: TokenEndpointRequestOptions = {
    headers: { "user-agent": USER_AGENT },
    [customFetch]: transport.fetch,
    [allowInsecureRequests]: allowsPlainHttp(tokenUrl),
  };
  if (style.sendScopes && opts.scopes?.length) options.additionalParameters = { scope: opts.scopes.join(" ") };
  try {
    const response = await request(as, client, options);
    const body = grant === "authorization_code" ? await processAuthorizationCodeResponse(as, client, response) : await processRefreshTokenResponse(as, client, response);
    const tokens = parseTokenBody(body);
    if (tokens) return tokens;
    throw new ProviderError("api_unexpected_response", "The provider answered the token request without an access token.", { detail: { status: response.status } });
  } catch (e) {
    throw tokenEndpointFailure(e, { grant, tokenUrl, answer: transport.answer, secrets });
  }
}

/** oauth4webapi's client authentication for the provider's style. */
function clientAuth(style: TokenEndpointStyle, clientSecret: string) {
  return style.clientAuth === "basic" ? ClientSecretBasic(clientSecret) : ClientSecretPost(clientSecret);
}

function originOf(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return url;
  }
}

/**
 * Refuses, before any request, what oauth4webapi would throw a TypeError for: an integration with
 * no client id or secret is a client the provider would refuse, and an empty code, verifier, callback
 * URL or refresh token a grant it would not accept.
 */
function assertPresent(opts: TokenCall, grant: Grant, value: string): void {
  if (!opts.clientId || !opts.clientSecret) {
    throw new ProviderError("oauth_client_invalid", "This integration has no OAuth client id or secret; save them again in Settings > Runners.");
  }
  if (value) return;
  throw grant === "refresh_token"
    ? new ProviderError("credential_needs_reauth", "This connection has no refresh token; reconnect the account.")
    : new ProviderError("oauth_provider_error", "The connection attempt lost its authorization code, PKCE verifier or callback URL. Start the connection again.");
}

/** Trades an authorization code and its PKCE verifier for tokens at the integration's token endpoint. */
export async function exchangeWithStyle(opts: ExchangeCodeOptions, style: TokenEndpointStyle): Promise<OAuthTokens> {
  assertPresent(opts, "authorization_code", opts.code && opts.verifier && opts.redirectUri);
  return callTokenEndpoint(
    opts,
    style,
    "authorization_code",
    (as, client, options) => {
      // The plane checked the state before it forwarded the code; here it only becomes oauth4webapi's callback parameters.
      const callback = validateAuthResponse(as, client, new URLSearchParams({ code: opts.code }), skipStateCheck);
      return authorizationCodeGrantRequest(as, client, clientAuth(style, opts.clientSecret), callback, opts.redirectUri, opts.verifier, options);
    },
    [opts.clientSecret, opts.code, opts.verifier],
  );
}

/**
 * Trades a refresh token for new tokens. When the provider sends no new refresh token the old one
 * stays in use; when it sends a different one, the old one must be discarded (`rotated`: GitLab,
 * GitHub App user tokens and Entra ID issue a new one on every refresh; Bitbucket's comes back the same).
 */
export async function refreshWithStyle(opts: RefreshTokenOptions, style: TokenEndpointStyle): Promise<RefreshedTokens> {
  assertPresent(opts, "refresh_token", opts.refreshToken);
  const tokens = await callTokenEndpoint(
    opts,
    style,
    "refresh_token",
    (as, client, options) => refreshTokenGrantRequest(as, client, clientAuth(style, opts.clientSecret), opts.refreshToken, options),
    [opts.clientSecret, opts.refreshToken],
  );
  const rotated = tokens.refreshToken !== null && tokens.refreshToken !== opts.refreshToken;
  return { ...tokens, refreshToken: tokens.refreshToken ?? opts.refreshToken, rotated };
}
