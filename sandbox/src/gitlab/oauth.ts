import type { Ctx } from "../http/server";
import type { Router } from "../http/router";
import {
  appendQuery,
  beginAuthorize,
  clientCredentials,
  completeConsent,
  countCodeExchange,
  exactRedirectAllowed,
  mintForCode,
  redeemCode,
  refreshTokens,
  splitScopes,
} from "../oauth/common";
import { errorPage } from "../oauth/consent-page";
import type { IssuedTokens } from "../tokens";
import type { OAuthApp, TokenRecord } from "../types";
import { tokenFromRequest, type GlEnv } from "./common";

const INVALID_GRANT =
  "The provided authorization grant is invalid, expired, revoked, does not match the redirection URI used in the authorization request, or was issued to another client.";
const INVALID_CLIENT =
  "Client authentication failed due to unknown client, no client authentication included, or unsupported authentication method.";

function oauthError(ctx: Ctx, status: number, error: string, description: string): void {
  ctx.json(status, { error, error_description: description }, { "Cache-Control": "no-store", Pragma: "no-cache" });
}

function tokenJson(tokens: IssuedTokens): Record<string, unknown> {
  return {
    access_token: tokens.access.value,
    token_type: "Bearer",
    expires_in: tokens.expiresIn,
    refresh_token: tokens.refresh?.value,
    scope: tokens.access.scopes.join(" "),
    created_at: Math.floor(tokens.access.createdAt / 1000),
  };
}

function authenticateClient(ctx: Ctx, env: GlEnv, params: Record<string, string>): OAuthApp | null {
  const creds = clientCredentials(ctx, params);
  const app = creds.clientId ? env.store.apps.get(creds.clientId) : undefined;
  if (!app || app.provider !== "gitlab" || app.clientSecret !== creds.clientSecret) return null;
  return app;
}

