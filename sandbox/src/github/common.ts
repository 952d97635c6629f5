import { createHash, randomBytes } from "node:crypto";
import type { Ctx } from "../http/server";
import { bearerToken, parseBasicAuth } from "../oauth/common";
import { atLeast, minPermission, userPermission } from "../permissions";
import type { SandboxStore } from "../store";
import { checkToken } from "../tokens";
import type { Permission, Repo, TokenRecord, User } from "../types";

export const DOCS = "https://docs.github.com";

export interface GhEnv {
  store: SandboxStore;
  webUrl: () => string;
  apiUrl: () => string;
  /** HOME for sandbox-side git. */
  home: string;
  reposRoot: string;
}

export interface GhAuth {
  token: TokenRecord | null;
  user: User | null;
}

/** ISO 8601 without milliseconds, as GitHub formats times. */
export function iso(ms: number | null): string | null {
  return ms === null ? null : new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");
}

/** GitHub's error body: `{ message, documentation_url, status }`. */
export function ghError(ctx: Ctx, status: number, message: string, docPath = "/rest", headers: Record<string, string> = {}): void {
  ctx.json(status, { message, documentation_url: `${DOCS}${docPath}`, status: String(status) }, headers);
}

/** GitHub's 422 `Validation Failed` with its `errors` list. */
export function ghValidationError(
  ctx: Ctx,
  docPath: string,
  errors: { resource: string; field?: string; code: string; message?: string }[],
  message = "Validation Failed",
): void {
  ctx.json(422, { message, errors, documentation_url: `${DOCS}${docPath}`, status: "422" });
}

/** GitHub's JSON 404. */
export function ghNotFound(ctx: Ctx, docPath = "/rest"): void {
  ghError(ctx, 404, "Not Found", docPath);
}

/** Headers every api.github.com response carries. */
export function baseHeaders(ctx: Ctx): void {
  ctx.header("x-github-api-version-selected", "2022-11-28");
  ctx.header("x-github-media-type", "github.v3; format=json");
  ctx.header("x-github-request-id", randomBytes(8).toString("hex").toUpperCase());
}

function rateLimitHeaders(ctx: Ctx, store: SandboxStore, key: string, limit: number): void {
  const now = Math.floor(Date.now() / 1000);
  let window = store.rateWindows.get(key);
  if (!window || window.reset <= now) {
    window = { reset: now + 3600, used: 0 };
    store.rateWindows.set(key, window);
  }
  window.used += 1;
  ctx.header("x-ratelimit-limit", String(limit));
  ctx.header("x-ratelimit-remaining", String(Math.max(0, limit - window.used)));
  ctx.header("x-ratelimit-reset", String(window.reset));
  ctx.header("x-ratelimit-used", String(window.used));
  ctx.header("x-ratelimit-resource", "core");
}

/** The caller's current rate-limit window, for `GET /rate_limit`. */
export function rateSnapshot(
  store: SandboxStore,
  key: string,
  limit: number,
): { limit: number; remaining: number; reset: number; used: number } {
  const now = Math.floor(Date.now() / 1000);
  const window = store.rateWindows.get(key);
  const used = window && window.reset > now ? window.used : 0;
  return { limit, remaining: Math.max(0, limit - used), reset: window?.reset ?? now + 3600, used };
}

/** Whose rate-limit window a request counts against: the user, else the client address. */
export function rateKey(auth: GhAuth, ctx: Ctx): string {
  return auth.user ? `user:${auth.user.id}` : `ip:${ctx.req.socket.remoteAddress ?? ""}`;
}

/** Classic PATs and OAuth app tokens carry scopes; fine-grained PATs and GitHub App tokens do not. */
export function hasScopes(token: TokenRecord): boolean {
  return token.kind === "pat" || (token.kind === "oauth" && token.value.startsWith("gho_"));
}

