import type { Ctx } from "../http/server";
import type { Router } from "../http/router";
import {
  appendQuery,
  beginAuthorize,
  completeConsent,
  countCodeExchange,
  githubRedirectAllowed,
  mintForCode,
  parseBasicAuth,
  redeemCode,
  refreshTokens,
  splitScopes,
} from "../oauth/common";
import { errorPage } from "../oauth/consent-page";
import type { IssuedTokens } from "../tokens";
import { checkToken } from "../tokens";
import type { OAuthApp, TokenRecord } from "../types";
import { baseHeaders, DOCS, ghError, ghNotFound, iso, type GhEnv } from "./common";
import { simpleUser, userAccount } from "./serializers";

const AUTHORIZE_PATH = "/login/oauth/authorize";
const AUTH_ERRORS = `${DOCS}/apps/managing-oauth-apps/troubleshooting-authorization-request-errors`;
const TOKEN_ERRORS = `${DOCS}/apps/managing-oauth-apps/troubleshooting-oauth-app-access-token-request-errors`;

/** GitHub answers token-endpoint errors with 200 and an `error` field (JSON or form-encoded per Accept). */
function tokenReply(ctx: Ctx, body: Record<string, string | number>): void {
  const accept = String(ctx.req.headers.accept ?? "");
  if (accept.includes("application/json")) {
    ctx.json(200, body);
  } else {
    const form = new URLSearchParams(Object.entries(body).map(([k, v]) => [k, String(v)])).toString();
    ctx.text(200, form, { "Content-Type": "application/x-www-form-urlencoded; charset=utf-8" });
  }
}

function tokenError(ctx: Ctx, error: string, description: string, anchor: string): void {
  tokenReply(ctx, { error, error_description: description, error_uri: `${TOKEN_ERRORS}/#${anchor}` });
}

function tokenBody(tokens: IssuedTokens, scopes: string[]): Record<string, string | number> {
  const body: Record<string, string | number> = { access_token: tokens.access.value };
  if (tokens.expiresIn !== null) body.expires_in = tokens.expiresIn;
  if (tokens.refresh) {
    body.refresh_token = tokens.refresh.value;
    if (tokens.refreshExpiresIn !== null) body.refresh_token_expires_in = tokens.refreshExpiresIn;
  }
  body.token_type = "bearer";
  body.scope = scopes.join(",");
  return body;
}

/** The web-host OAuth endpoints: authorize (consent page) and the token endpoint. */
export function registerGithubOAuthWeb(router: Router, env: GhEnv): void {
  router.on("GET", AUTHORIZE_PATH, (ctx) => {
    const q = ctx.query;
    const app = env.store.apps.get(q.get("client_id") ?? "");
    if (!app || app.provider !== "github") {
      ctx.html(404, errorPage("Page not found", "This is not the web page you are looking for."));
      return;
    }
    const redirectParam = q.get("redirect_uri");
    const callback = app.callbackUrls[0] as string;
    const state = q.get("state");
    if (redirectParam !== null && !githubRedirectAllowed(app, redirectParam)) {
      ctx.redirect(
        appendQuery(callback, {
          error: "redirect_uri_mismatch",
          error_description: "The redirect_uri MUST match the registered callback URL for this application.",
          error_uri: `${AUTH_ERRORS}/#redirect-uri-mismatch`,
          state,
        }),
      );
      return;
    }
    const method = q.get("code_challenge_method");
    const challenge = q.get("code_challenge");
    if (challenge !== null && method !== null && method !== "S256") {
      ctx.redirect(
        appendQuery(redirectParam ?? callback, {
          error: "invalid_request",
          error_description: "code_challenge_method must be S256",
          state,
        }),
      );
      return;
    }
    beginAuthorize(
      ctx,
      env.store,
      {
        provider: "github",
        clientId: app.clientId,
        redirectUri: redirectParam ?? callback,
        redirectUriParam: redirectParam,
        // GitHub Apps ignore `scope`: their permissions come from the app registration.
        scopes: app.expiringTokens ? [] : splitScopes(q.get("scope")),
        state,
        codeChallenge: challenge,
        codeChallengeMethod: challenge ? "S256" : null,
        nonce: null,
      },
      { providerLabel: "GitHub", actionPath: AUTHORIZE_PATH, loginHint: q.get("login") },
    );
  });

  router.on("POST", AUTHORIZE_PATH, (ctx) =>
    completeConsent(ctx, env.store, "github", {
      error: "access_denied",
      error_description: "The user has denied your application access.",
      error_uri: `${AUTH_ERRORS}/#access-denied`,
    }),
  );

  router.on("POST", "/login/oauth/access_token", async (ctx) => {
    const params = { ...Object.fromEntries(ctx.query), ...(await ctx.bodyParams()) };
    const basic = parseBasicAuth(ctx.req.headers.authorization);
    const clientId = params.client_id ?? basic?.username;
    const clientSecret = params.client_secret ?? basic?.password;
    const app = clientId ? env.store.apps.get(clientId) : undefined;
    if (!app || app.provider !== "github" || app.clientSecret !== clientSecret) {
      return tokenError(ctx, "incorrect_client_credentials", "The client_id and/or client_secret passed are incorrect.", "incorrect-client-credentials");
    }
    if (params.grant_type === "refresh_token") {
      const result = refreshTokens(env.store, app, params.refresh_token);
      if (!result.ok) {
        return tokenReply(ctx, {
          error: "bad_refresh_token",
          error_description: "The refresh token passed is incorrect or expired.",
          error_uri: `${DOCS}/apps/managing-github-apps/refreshing-user-to-server-access-tokens`,
        });
      }
      return tokenReply(ctx, tokenBody(result.tokens, result.tokens.access.scopes));
    }
    if (params.grant_type !== undefined && params.grant_type !== "authorization_code") {
      return tokenError(ctx, "unsupported_grant_type", "The grant type is not supported.", "unsupported-grant-type");
    }
    countCodeExchange(env.store, "github");
    const redeemed = redeemCode(env.store, app, params, "github");
    if (!redeemed.ok) {
      if (redeemed.reason === "redirect_mismatch") {
        return tokenReply(ctx, {
          error: "redirect_uri_mismatch",
          error_description: "The redirect_uri MUST match the registered callback URL for this application.",
          error_uri: `${AUTH_ERRORS}/#redirect-uri-mismatch2`,
        });
      }
      return tokenError(ctx, "bad_verification_code", "The code passed is incorrect or expired.", "bad-verification-code");
    }
    const { tokens } = mintForCode(env.store, app, redeemed.code, redeemed.user);
    tokenReply(ctx, tokenBody(tokens, redeemed.code.scopes));
  });
}

