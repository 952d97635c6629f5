import { createHmac, randomBytes, randomUUID } from "node:crypto";
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
import type { OAuthApp, User } from "../types";
import { AZURE_DEVOPS_RESOURCE, type AzEnv } from "./common";

/** Tenants an app answers under: its own, or the multi-tenant aliases. */
const ALIASES = ["common", "organizations"];

/** Entra ID's error body: the AADSTS code sits in the description and in `error_codes`. */
function entraError(ctx: Ctx, status: number, error: string, code: number, text: string): void {
  const traceId = randomUUID();
  const correlationId = randomUUID();
  const timestamp = new Date().toISOString().replace("T", " ").replace(/\.\d{3}Z$/, "Z");
  ctx.json(
    status,
    {
      error,
      error_description: `AADSTS${code}: ${text} Trace ID: ${traceId} Correlation ID: ${correlationId} Timestamp: ${timestamp}`,
      error_codes: [code],
      timestamp,
      trace_id: traceId,
      correlation_id: correlationId,
      error_uri: `${ctx.baseUrl}/error?code=${code}`,
    },
    { "Cache-Control": "no-store, no-cache", Pragma: "no-cache" },
  );
}

function tenantMatches(app: OAuthApp, tenant: string): boolean {
  return ALIASES.includes(tenant.toLowerCase()) || tenant.toLowerCase() === app.tenant.toLowerCase();
}

/** Scopes echoed in the token response: resource scopes only, `.default` expanded. */
function resourceScopes(scopes: string[]): string {
  return scopes
    .filter((scope) => scope.includes("/"))
    .map((scope) => (scope.endsWith("/.default") ? `${AZURE_DEVOPS_RESOURCE}/user_impersonation` : scope))
    .join(" ");
}

function idToken(env: AzEnv, app: OAuthApp, user: User, nonce: string | null): string {
  const now = Math.floor(Date.now() / 1000);
  const part = (value: object) => Buffer.from(JSON.stringify(value)).toString("base64url");
  const claims = {
    aud: app.clientId,
    iss: `${env.entraUrl()}/${app.tenant}/v2.0`,
    iat: now,
    nbf: now,
    exp: now + 3600,
    name: user.name,
    nonce: nonce ?? undefined,
    oid: user.uuid,
    preferred_username: user.email,
    sub: createHmac("sha256", app.clientId).update(user.uuid).digest("base64url"),
    tid: app.tenant,
    ver: "2.0",
  };
  const body = `${part({ typ: "JWT", alg: "HS256", kid: "sandbox" })}.${part(claims)}`;
  return `${body}.${createHmac("sha256", randomBytes(32)).update(body).digest("base64url")}`;
}

function tokenJson(env: AzEnv, app: OAuthApp, user: User, tokens: IssuedTokens, nonce: string | null): Record<string, unknown> {
  const scopes = tokens.access.scopes;
  const body: Record<string, unknown> = {
    token_type: "Bearer",
    scope: resourceScopes(scopes),
    expires_in: tokens.expiresIn,
    ext_expires_in: tokens.expiresIn,
    access_token: tokens.access.value,
  };
  if (tokens.refresh) body.refresh_token = tokens.refresh.value;
  if (scopes.includes("openid")) body.id_token = idToken(env, app, user, nonce);
  return body;
}