/** The token string from `Authorization: token|Bearer X` or Basic `user:X`. */
export function tokenFromRequest(ctx: Ctx): string | null {
  const header = ctx.req.headers.authorization;
  return bearerToken(header) ?? parseBasicAuth(header)?.password ?? null;
}

/**
 * Authenticates an API request. Anonymous requests pass (public data); a bad, expired or revoked
 * token answers 401 "Bad credentials". Returns null when it has answered.
 */
export function authenticate(ctx: Ctx, env: GhEnv): GhAuth | null {
  baseHeaders(ctx);
  const value = tokenFromRequest(ctx);
  if (value === null) {
    rateLimitHeaders(ctx, env.store, rateKey({ token: null, user: null }, ctx), 60);
    return { token: null, user: null };
  }
  const check = checkToken(env.store, "github", value, { forceExpired: ctx.expireTokens });
  if (!check.ok) {
    ghError(ctx, 401, "Bad credentials", "/rest");
    return null;
  }
  const auth = { token: check.token, user: check.user };
  rateLimitHeaders(ctx, env.store, rateKey(auth, ctx), 5000);
  if (hasScopes(check.token)) ctx.header("X-OAuth-Scopes", check.token.scopes.join(", "));
  if (check.token.kind !== "oauth" && check.token.expiresAt !== null) {
    ctx.header(
      "github-authentication-token-expiration",
      new Date(check.token.expiresAt).toISOString().replace("T", " ").replace(/\.\d{3}Z$/, " UTC"),
    );
  }
  return auth;
}

/** Demands an authenticated user (401 `Requires authentication` otherwise). */
export function requireUser(ctx: Ctx, auth: GhAuth, docPath: string): auth is { token: TokenRecord; user: User } {
  if (auth.user && auth.token) return true;
  ghError(ctx, 401, "Requires authentication", docPath);
  return false;
}

/** What the token itself allows on a repository, before the user's own permission. */
export function tokenCapability(token: TokenRecord | null, repo: Repo): Permission | null {
  if (!token) return repo.private ? null : "read";
  if (token.kind === "fine_grained") {
    const granted = token.repositories?.[repo.path] ?? token.repositories?.[repo.path.toLowerCase()];
    return granted ?? (repo.private ? null : "read");
  }
  if (!hasScopes(token)) return "admin"; // GitHub App user token: the app's permissions
  if (token.scopes.includes("repo")) return "admin";
  if (!repo.private && token.scopes.includes("public_repo")) return "admin";
  return repo.private ? null : "read";
}

/** The user's permission capped by what the token allows; null = the repository is invisible. */
export function effectivePermission(auth: GhAuth, repo: Repo): Permission | null {
  return minPermission(userPermission(repo, auth.user), tokenCapability(auth.token, repo));
}

/** Logins that are no user are treated as organizations. */
export function isOrganization(env: GhEnv, login: string): boolean {
  return env.store.userByLogin("github", login) === undefined;
}

/** Whether SAML SSO keeps this token out of an organization's resources. */
export function ssoBlocked(env: GhEnv, token: TokenRecord | null, owner: string): boolean {
  const orgs = token?.ssoUnauthorizedOrgs;
  if (!orgs || !isOrganization(env, owner)) return false;
  return orgs.length === 0 || orgs.some((org) => org.toLowerCase() === owner.toLowerCase());
}

/** GitHub's 403 for a token not authorized for an organization's SAML SSO, with `X-GitHub-SSO`. */
export function ssoRequired(ctx: Ctx, env: GhEnv, token: TokenRecord | null, org: string): void {
  const kind = token?.kind === "oauth" ? "OAuth token" : "Personal Access token";
  const id = createHash("sha1").update(`${org}:${token?.id ?? 0}`).digest("hex");
  ctx.json(
    403,
    {
      message: `Resource protected by organization SAML enforcement. You must grant your ${kind} access to this organization.`,
      documentation_url: `${DOCS}/articles/authenticating-to-a-github-organization-with-saml-single-sign-on/`,
      status: "403",
    },
    { "X-GitHub-SSO": `required; url=${env.webUrl()}/orgs/${org}/sso?authorization_request=${id}` },
  );
}