/** Basic client authentication for the `/applications/{client_id}/...` endpoints. */
function appFromBasic(ctx: Ctx, env: GhEnv, docPath: string): OAuthApp | null {
  baseHeaders(ctx);
  const basic = parseBasicAuth(ctx.req.headers.authorization);
  if (!basic) {
    ghError(ctx, 401, "Requires authentication", docPath);
    return null;
  }
  const app = env.store.apps.get(basic.username);
  if (!app || app.provider !== "github" || app.clientSecret !== basic.password) {
    ghError(ctx, 401, "Bad credentials", docPath);
    return null;
  }
  if (ctx.params.client_id !== app.clientId) {
    ghNotFound(ctx, docPath);
    return null;
  }
  return app;
}

async function tokenOfApp(ctx: Ctx, env: GhEnv, app: OAuthApp): Promise<TokenRecord | null | "missing"> {
  const body = (await ctx.jsonBody()) as Record<string, unknown>;
  if (typeof body.access_token !== "string") return "missing";
  const check = checkToken(env.store, "github", body.access_token, { forceExpired: ctx.expireTokens });
  if (!check.ok || check.token.clientId !== app.clientId) return null;
  return check.token;
}

function authorization(env: GhEnv, app: OAuthApp, token: TokenRecord): Record<string, unknown> {
  const user = env.store.users.get(token.userId);
  return {
    id: token.id,
    url: `${env.apiUrl()}/authorizations/${token.id}`,
    scopes: token.scopes,
    token: token.value,
    token_last_eight: token.value.slice(-8),
    hashed_token: null,
    app: { client_id: app.clientId, name: app.name, url: app.callbackUrls[0] ?? env.webUrl() },
    note: null,
    note_url: null,
    updated_at: iso(token.createdAt),
    created_at: iso(token.createdAt),
    fingerprint: null,
    expires_at: iso(token.expiresAt),
    user: user ? simpleUser(env, userAccount(user)) : null,
  };
}

/** The OAuth app token endpoints of the REST API: check, delete token, delete grant. */
export function registerGithubApplicationsApi(router: Router, env: GhEnv): void {
  const docCheck = "/rest/apps/oauth-applications#check-a-token";
  router.on("POST", "/applications/:client_id/token", async (ctx) => {
    const app = appFromBasic(ctx, env, docCheck);
    if (!app) return;
    const token = await tokenOfApp(ctx, env, app);
    if (token === "missing") {
      return ctx.json(422, { message: "Invalid request.\n\n\"access_token\" wasn't supplied.", documentation_url: `${DOCS}${docCheck}`, status: "422" });
    }
    if (!token) return ghNotFound(ctx, docCheck);
    ctx.json(200, authorization(env, app, token));
  });

  for (const kind of ["token", "grant"] as const) {
    const doc = kind === "token" ? "/rest/apps/oauth-applications#delete-an-app-token" : "/rest/apps/oauth-applications#delete-an-app-authorization";
    router.on("DELETE", `/applications/:client_id/${kind}`, async (ctx) => {
      const app = appFromBasic(ctx, env, doc);
      if (!app) return;
      const token = await tokenOfApp(ctx, env, app);
      if (token === "missing") {
        return ctx.json(422, { message: "Invalid request.\n\n\"access_token\" wasn't supplied.", documentation_url: `${DOCS}${doc}`, status: "422" });
      }
      if (!token) return ghNotFound(ctx, doc);
      if (kind === "token") {
        env.store.revokeToken(token, "api");
      } else {
        const grant = token.grantId !== undefined ? env.store.grants.get(token.grantId) : undefined;
        if (grant) env.store.revokeGrant(grant, "api");
        else env.store.revokeToken(token, "api");
      }
      ctx.empty(204);
    });
  }
}
