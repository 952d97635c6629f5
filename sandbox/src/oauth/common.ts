import { createHash, randomUUID } from "node:crypto";
import type { Ctx } from "../http/server";
import type { SandboxStore } from "../store";
import { issueOAuthTokens, OAUTH_POLICY, randomBase62, randomHex, type IssuedTokens } from "../tokens";
import type { AuthCode, Grant, OAuthApp, PendingConsent, ProviderId, TokenRecord, User } from "../types";
import { consentPage, errorPage } from "./consent-page";

const CODE_TTL_MS = 10 * 60 * 1000;
const CONSENT_TTL_MS = 30 * 60 * 1000;

/** HTTP Basic credentials from an Authorization header, or null. */
export function parseBasicAuth(header: string | undefined): { username: string; password: string } | null {
  if (!header) return null;
  const m = /^Basic\s+(.+)$/i.exec(header.trim());
  if (!m || !m[1]) return null;
  const decoded = Buffer.from(m[1], "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  if (colon < 0) return null;
  return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

/** The token of `Authorization: Bearer X` (or GitHub's `token X`), or null. */
export function bearerToken(header: string | undefined): string | null {
  if (!header) return null;
  const m = /^(?:Bearer|token)\s+(\S+)\s*$/i.exec(header.trim());
  return m?.[1] ?? null;
}

/** Client credentials from HTTP Basic (preferred) or the body (`client_secret_post`). */
export function clientCredentials(ctx: Ctx, params: Record<string, string>): { clientId: string | null; clientSecret: string | null; via: "basic" | "body" | "none" } {
  const basic = parseBasicAuth(ctx.req.headers.authorization);
  if (basic) {
    return { clientId: decodeURIComponent(basic.username), clientSecret: decodeURIComponent(basic.password), via: "basic" };
  }
  if (params.client_id) return { clientId: params.client_id, clientSecret: params.client_secret ?? null, via: "body" };
  return { clientId: null, clientSecret: null, via: "none" };
}

/** Checks a PKCE verifier against the challenge (RFC 7636, `S256` or `plain`). */
export function verifyPkce(challenge: string, method: string | null, verifier: string): boolean {
  if ((method ?? "plain").toLowerCase() === "plain") return challenge === verifier;
  return createHash("sha256").update(verifier).digest("base64url") === challenge;
}

/** RFC 6749/OAuth 2.1: the redirect_uri must equal a registered one exactly. */
export function exactRedirectAllowed(app: OAuthApp, given: string): boolean {
  return app.callbackUrls.includes(given);
}

/**
 * GitHub's rule: same scheme, host and port as the registered callback, and a path equal to or
 * below the callback's path.
 */
export function githubRedirectAllowed(app: OAuthApp, given: string): boolean {
  let target: URL;
  try {
    target = new URL(given);
  } catch {
    return false;
  }
  return app.callbackUrls.some((registered) => {
    const base = new URL(registered);
    if (base.protocol !== target.protocol || base.host !== target.host) return false;
    const basePath = base.pathname.replace(/\/+$/, "");
    return target.pathname === base.pathname || target.pathname === basePath || target.pathname.startsWith(`${basePath}/`);
  });
}

/** Adds query parameters to a redirect URI, skipping null values. */
export function appendQuery(uri: string, params: Record<string, string | null | undefined>): string {
  const url = new URL(uri);
  for (const [key, value] of Object.entries(params)) if (value !== null && value !== undefined) url.searchParams.set(key, value);
  return url.toString();
}

/** Scopes from a space- or comma-separated list, without duplicates. */
export function splitScopes(value: string | null | undefined): string[] {
  if (!value) return [];
  return [...new Set(value.split(/[\s,]+/).filter(Boolean))];
}

export interface ConsentOptions {
  providerLabel: string;
  /** Path the consent form posts to. */
  actionPath: string;
}

/**
 * Continues a validated authorize request: with auto-approve on, redirects straight back with a
 * code; otherwise shows the consent page.
 */
export function beginAuthorize(
  ctx: Ctx,
  store: SandboxStore,
  request: Omit<PendingConsent, "id" | "expiresAt" | "userId">,
  opts: ConsentOptions & { loginHint?: string | null },
): void {
  const user = (opts.loginHint ? store.userByLogin(request.provider, opts.loginHint) : undefined) ?? store.sessionUser(request.provider);
  if (!user) {
    ctx.html(200, errorPage("Sign in", `No ${opts.providerLabel} user exists in the sandbox yet: create one through the admin API.`));
    return;
  }
  const pending: PendingConsent = { ...request, id: randomUUID(), userId: user.id, expiresAt: Date.now() + CONSENT_TTL_MS };
  if (store.autoApprove.get(request.provider)) {
    ctx.redirect(approve(store, pending));
    return;
  }
  store.consentRequests.set(pending.id, pending);
  const app = store.apps.get(request.clientId);
  ctx.html(
    200,
    consentPage({
      providerLabel: opts.providerLabel,
      appName: app?.name ?? request.clientId,
      login: user.login,
      scopes: request.scopes,
      requestId: pending.id,
      actionPath: opts.actionPath,
      redirectUri: request.redirectUri,
    }),
  );
}

/** Handles the consent form: approve redirects with a code, deny with `error=access_denied`. */
export async function completeConsent(
  ctx: Ctx,
  store: SandboxStore,
  provider: ProviderId,
  deny: Record<string, string>,
): Promise<void> {
  const form = await ctx.bodyParams();
  const pending = form.request_id ? store.consentRequests.get(form.request_id) : undefined;
  if (!pending || pending.provider !== provider || pending.expiresAt < Date.now()) {
    ctx.html(400, errorPage("Authorization request expired", "Start the authorization again from the application."));
    return;
  }
  store.consentRequests.delete(pending.id);
  if (form.decision !== "approve") {
    ctx.redirect(appendQuery(pending.redirectUri, { ...deny, state: pending.state }));
    return;
  }
  ctx.redirect(approve(store, pending));
}

function approve(store: SandboxStore, pending: PendingConsent): string {
  const code: AuthCode = {
    code: pending.provider === "github" ? randomHex(10) : randomBase62(40),
    provider: pending.provider,
    clientId: pending.clientId,
    userId: pending.userId,
    redirectUri: pending.redirectUriParam,
    scopes: pending.scopes,
    codeChallenge: pending.codeChallenge,
    codeChallengeMethod: pending.codeChallengeMethod,
    nonce: pending.nonce,
    expiresAt: Date.now() + CODE_TTL_MS,
    usedAt: null,
    tokenIds: [],
  };
  store.codes.set(code.code, code);
  return appendQuery(pending.redirectUri, { code: code.code, state: pending.state });
}

export type RedeemResult =
  | { ok: true; code: AuthCode; user: User }
  | { ok: false; reason: "invalid" | "expired" | "used" | "redirect_mismatch" | "pkce_missing" | "pkce_mismatch" };

/** Checks an authorization code for the token endpoint and marks it used. */
export function redeemCode(
  store: SandboxStore,
  app: OAuthApp,
  params: { code?: string; redirect_uri?: string; code_verifier?: string },
  redirectRule: "exact_if_sent_at_authorize" | "github",
): RedeemResult {
  const code = params.code ? store.codes.get(params.code) : undefined;
  if (!code || code.provider !== app.provider || code.clientId !== app.clientId) return { ok: false, reason: "invalid" };
  if (code.usedAt !== null) return { ok: false, reason: "used" };
  if (code.expiresAt < Date.now()) return { ok: false, reason: "expired" };
  if (redirectRule === "github") {
    if (params.redirect_uri && !githubRedirectAllowed(app, params.redirect_uri)) return { ok: false, reason: "redirect_mismatch" };
  } else if (code.redirectUri !== null && params.redirect_uri !== code.redirectUri) {
    return { ok: false, reason: "redirect_mismatch" };
  }
  if (code.codeChallenge !== null) {
    if (!params.code_verifier) return { ok: false, reason: "pkce_missing" };
    if (!verifyPkce(code.codeChallenge, code.codeChallengeMethod, params.code_verifier)) return { ok: false, reason: "pkce_mismatch" };
  }
  const user = store.users.get(code.userId);
  if (!user) return { ok: false, reason: "invalid" };
  code.usedAt = Date.now();
  return { ok: true, code, user };
}

/** Finds or creates the user's grant for the app and mints tokens under it. */
export function mintForCode(store: SandboxStore, app: OAuthApp, code: AuthCode, user: User): { grant: Grant; tokens: IssuedTokens } {
  let grant = store.activeGrant(app.provider, app.clientId, user.id);
  if (!grant) {
    grant = { id: store.nextId(), provider: app.provider, clientId: app.clientId, userId: user.id, scopes: [], createdAt: Date.now(), revokedAt: null };
    store.grants.set(grant.id, grant);
  }
  grant.scopes = [...new Set([...grant.scopes, ...code.scopes])];
  const tokens = issueOAuthTokens(store, { app, user, scopes: code.scopes, grantId: grant.id });
  code.tokenIds.push(tokens.access.id);
  return { grant, tokens };
}

export type RefreshResult =
  | { ok: true; tokens: IssuedTokens; previous: TokenRecord }
  | { ok: false; reason: "invalid" | "expired" | "revoked" | "used" };

/** Exchanges a refresh token following the provider's rotation policy. */
export function refreshTokens(store: SandboxStore, app: OAuthApp, value: string | undefined): RefreshResult {
  const counters = store.counters(app.provider);
  counters.refresh_token += 1;
  const result = refreshInner(store, app, value);
  if (!result.ok) counters.refresh_token_failed += 1;
  return result;
}

function refreshInner(store: SandboxStore, app: OAuthApp, value: string | undefined): RefreshResult {
  const token = value ? store.tokensByValue.get(value) : undefined;
  if (!token || token.kind !== "refresh" || token.provider !== app.provider || token.clientId !== app.clientId) {
    return { ok: false, reason: "invalid" };
  }
  if (token.usedAt) return { ok: false, reason: "used" };
  if (token.revokedAt !== null) return { ok: false, reason: "revoked" };
  if (token.expiresAt !== null && token.expiresAt <= Date.now()) return { ok: false, reason: "expired" };
  const user = store.users.get(token.userId);
  const grant = token.grantId !== undefined ? store.grants.get(token.grantId) : undefined;
  if (!user || !grant || grant.revokedAt !== null) return { ok: false, reason: "revoked" };
  const policy = OAUTH_POLICY[app.provider];
  const oldAccess = token.accessTokenId !== undefined ? store.tokens.get(token.accessTokenId) : undefined;
  if (policy.revokesOldAccessToken && oldAccess && oldAccess.revokedAt === null) oldAccess.revokedAt = Date.now();
  if (policy.revokesUsedRefreshToken) {
    token.usedAt = Date.now();
    token.revokedAt = Date.now();
  }
  const tokens = issueOAuthTokens(store, {
    app,
    user,
    scopes: token.scopes,
    grantId: grant.id,
    reuseRefresh: policy.rotatesRefreshToken ? undefined : token,
  });
  return { ok: true, tokens, previous: token };
}

/** Counts an authorization-code exchange (for assertions through the admin API). */
export function countCodeExchange(store: SandboxStore, provider: ProviderId): void {
  store.counters(provider).authorization_code += 1;
}
