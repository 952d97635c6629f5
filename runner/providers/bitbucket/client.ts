import { getProvider } from "@/lib/providers";
import { assertTokenShape, basicAuth, commonFailure, hostOf, objectBody, send, unexpectedAnswer, type HttpAnswer } from "../http";
import { exchangeWithStyle, refreshWithStyle, type TokenEndpointStyle } from "../oauth-token";
import { ProviderError, safeIdentifier } from "../provider-error";
import { missingScopes, missingScopesError, splitScopes, type ScopeImplications } from "../scopes";
import { LISTING_BODY_BYTES, listing, validRepositories, withoutUserInfo } from "../repository-listing";
import type { CallOptions, CredentialSource, Identity, ListRepositoriesOptions, ProviderClient, RepositoryListing } from "../types";

/** Bitbucket's token endpoint takes the consumer's key and secret over HTTP Basic. */
const TOKEN_STYLE: TokenEndpointStyle = { clientAuth: "basic" };

/** OAuth consumer and API token scopes that include others (from the provider's metadata). */
export const BITBUCKET_SCOPE_IMPLICATIONS: ScopeImplications = getProvider("bitbucket").scopeImplications;

export type BitbucketTokenKind = "api_token" | "app_password" | "access_token" | "unknown";

/**
 * What kind of Bitbucket credential a string is, by the prefixes Atlassian documents as stable:
 * `ATAT` API tokens, `ATBB` app passwords, `ATCT` repository, project and workspace access tokens.
 */
export function bitbucketTokenKind(token: string): BitbucketTokenKind {
  if (token.startsWith("ATAT")) return "api_token";
  if (token.startsWith("ATBB")) return "app_password";
  if (token.startsWith("ATCT")) return "access_token";
  return "unknown";
}

const UNSUPPORTED: Partial<Record<BitbucketTokenKind, string>> = {
  app_password:
    "This is a Bitbucket app password. App passwords are retired: create an API token with scopes (the link on the form) and use it with your Atlassian account email.",
  access_token:
    "This is a repository, project or workspace access token, which does not act as your account. Create a personal API token with scopes and use it with your Atlassian account email.",
};

type Call = CallOptions & { token: string; username?: string | null };

function authFor(opts: Call & { source: CredentialSource }): Record<string, string> {
  // API tokens go with the account's email over Basic auth; OAuth tokens are bearer tokens.
  const authorization = opts.source === "pat" ? basicAuth(opts.username ?? "", opts.token) : `Bearer ${opts.token}`;
  return { accept: "application/json", authorization };
}

function errorOf(answer: HttpAnswer): Record<string, unknown> | null {
  const error = objectBody(answer)?.error;
  return error && typeof error === "object" ? (error as Record<string, unknown>) : null;
}

/** The scopes a 403 "lack one or more required privilege scopes" answer says the token has. */
export function grantedScopesOf(answer: HttpAnswer): string[] | null {
  const detail = errorOf(answer)?.detail;
  const granted = detail && typeof detail === "object" ? (detail as { granted?: unknown }).granted : undefined;
  return Array.isArray(granted) ? splitScopes(granted) : null;
}

/** Reads a Bitbucket API error (`{"type":"error","error":{"message":...}}`). */
export function bitbucketFailure(answer: HttpAnswer, opts: { host: string; source: CredentialSource; secret?: string }): ProviderError {
  const providerError = safeIdentifier(errorOf(answer)?.message, opts.secret ? [opts.secret] : []);
  const common = commonFailure(answer, opts.host, providerError);
  if (common) return common;
  const detail = { status: answer.status, providerError };
  if (answer.status === 401) {
    if (opts.source === "oauth") {
      return new ProviderError("credential_needs_reauth", "Bitbucket no longer accepts this connection's token.", { detail });
    }
    const message = "Bitbucket did not accept this email and API token: the token is wrong, expired or revoked, or the email is not your Atlassian account's.";
    return new ProviderError("pat_invalid", message, { fieldErrors: { token: ["Bitbucket did not accept this token with this email."] }, detail });
  }
  if (answer.status === 403 && grantedScopesOf(answer)) {
    const message = "The token lacks scopes Bitbucket requires for this request.";
    return new ProviderError("pat_missing_scopes", message, { fieldErrors: { token: [message] }, detail });
  }
  if (!objectBody(answer)) return unexpectedAnswer(answer, opts.host, providerError);
  return new ProviderError("provider_error", `Bitbucket answered HTTP ${answer.status}.`, { detail });
}

