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
} from "../oauth/common";
import { errorPage } from "../oauth/consent-page";
import type { IssuedTokens } from "../tokens";
import type { SandboxStore } from "../store";

function oauthError(ctx: Ctx, status: number, error: string, description: string): void {
  ctx.json(status, { error_description: description, error });
}

function tokenJson(tokens: IssuedTokens, grantType: string): Record<string, unknown> {
  return {
    access_token: tokens.access.value,
    scopes: tokens.access.scopes.join(" "),
    token_type: "bearer",
    expires_in: tokens.expiresIn,
    state: grantType,
    refresh_token: tokens.refresh?.value,
  };
}

/** Bitbucket Cloud OAuth 2.0 on bitbucket.org: `/site/oauth2/authorize` and `/site/oauth2/access_token`. */
export function registerBitbucketOAuth(router: Router, store: SandboxStore): void {
  router.on("GET", "/site/oauth2/authorize", (ctx) => {
    const q = ctx.query;
    const app = store.apps.get(q.get("client_id") ?? "");
    if (!app || app.provider !== "bitbucket") {
      ctx.html(400, errorPage("Invalid client_id", "No consumer was found for the given client_id."));
      return;
    }
    const redirectParam = q.get("redirect_uri");
    if (redirectParam !== null && !exactRedirectAllowed(app, redirectParam)) {
      ctx.html(400, errorPage("Invalid redirect_uri", "redirect_uri does not match the consumer's callback URL."));
      return;
    }
    const redirectUri = redirectParam ?? (app.callbackUrls[0] as string);
    const state = q.get("state");
    if (q.get("response_type") !== "code") {
      ctx.redirect(appendQuery(redirectUri, { error: "unsupported_response_type", error_description: "Unsupported response type", state }));
      return;
    }
    const challenge = q.get("code_challenge");
    beginAuthorize(
      ctx,
      store,
      {
        provider: "bitbucket",
        clientId: app.clientId,
        redirectUri,
        redirectUriParam: redirectParam,
        // Bitbucket grants the scopes configured on the consumer, not requested ones.
        scopes: app.scopes,
        state,
        codeChallenge: challenge,
        codeChallengeMethod: challenge ? (q.get("code_challenge_method") ?? "plain") : null,
        nonce: null,
      },
      { providerLabel: "Bitbucket", actionPath: "/site/oauth2/authorize" },
    );
  });

  router.on("POST", "/site/oauth2/authorize", (ctx) =>
    completeConsent(ctx, store, "bitbucket", { error: "access_denied", error_description: "The user denied access to the consumer." }),
  );

  router.on("POST", "/site/oauth2/access_token", async (ctx) => {
    const params = await ctx.bodyParams();
    const creds = clientCredentials(ctx, params);
    const app = creds.clientId ? store.apps.get(creds.clientId) : undefined;
    if (!app || app.provider !== "bitbucket" || app.clientSecret !== creds.clientSecret) {
      return oauthError(ctx, 400, "invalid_client", "Invalid OAuth client credentials");
    }
    if (params.grant_type === "refresh_token") {
      const result = refreshTokens(store, app, params.refresh_token);
      if (!result.ok) return oauthError(ctx, 400, "invalid_grant", "Invalid refresh_token");
      return ctx.json(200, tokenJson(result.tokens, "refresh_token"));
    }
    if (params.grant_type !== "authorization_code") {
      return oauthError(ctx, 400, "unsupported_grant_type", `Unsupported grant type: ${params.grant_type ?? "None"}`);
    }
    countCodeExchange(store, "bitbucket");
    const redeemed = redeemCode(store, app, params, "exact_if_sent_at_authorize");
    if (!redeemed.ok) {
      const description = redeemed.reason.startsWith("pkce") ? "Invalid code_verifier" : "The specified code is not valid.";
      return oauthError(ctx, 400, "invalid_grant", description);
    }
    const { tokens } = mintForCode(store, app, redeemed.code, redeemed.user);
    ctx.json(200, tokenJson(tokens, "authorization_code"));
  });
}