export interface RepoAccess {
  repo: Repo;
  /** The user's permission capped by the token's. */
  permission: Permission;
  /** The user's own permission (labels and assignees need write, whatever the token). */
  userPermission: Permission;
}

/** What an endpoint needs: one level for both, or separate levels for the user and the token. */
export type AccessNeed = Permission | { user: Permission; token: Permission };

/**
 * Resolves `owner/repo` for the request and checks the access it needs: 404 when the repository
 * is invisible to the token or user (as GitHub hides private repositories, and answers a classic
 * token lacking a scope the same way), 403 when a fine-grained or app token lacks the permission,
 * 403 when the user lacks it, 403 with `X-GitHub-SSO` when SAML SSO blocks the token.
 */
export function repoAccess(ctx: Ctx, env: GhEnv, auth: GhAuth, need: AccessNeed, docPath: string): RepoAccess | null {
  const userNeed = typeof need === "string" ? need : need.user;
  const tokenNeed = typeof need === "string" ? need : need.token;
  ctx.header("X-Accepted-OAuth-Scopes", "repo");
  const repo = env.store.repoByPath("github", `${ctx.params.owner ?? ""}/${ctx.params.repo ?? ""}`);
  if (!repo) {
    ghNotFound(ctx, docPath);
    return null;
  }
  if (ssoBlocked(env, auth.token, repo.owner)) {
    ssoRequired(ctx, env, auth.token, repo.owner);
    return null;
  }
  const userPerm = userPermission(repo, auth.user);
  const tokenCap = tokenCapability(auth.token, repo);
  const permission = minPermission(userPerm, tokenCap);
  if (permission === null || userPerm === null) {
    ghNotFound(ctx, docPath);
    return null;
  }
  if (!auth.token && tokenNeed !== "read") {
    ghError(ctx, 401, "Requires authentication", docPath);
    return null;
  }
  if (!atLeast(tokenCap, tokenNeed)) {
    if (auth.token?.kind === "fine_grained") ghError(ctx, 403, "Resource not accessible by personal access token", docPath);
    else if (auth.token && !hasScopes(auth.token)) ghError(ctx, 403, "Resource not accessible by integration", docPath);
    else ghNotFound(ctx, docPath);
    return null;
  }
  if (!atLeast(userPerm, userNeed)) {
    ghError(ctx, 403, "Must have push access to repository", docPath);
    return null;
  }
  return { repo, permission, userPermission: userPerm };
}

/** GitHub's `page` / `per_page` query parameters (30 per page, at most 100). */
export function pageParams(ctx: Ctx): { page: number; perPage: number } {
  const page = Math.max(1, Number.parseInt(ctx.query.get("page") ?? "1", 10) || 1);
  const perPage = Math.min(100, Math.max(1, Number.parseInt(ctx.query.get("per_page") ?? "30", 10) || 30));
  return { page, perPage };
}

/** Slices a list and sets GitHub's `Link` header for the neighbouring pages. */
export function paginate<T>(ctx: Ctx, items: T[]): T[] {
  const { page, perPage } = pageParams(ctx);
  const last = Math.max(1, Math.ceil(items.length / perPage));
  const link = (p: number, rel: string) => {
    const url = new URL(ctx.url.toString());
    url.searchParams.set("page", String(p));
    url.searchParams.set("per_page", String(perPage));
    return `<${url.toString()}>; rel="${rel}"`;
  };
  const links: string[] = [];
  if (page > 1) links.push(link(page - 1, "prev"), link(1, "first"));
  if (page < last) links.push(link(page + 1, "next"), link(last, "last"));
  if (links.length > 0) ctx.header("Link", links.join(", "));
  return items.slice((page - 1) * perPage, page * perPage);
}