async function get(url: string, opts: Call & { source: CredentialSource }): Promise<HttpAnswer> {
  return send(url, { headers: authFor(opts), timeoutMs: opts.timeoutMs }, opts.signal);
}

function loginOf(answer: HttpAnswer): string | null {
  const body = objectBody(answer);
  const login = body?.username ?? body?.nickname ?? body?.account_id;
  return typeof login === "string" && login.length > 0 ? login : null;
}

function requireEmail(username: string | null | undefined): string {
  const email = username?.trim() ?? "";
  if (!/^[^\s@:]+@[^\s@:]+$/.test(email)) {
    const message = "Enter the email address of your Atlassian account: Bitbucket API tokens are used with it.";
    throw new ProviderError("validation_failed", message, { fieldErrors: { username: [message] } });
  }
  return email;
}

async function identify(opts: Call & { source: CredentialSource }): Promise<Identity> {
  assertTokenShape(opts.token);
  const call = opts.source === "pat" ? { ...opts, username: requireEmail(opts.username) } : opts;
  const url = opts.endpoints.userUrl;
  const answer = await get(url, call);
  const login = loginOf(answer);
  if (answer.status === 200 && login) {
    const header = answer.headers.get("x-oauth-scopes");
    return { login, scopes: header === null ? null : splitScopes(header), expiresAt: null };
  }
  if (answer.status === 200) throw unexpectedAnswer(answer, hostOf(url));
  throw bitbucketFailure(answer, { host: hostOf(url), source: opts.source, secret: opts.token });
}

/**
 * Checks an API token: its kind by prefix, the account (email + token over Basic), then the
 * repository scope by listing the account's repositories. Bitbucket reports a token's scopes
 * only in 403 answers ("granted"), so when both calls succeed the scopes stay unknown.
 */
async function validatePat(opts: Parameters<ProviderClient["validatePat"]>[0]): Promise<Identity> {
  assertTokenShape(opts.token);
  const unsupported = UNSUPPORTED[bitbucketTokenKind(opts.token)];
  if (unsupported) throw new ProviderError("unsupported_credential_type", unsupported, { fieldErrors: { token: [unsupported] } });
  const call = { ...opts, username: requireEmail(opts.username), source: "pat" as const };
  let granted: string[] | null = null;
  const userUrl = opts.endpoints.userUrl;
  const user = await get(userUrl, call);
  const login = loginOf(user);
  const fail = (answer: HttpAnswer, url: string) => bitbucketFailure(answer, { host: hostOf(url), source: "pat", secret: opts.token });
  if (user.status === 403) granted = grantedScopesOf(user);
  else if (user.status !== 200) throw fail(user, userUrl);
  else if (!login) throw unexpectedAnswer(user, hostOf(userUrl));
  if (granted === null && login) {
    const reposUrl = `${opts.endpoints.apiUrl}/repositories/${encodeURIComponent(login)}?pagelen=1`;
    const repos = await get(reposUrl, call);
    // 404 (no personal workspace) says nothing about scopes; other failures are the token's or the host's.
    if (repos.status === 403) granted = grantedScopesOf(repos);
    else if (repos.status === 401 || repos.status === 429 || repos.status >= 500) throw fail(repos, reposUrl);
  }
  if (granted) {
    const missing = missingScopes(granted, opts.requiredScopes, BITBUCKET_SCOPE_IMPLICATIONS);
    if (missing.length > 0) throw missingScopesError(missing, { status: 403 });
  }
  if (!login) throw fail(user, userUrl);
  return { login, scopes: granted, expiresAt: null };
}

