import { getProvider } from "@/lib/providers";
import { assertTokenShape, basicAuth, commonFailure, hostOf, objectBody, send, unexpectedAnswer, type HttpAnswer } from "../http";
import { exchangeWithStyle, refreshWithStyle, type TokenEndpointStyle } from "../oauth-token";
import { ProviderError, safeIdentifier } from "../provider-error";
import { missingScopes, missingScopesError, splitScopes, type ScopeImplications } from "../scopes";
import { LISTING_BODY_BYTES, listing, matchesSearch, validRepositories, withoutUserInfo } from "../repository-listing";
import type { CallOptions, CredentialSource, Identity, ListRepositoriesOptions, ProviderClient, RepositoryListing, RevokeResult } from "../types";
import { ssoRequired, ssoUrl } from "./sso";

const API_HEADERS = { accept: "application/vnd.github+json", "x-github-api-version": "2022-11-28" };
const TOKEN_STYLE: TokenEndpointStyle = { clientAuth: "body" };

/** Classic scopes that include others (from the provider's metadata). */
export const GITHUB_SCOPE_IMPLICATIONS: ScopeImplications = getProvider("github").scopeImplications;

/**
 * GitHub's `github-authentication-token-expiration` header ("2026-05-01 12:00:00 UTC", or with a
 * numeric offset) as an ISO time.
 */
export function parseGithubExpiration(value: string | null): string | null {
  const m = value ? /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2})\s*(UTC|Z|[+-]\d{2}:?\d{2})?$/.exec(value.trim()) : null;
  if (!m) return null;
  const zone = !m[3] || m[3] === "UTC" || m[3] === "Z" ? "Z" : m[3].replace(/^([+-]\d{2})(\d{2})$/, "$1:$2");
  const at = Date.parse(`${m[1]}T${m[2]}${zone}`);
  return Number.isNaN(at) ? null : new Date(at).toISOString();
}

function auth(token: string): Record<string, string> {
  return { ...API_HEADERS, authorization: `Bearer ${token}` };
}

/** Reads a GitHub REST error answer. */
export function githubFailure(answer: HttpAnswer, opts: { host: string; webUrl: string; source: CredentialSource; secret?: string }): ProviderError {
  const message = safeIdentifier(objectBody(answer)?.message, opts.secret ? [opts.secret] : []);
  if (ssoRequired(answer)) {
    const helpUrl = ssoUrl(answer.headers, opts.webUrl);
    const message =
      "The organization enforces SAML single sign-on and this token is not authorized for it: authorize it for the organization at GitHub (Configure SSO), then try again.";
    return new ProviderError("sso_authorization_required", message, {
      fieldErrors: opts.source === "pat" ? { token: ["Authorize this token for the organization's SAML single sign-on."] } : undefined,
      detail: { status: 403, providerError: "sso_required", ...(helpUrl ? { helpUrl } : {}) },
    });
  }
  const common = commonFailure(answer, opts.host, message);
  if (common) return common;
  if (answer.status === 401) {
    return opts.source === "pat"
      ? new ProviderError("pat_invalid", "GitHub did not accept this token: it is wrong, expired or revoked (GitHub does not say which).", {
          fieldErrors: { token: ["GitHub did not accept this token."] },
          detail: { status: 401, providerError: message },
        })
      : new ProviderError("credential_needs_reauth", "GitHub no longer accepts this connection's token.", { detail: { status: 401, providerError: message } });
  }
  if (!objectBody(answer)) return unexpectedAnswer(answer, opts.host, message);
  return new ProviderError("provider_error", `GitHub answered HTTP ${answer.status}.`, { detail: { status: answer.status, providerError: message } });
}

async function identify(opts: CallOptions & { token: string; source: CredentialSource }): Promise<Identity> {
  assertTokenShape(opts.token);
  const { userUrl, webUrl } = opts.endpoints;
  const answer = await send(userUrl, { headers: auth(opts.token), timeoutMs: opts.timeoutMs }, opts.signal);
  const login = objectBody(answer)?.login;
  if (answer.status !== 200 || typeof login !== "string") {
    if (answer.status === 200) throw unexpectedAnswer(answer, hostOf(userUrl));
    throw githubFailure(answer, { host: hostOf(userUrl), webUrl, source: opts.source, secret: opts.token });
  }
  // Classic PATs and OAuth app tokens list their scopes; fine-grained PATs and GitHub App tokens send no header.
  const scopesHeader = answer.headers.get("x-oauth-scopes");
  return {
    login,
    scopes: scopesHeader === null ? null : splitScopes(scopesHeader),
    expiresAt: parseGithubExpiration(answer.headers.get("github-authentication-token-expiration")),
  };
}

/** Checks that the token reaches `owner/name` (SAML SSO, fine-grained repository access). */
async function checkRepository(opts: CallOptions & { token: string; repository: string }): Promise<void> {
  const path = opts.repository.replace(/\.git$/, "");
  if (!/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/.test(path)) {
    throw new ProviderError("repository_not_found", "The repository is not an owner/name path.", { fieldErrors: { repository: ["Expected owner/name."] } });
  }
  const url = `${opts.endpoints.apiUrl}/repos/${path}`;
  const answer = await send(url, { headers: auth(opts.token), timeoutMs: opts.timeoutMs }, opts.signal);
  if (answer.status === 200) return;
  const failure = githubFailure(answer, { host: hostOf(url), webUrl: opts.endpoints.webUrl, source: "pat", secret: opts.token });
  if (answer.status === 404 || (failure.code === "provider_error" && !failure.retryable)) {
    throw new ProviderError("repository_not_found", `This token cannot read ${path}: the repository does not exist, or the token has no access to it.`, {
      detail: failure.detail,
    });
  }
  throw failure;
}