/** Microsoft Entra ID (v2.0 endpoints) as Azure DevOps Services uses it for OAuth. */
export function registerEntraRoutes(router: Router, env: AzEnv): void {
  const pathOf = (tenant: string) => `/${tenant}/oauth2/v2.0/authorize`;

  router.on("GET", "/:tenant/oauth2/v2.0/authorize", (ctx) => {
    const q = ctx.query;
    const tenant = ctx.params.tenant ?? "";
    const clientId = q.get("client_id") ?? "";
    const app = env.store.apps.get(clientId);
    if (!app || app.provider !== "azure-devops" || !tenantMatches(app, tenant)) {
      const text = `AADSTS700016: Application with identifier '${clientId}' was not found in the directory '${tenant}'.`;
      return ctx.html(400, errorPage("Sign in", text));
    }
    const redirectParam = q.get("redirect_uri");
    if (redirectParam !== null && !exactRedirectAllowed(app, redirectParam)) {
      const text = `AADSTS50011: The redirect URI '${redirectParam}' specified in the request does not match the redirect URIs configured for the application '${app.clientId}'.`;
      return ctx.html(400, errorPage("Sign in", text));
    }
    const redirectUri = redirectParam ?? (app.callbackUrls[0] as string);
    const state = q.get("state");
    const fail = (error: string, description: string) => ctx.redirect(appendQuery(redirectUri, { error, error_description: description, state }));
    if (q.get("response_type") !== "code") {
      return fail("unsupported_response_type", "AADSTS700054: response_type 'id_token' is not enabled for the application.");
    }
    const scopes = splitScopes(q.get("scope"));
    if (scopes.length === 0) return fail("invalid_request", "AADSTS900144: The request body must contain the following parameter: 'scope'.");
    const challenge = q.get("code_challenge");
    const method = challenge ? (q.get("code_challenge_method") ?? "plain") : null;
    if (method !== null && method !== "S256" && method !== "plain") {
      return fail("invalid_request", "AADSTS501491: Invalid size of Code_Challenge parameter.");
    }
    beginAuthorize(
      ctx,
      env.store,
      {
        provider: "azure-devops",
        clientId: app.clientId,
        redirectUri,
        redirectUriParam: redirectParam,
        scopes,
        state,
        codeChallenge: challenge,
        codeChallengeMethod: method,
        nonce: q.get("nonce"),
      },
      { providerLabel: "Microsoft", actionPath: pathOf(tenant), loginHint: q.get("login_hint") },
    );
  });

  router.on("POST", "/:tenant/oauth2/v2.0/authorize", (ctx) =>
    completeConsent(ctx, env.store, "azure-devops", {
      error: "access_denied",
      error_description: "AADSTS65004: User declined to consent to access the app.",
    }),
  );

  router.on("POST", "/:tenant/oauth2/v2.0/token", async (ctx) => {
    const params = await ctx.bodyParams();
    const grantType = params.grant_type;
    if (!grantType) return entraError(ctx, 400, "invalid_request", 900144, "The request body must contain the following parameter: 'grant_type'.");
    if (grantType !== "authorization_code" && grantType !== "refresh_token") {
      return entraError(ctx, 400, "unsupported_grant_type", 70003, "The app requested an unsupported grant type.");
    }
    const creds = clientCredentials(ctx, params);
    const app = creds.clientId ? env.store.apps.get(creds.clientId) : undefined;
    if (!app || app.provider !== "azure-devops" || !tenantMatches(app, ctx.params.tenant ?? "")) {
      return entraError(ctx, 400, "unauthorized_client", 700016, `Application with identifier '${creds.clientId ?? ""}' was not found in the directory '${ctx.params.tenant ?? ""}'.`);
    }
    if (app.clientSecret !== creds.clientSecret) {
      return entraError(ctx, 401, "invalid_client", 7000215, `Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${app.clientId}'.`);
    }
    if (grantType === "refresh_token") {
      if (!params.refresh_token) return entraError(ctx, 400, "invalid_request", 900144, "The request body must contain the following parameter: 'refresh_token'.");
      const result = refreshTokens(env.store, app, params.refresh_token);
      if (!result.ok) {
        if (result.reason === "revoked") return entraError(ctx, 400, "invalid_grant", 50173, "The provided grant has expired due to it being revoked, a fresh auth token is needed.");
        if (result.reason === "expired") return entraError(ctx, 400, "invalid_grant", 700082, "The refresh token has expired due to inactivity.");
        return entraError(ctx, 400, "invalid_grant", 9002313, "Invalid request. Request is malformed or invalid.");
      }
      const user = env.store.users.get(result.tokens.access.userId) as User;
      return ctx.json(200, tokenJson(env, app, user, result.tokens, null), { "Cache-Control": "no-store, no-cache" });
    }
    if (!params.code) return entraError(ctx, 400, "invalid_request", 900144, "The request body must contain the following parameter: 'code'.");
    countCodeExchange(env.store, "azure-devops");
    const redeemed = redeemCode(env.store, app, params, "exact_if_sent_at_authorize");
    if (!redeemed.ok) {
      switch (redeemed.reason) {
        case "used":
          return entraError(ctx, 400, "invalid_grant", 54005, "OAuth2 Authorization code was already redeemed, please retry with a new valid code or use an existing refresh token.");
        case "expired":
          return entraError(ctx, 400, "invalid_grant", 70008, "The provided authorization code or refresh token has expired due to inactivity.");
        case "redirect_mismatch":
          return entraError(ctx, 400, "invalid_grant", 500112, `The reply address '${params.redirect_uri ?? ""}' does not match the reply address provided when requesting Authorization code.`);
        case "pkce_missing":
        case "pkce_mismatch":
          return entraError(ctx, 400, "invalid_grant", 501481, "The Code_Verifier does not match the code_challenge supplied in the authorization request.");
        default:
          return entraError(ctx, 400, "invalid_grant", 9002313, "Invalid request. Request is malformed or invalid.");
      }
    }
    const { tokens } = mintForCode(env.store, app, redeemed.code, redeemed.user);
    ctx.json(200, tokenJson(env, app, redeemed.user, tokens, redeemed.code.nonce), { "Cache-Control": "no-store, no-cache" });
  });

  router.on("GET", "/:tenant/v2.0/.well-known/openid-configuration", (ctx) => {
    const base = `${env.entraUrl()}/${ctx.params.tenant ?? "common"}`;
    ctx.json(200, {
      token_endpoint: `${base}/oauth2/v2.0/token`,
      token_endpoint_auth_methods_supported: ["client_secret_post", "private_key_jwt", "client_secret_basic"],
      jwks_uri: `${base}/discovery/v2.0/keys`,
      response_modes_supported: ["query", "fragment", "form_post"],
      subject_types_supported: ["pairwise"],
      id_token_signing_alg_values_supported: ["RS256"],
      response_types_supported: ["code", "id_token", "code id_token", "id_token token"],
      scopes_supported: ["openid", "profile", "email", "offline_access"],
      issuer: `${env.entraUrl()}/{tenantid}/v2.0`,
      request_uri_parameter_supported: false,
      userinfo_endpoint: "https://graph.microsoft.com/oidc/userinfo",
      authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
      code_challenge_methods_supported: ["plain", "S256"],
      end_session_endpoint: `${base}/oauth2/v2.0/logout`,
      claims_supported: ["sub", "iss", "aud", "exp", "iat", "nonce", "preferred_username", "name", "tid", "ver", "oid"],
      tenant_region_scope: "WW",
    });
  });
}