/** GitLab's OAuth provider (Doorkeeper): authorize, token, revoke and token info. */
export function registerGitlabOAuth(router: Router, env: GlEnv): void {
  router.on("GET", "/oauth/authorize", (ctx) => {
    const q = ctx.query;
    const app = env.store.apps.get(q.get("client_id") ?? "");
    if (!app || app.provider !== "gitlab") {
      ctx.html(401, errorPage("An error has occurred", `Client authentication failed due to unknown client, no client authentication included, or unsupported authentication method.`));
      return;
    }
    const redirectUri = q.get("redirect_uri");
    if (!redirectUri || !exactRedirectAllowed(app, redirectUri)) {
      ctx.html(400, errorPage("An error has occurred", "The redirect uri included is not valid."));
      return;
    }
    const state = q.get("state");
    if (q.get("response_type") !== "code") {
      ctx.redirect(appendQuery(redirectUri, { error: "unsupported_response_type", error_description: "The authorization server does not support this response type.", state }));
      return;
    }
    const scopes = q.get("scope") ? splitScopes(q.get("scope")) : app.scopes;
    if (scopes.some((scope) => !app.scopes.includes(scope))) {
      ctx.redirect(appendQuery(redirectUri, { error: "invalid_scope", error_description: "The requested scope is invalid, unknown, or malformed.", state }));
      return;
    }
    const challenge = q.get("code_challenge");
    const method = q.get("code_challenge_method") ?? (challenge ? "plain" : null);
    if (challenge && method !== "S256" && method !== "plain") {
      ctx.redirect(appendQuery(redirectUri, { error: "invalid_request", error_description: "The code_challenge_method must be one of plain, S256.", state }));
      return;
    }
    beginAuthorize(
      ctx,
      env.store,
      {
        provider: "gitlab",
        clientId: app.clientId,
        redirectUri,
        redirectUriParam: redirectUri,
        scopes,
        state,
        codeChallenge: challenge,
        codeChallengeMethod: method,
        nonce: q.get("nonce"),
      },
      { providerLabel: "GitLab", actionPath: "/oauth/authorize" },
    );
  });

  router.on("POST", "/oauth/authorize", (ctx) =>
    completeConsent(ctx, env.store, "gitlab", {
      error: "access_denied",
      error_description: "The resource owner or authorization server denied the request.",
    }),
  );

  router.on("POST", "/oauth/token", async (ctx) => {
    const params = await ctx.bodyParams();
    const grantType = params.grant_type;
    if (!grantType) return oauthError(ctx, 400, "invalid_request", "Missing required parameter: grant_type.");
    if (grantType !== "authorization_code" && grantType !== "refresh_token") {
      return oauthError(ctx, 400, "unsupported_grant_type", "The authorization grant type is not supported by the authorization server.");
    }
    const app = authenticateClient(ctx, env, params);
    if (!app) return oauthError(ctx, 401, "invalid_client", INVALID_CLIENT);
    if (grantType === "refresh_token") {
      if (!params.refresh_token) return oauthError(ctx, 400, "invalid_request", "Missing required parameter: refresh_token.");
      const result = refreshTokens(env.store, app, params.refresh_token);
      if (!result.ok) return oauthError(ctx, 400, "invalid_grant", INVALID_GRANT);
      return ctx.json(200, tokenJson(result.tokens), { "Cache-Control": "no-store" });
    }
    if (!params.code) return oauthError(ctx, 400, "invalid_request", "Missing required parameter: code.");
    countCodeExchange(env.store, "gitlab");
    const redeemed = redeemCode(env.store, app, params, "exact_if_sent_at_authorize");
    if (!redeemed.ok) return oauthError(ctx, 400, "invalid_grant", INVALID_GRANT);
    const { tokens } = mintForCode(env.store, app, redeemed.code, redeemed.user);
    ctx.json(200, tokenJson(tokens), { "Cache-Control": "no-store" });
  });

  router.on("POST", "/oauth/revoke", async (ctx) => {
    const params = await ctx.bodyParams();
    const app = authenticateClient(ctx, env, params);
    if (!app) return oauthError(ctx, 403, "unauthorized_client", "You are not authorized to revoke this token");
    const token = params.token ? env.store.tokensByValue.get(params.token) : undefined;
    // RFC 7009: an unknown token is not an error. Access and refresh token are one record in
    // Doorkeeper, so revoking either revokes both.
    if (token && token.provider === "gitlab" && token.clientId === app.clientId && token.revokedAt === null) {
      const pair: TokenRecord[] = [token];
      for (const other of env.store.tokens.values()) {
        if (other.kind === "refresh" && other.accessTokenId === token.id) pair.push(other);
        if (token.kind === "refresh" && other.id === token.accessTokenId) pair.push(other);
      }
      for (const t of pair) env.store.revokeToken(t, "api");
    }
    ctx.json(200, {});
  });

  router.on("GET", "/oauth/token/info", (ctx) => {
    const value = tokenFromRequest(ctx);
    const token = value ? env.store.tokensByValue.get(value) : undefined;
    const valid =
      token &&
      token.provider === "gitlab" &&
      token.kind === "oauth" &&
      token.revokedAt === null &&
      !ctx.expireTokens &&
      (token.expiresAt === null || token.expiresAt > Date.now());
    if (!token || !valid) {
      ctx.json(
        401,
        { error: "invalid_token", error_description: "The access token is invalid", state: "unauthorized" },
        { "WWW-Authenticate": 'Bearer realm="Doorkeeper", error="invalid_token", error_description="The access token is invalid"' },
      );
      return;
    }
    const expiresIn = token.expiresAt === null ? null : Math.max(0, Math.round((token.expiresAt - Date.now()) / 1000));
    ctx.json(200, {
      resource_owner_id: token.userId,
      scope: token.scopes,
      expires_in: expiresIn,
      application: { uid: token.clientId },
      created_at: Math.floor(token.createdAt / 1000),
      scopes: token.scopes,
      expires_in_seconds: expiresIn,
    });
  });
}