/** A BBQL string literal: backslashes and quotes escaped. */
function bbqlString(value: string): string {
  return `"${value.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`;
}

/**
 * `GET /2.0/repositories?role=member`: the repositories the account is a member of across its
 * workspaces, most recently updated first, searched with BBQL `name ~ "..."`. API tokens are used
 * with the account's email, as everywhere in the API.
 */
async function listRepositories(opts: ListRepositoriesOptions): Promise<RepositoryListing> {
  assertTokenShape(opts.token);
  const call = opts.source === "pat" ? { ...opts, username: requireEmail(opts.username) } : opts;
  const url = new URL(`${opts.endpoints.apiUrl}/repositories`);
  url.searchParams.set("role", "member");
  url.searchParams.set("sort", "-updated_on");
  url.searchParams.set("pagelen", String(Math.min(100, opts.limit)));
  if (opts.search) url.searchParams.set("q", `name ~ ${bbqlString(opts.search)}`);
  const answer = await send(url.toString(), { headers: authFor(call), timeoutMs: opts.timeoutMs, maxBodyBytes: LISTING_BODY_BYTES }, opts.signal);
  const body = objectBody(answer);
  if (answer.status !== 200) throw bitbucketFailure(answer, { host: hostOf(url.toString()), source: opts.source, secret: opts.token });
  if (!body || !Array.isArray(body.values)) throw unexpectedAnswer(answer, hostOf(url.toString()));
  const found = (body.values as Record<string, unknown>[]).map((r) => {
    const links = (r?.links ?? {}) as { html?: { href?: unknown }; clone?: { name?: unknown; href?: unknown }[] };
    const https = Array.isArray(links.clone) ? links.clone.find((c) => c?.name === "https") : undefined;
    const mainbranch = r?.mainbranch as { name?: unknown } | null | undefined;
    return {
      fullName: r?.full_name,
      webUrl: links.html?.href,
      cloneUrl: withoutUserInfo(https?.href),
      private: r?.is_private !== false,
      defaultBranch: typeof mainbranch?.name === "string" ? mainbranch.name : undefined,
    };
  });
  return listing(validRepositories(found), opts.limit, typeof body.next === "string");
}

/**
 * A stored credential's account fields: an API token goes with the account email it was connected
 * with (the opened credential's `patUsername`); a connection made before the email was kept has
 * none, and neither the runner nor the API can recover it, so there is nothing to call with.
 */
function storedAccount(credential: { source: CredentialSource; login: string | null; patUsername?: string | null }): { username: string | null; organization: null } | null {
  if (credential.source !== "pat") return { username: credential.login, organization: null };
  return credential.patUsername ? { username: credential.patUsername, organization: null } : null;
}

/**
 * Bitbucket Cloud. OAuth access tokens live 2 hours; refresh tokens do not rotate. There is no
 * API to revoke a token, so disconnecting sends the person to the page where they do it.
 */
export const bitbucketClient: ProviderClient = {
  id: "bitbucket",
  exchangeCode: (opts) => exchangeWithStyle(opts, TOKEN_STYLE),
  refreshToken: (opts) => refreshWithStyle(opts, TOKEN_STYLE),
  identify: (opts) => identify(opts),
  validatePat,
  revokeToken: async (opts) => ({
    revoked: false,
    manualUrl: opts.source === "pat" ? getProvider("bitbucket").patCreationUrl(opts.endpoints, []) : `${opts.endpoints.webUrl}/account/settings/app-authorizations/`,
  }),
  listRepositories,
  gitCredentials: (source, login, token) => ({ username: getProvider("bitbucket").gitUsername(source, login), password: token }),
  // The form's username is the Atlassian account email API tokens are used with.
  patAccount: (username) => ({ username, organization: null }),
  storedAccount: storedAccount,
};