/** Pages of `/user/repos` read for one search: GitHub has no name filter there, so matches are found by reading. */
const MAX_LIST_PAGES = 5;

/**
 * `GET /user/repos` (owned, collaborator and organization-member repositories, most recently
 * pushed first), filtered by name here. `/search/repositories` would filter at GitHub but has its
 * own rate limit of 30 a minute, which a picker typing through names would spend.
 */
async function listRepositories(opts: ListRepositoriesOptions): Promise<RepositoryListing> {
  assertTokenShape(opts.token);
  const found: unknown[] = [];
  let url: string | null = `${opts.endpoints.apiUrl}/user/repos?per_page=100&sort=pushed&affiliation=owner,collaborator,organization_member`;
  for (let page = 0; url && page < MAX_LIST_PAGES && found.length <= opts.limit; page++) {
    const answer = await send(url, { headers: auth(opts.token), timeoutMs: opts.timeoutMs, maxBodyBytes: LISTING_BODY_BYTES }, opts.signal);
    if (answer.status !== 200) throw githubFailure(answer, { host: hostOf(url), webUrl: opts.endpoints.webUrl, source: opts.source, secret: opts.token });
    if (!Array.isArray(answer.body)) throw unexpectedAnswer(answer, hostOf(url));
    for (const r of answer.body as Record<string, unknown>[]) {
      if (matchesSearch(opts.search, r?.full_name)) {
        found.push({ fullName: r.full_name, webUrl: r.html_url, cloneUrl: withoutUserInfo(r.clone_url), private: r.private === true, defaultBranch: r.default_branch ?? undefined });
      }
    }
    url = nextLink(answer.headers.get("link"));
  }
  return listing(validRepositories(found), opts.limit, url !== null);
}

/** The `rel="next"` target of a Link header, or null. */
export function nextLink(header: string | null): string | null {
  const next = header?.split(",").find((part) => /;\s*rel="?next"?/.test(part));
  const target = next ? /<([^>]+)>/.exec(next)?.[1] : undefined;
  return target ?? null;
}

async function revoke(opts: Parameters<ProviderClient["revokeToken"]>[0]): Promise<RevokeResult> {
  const { webUrl, revokeUrl } = opts.endpoints;
  if (opts.source === "pat") return { revoked: false, manualUrl: `${webUrl}/settings/tokens` };
  const manualUrl = opts.clientId ? `${webUrl}/settings/connections/applications/${encodeURIComponent(opts.clientId)}` : `${webUrl}/settings/applications`;
  if (!revokeUrl || !opts.clientId || !opts.clientSecret) return { revoked: false, manualUrl, reason: "oauth_client_invalid" };
  assertTokenShape(opts.token);
  // Deleting the grant removes the whole authorization: every token of this app for this user.
  // Deleting the token leaves the others (the one that replaced it) valid.
  const url = `${revokeUrl}/${encodeURIComponent(opts.clientId)}/${opts.scope === "token" ? "token" : "grant"}`;
  const headers = { ...API_HEADERS, authorization: basicAuth(opts.clientId, opts.clientSecret) };
  const answer = await send(url, { method: "DELETE", headers, json: { access_token: opts.token }, timeoutMs: opts.timeoutMs }, opts.signal);
  if (answer.status === 204) return { revoked: true, manualUrl: null };
  const common = commonFailure(answer, hostOf(url));
  if (common) throw common;
  if (answer.status === 404) {
    // GitHub does not know the token for this app: revoked already, or issued to another app.
    const check = await send(opts.endpoints.userUrl, { headers: auth(opts.token), timeoutMs: opts.timeoutMs }, opts.signal);
    if (check.status === 401) return { revoked: true, manualUrl: null };
    return { revoked: false, manualUrl, reason: "provider_error" };
  }
  return { revoked: false, manualUrl, reason: answer.status === 401 || answer.status === 403 ? "oauth_client_invalid" : "provider_error" };
}

/**
 * GitHub and GitHub Enterprise Server. OAuth apps' tokens do not expire; GitHub Apps' user tokens
 * expire after 8 hours and their refresh tokens are single-use. GitHub cannot tell a wrong PAT
 * from an expired or revoked one: all answer 401 "Bad credentials".
 */
export const githubClient: ProviderClient = {
  id: "github",
  exchangeCode: (opts) => exchangeWithStyle(opts, TOKEN_STYLE),
  refreshToken: (opts) => refreshWithStyle(opts, TOKEN_STYLE),
  identify: (opts) => identify(opts),
  validatePat: async (opts) => {
    const identity = await identify({ ...opts, source: "pat" });
    if (identity.scopes) {
      const missing = missingScopes(identity.scopes, opts.requiredScopes, GITHUB_SCOPE_IMPLICATIONS);
      if (missing.length > 0) throw missingScopesError(missing, { status: 200 });
    }
    if (opts.repository) await checkRepository({ ...opts, repository: opts.repository });
    return identity;
  },
  revokeToken: revoke,
  listRepositories,
  gitCredentials: (source, login, token) => ({ username: getProvider("github").gitUsername(source, login), password: token }),
  patAccount: () => ({ username: null, organization: null }),
  storedAccount: (credential) => ({ username: credential.login, organization: null }),
};
