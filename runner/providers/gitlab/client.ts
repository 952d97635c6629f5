import { getProvider } from "@/lib/providers";
import { assertTokenShape, commonFailure, hostOf, objectBody, send, unexpectedAnswer, type HttpAnswer } from "../http";
import { exchangeWithStyle, refreshWithStyle, type TokenEndpointStyle } from "../oauth-token";
import { ProviderError, safeIdentifier } from "../provider-error";
import { missingScopes, missingScopesError, splitScopes, type ScopeImplications } from "../scopes";
import { LISTING_BODY_BYTES, listing, matchesSearch, validRepositories } from "../repository-listing";
import type { CallOptions, CredentialSource, Identity, ListRepositoriesOptions, ProviderClient, RepositoryListing, RevokeResult } from "../types";

const TOKEN_STYLE: TokenEndpointStyle = { clientAuth: "body" };

/** GitLab scopes that include others (from the provider's metadata: `api` includes git and the profile). */
export const GITLAB_SCOPE_IMPLICATIONS: ScopeImplications = getProvider("gitlab").scopeImplications;

type Call = CallOptions & { token: string };

function auth(token: string): Record<string, string> {
  return { accept: "application/json", authorization: `Bearer ${token}` };
}

/**
 * Reads a GitLab API error. Expired and revoked tokens answer 401 `invalid_token` with a
 * description saying which; an unknown token answers a bare "401 Unauthorized".
 */
export function gitlabFailure(answer: HttpAnswer, opts: { host: string; source: CredentialSource; secret?: string }): ProviderError {
  const body = objectBody(answer);
  const providerError = safeIdentifier(body?.error ?? body?.message, opts.secret ? [opts.secret] : []);
  const common = commonFailure(answer, opts.host, providerError);
  if (common) return common;
  const detail = { status: answer.status, providerError };
  if (answer.status === 401) {
    const description = `${typeof body?.error_description === "string" ? body.error_description : ""} ${answer.headers.get("www-authenticate") ?? ""}`;
    const expired = /\bexpired\b/i.test(description);
    if (opts.source === "oauth") return new ProviderError("credential_needs_reauth", "GitLab no longer accepts this connection's token.", { detail });
    if (expired) return new ProviderError("pat_expired", "GitLab says this token has expired.", { fieldErrors: { token: ["The token has expired."] }, detail });
    const revoked = /\brevoked\b/i.test(description);
    const message = revoked ? "GitLab says this token was revoked." : "GitLab did not accept this token: it is wrong or belongs to another GitLab host.";
    return new ProviderError("pat_invalid", message, { fieldErrors: { token: [message] }, detail });
  }
  if (answer.status === 403 && body?.error === "insufficient_scope") {
    const accepted = splitScopes(body.scope);
    const message = `The token's scopes do not allow this request (GitLab accepts ${accepted.join(" or ") || "a broader scope"}).`;
    return new ProviderError("pat_missing_scopes", message, { fieldErrors: { token: [message] }, detail });
  }
  if (!body) return unexpectedAnswer(answer, opts.host, providerError);
  return new ProviderError("provider_error", `GitLab answered HTTP ${answer.status}.`, { detail });
}

/**
 * GitLab PATs expire at 00:00 UTC on their `expires_at` day. The field has day granularity only,
 * so a token that still answers after that instant is given until the end of the day.
 */
function dayToIso(value: unknown, now = Date.now()): string | null {
  if (typeof value !== "string" || !/^\d{4}-\d{2}-\d{2}$/.test(value)) return null;
  const midnight = Date.parse(`${value}T00:00:00Z`);
  return new Date(midnight > now ? midnight : midnight + 86_400_000).toISOString();
}

/** `GET /personal_access_tokens/self`: the PAT's scopes and expiry (null when GitLab lacks it, before 15.5). */
async function patSelf(opts: Call): Promise<{ scopes: string[]; expiresAt: string | null } | null> {
  const url = `${opts.endpoints.apiUrl}/personal_access_tokens/self`;
  const answer = await send(url, { headers: auth(opts.token), timeoutMs: opts.timeoutMs }, opts.signal);
  if (answer.status === 404) return null;
  const body = objectBody(answer);
  if (answer.status !== 200) throw gitlabFailure(answer, { host: hostOf(url), source: "pat", secret: opts.token });
  if (!body) throw unexpectedAnswer(answer, hostOf(url));
  const expiresAt = dayToIso(body.expires_at);
  if (body.revoked === true) throw new ProviderError("pat_invalid", "GitLab says this token was revoked.", { fieldErrors: { token: ["The token was revoked."] } });
  if (body.active === false) {
    throw new ProviderError("pat_expired", "GitLab says this token has expired.", { fieldErrors: { token: ["The token has expired."] } });
  }
  return { scopes: splitScopes(body.scopes), expiresAt };
}

/** `GET /oauth/token/info`: an OAuth token's scopes and remaining lifetime. */
async function oauthInfo(opts: Call): Promise<{ scopes: string[] | null; expiresAt: string | null }> {
  const url = `${opts.endpoints.tokenUrl}/info`;
  const answer = await send(url, { headers: auth(opts.token), timeoutMs: opts.timeoutMs }, opts.signal);
  const body = objectBody(answer);
  if (answer.status === 401) throw gitlabFailure(answer, { host: hostOf(url), source: "oauth", secret: opts.token });
  if (answer.status !== 200 || !body) return { scopes: null, expiresAt: null };
  const seconds = typeof body.expires_in === "number" ? body.expires_in : null;
  return { scopes: splitScopes(body.scope ?? body.scopes), expiresAt: seconds === null ? null : new Date(Date.now() + seconds * 1000).toISOString() };
}

async function currentLogin(opts: Call & { source: CredentialSource }): Promise<string> {
  const url = opts.endpoints.userUrl;
  const answer = await send(url, { headers: auth(opts.token), timeoutMs: opts.timeoutMs }, opts.signal);
  const username = objectBody(answer)?.username;
  if (answer.status === 200 && typeof username === "string") return username;
  if (answer.status === 200) throw unexpectedAnswer(answer, hostOf(url));
  throw gitlabFailure(answer, { host: hostOf(url), source: opts.source, secret: opts.token });
}

async function identify(opts: Call & { source: CredentialSource }): Promise<Identity> {
  assertTokenShape(opts.token);
  const facts = opts.source === "pat" ? await patSelf(opts) : await oauthInfo(opts);
  return { login: await currentLogin(opts), scopes: facts?.scopes ?? null, expiresAt: facts?.expiresAt ?? null };
}

/**
 * `GET /projects?membership=true`: the projects the user is a member of, most recently active
 * first, searched by GitLab. Not `simple=true`, whose answer leaves out `visibility`. The same name
 * filter is applied here, so an instance that ignores `search` still answers what was asked.
 */
async function listRepositories(opts: ListRepositoriesOptions): Promise<RepositoryListing> {
  assertTokenShape(opts.token);
  const url = new URL(`${opts.endpoints.apiUrl}/projects`);
  const query = { membership: "true", archived: "false", order_by: "last_activity_at", sort: "desc", per_page: "100" };
  for (const [key, value] of Object.entries(query)) url.searchParams.set(key, value);
  if (opts.search) url.searchParams.set("search", opts.search);
  const answer = await send(url.toString(), { headers: auth(opts.token), timeoutMs: opts.timeoutMs, maxBodyBytes: LISTING_BODY_BYTES }, opts.signal);
  if (answer.status !== 200) throw gitlabFailure(answer, { host: hostOf(url.toString()), source: opts.source, secret: opts.token });
  if (!Array.isArray(answer.body)) throw unexpectedAnswer(answer, hostOf(url.toString()));
  const found = (answer.body as Record<string, unknown>[])
    .filter((p) => matchesSearch(opts.search, p?.path_with_namespace, p?.name_with_namespace))
    .map((p) => ({
      fullName: p.path_with_namespace,
      webUrl: p.web_url,
      cloneUrl: p.http_url_to_repo,
      private: p.visibility !== "public",
      defaultBranch: typeof p.default_branch === "string" ? p.default_branch : undefined,
    }));
  return listing(validRepositories(found), opts.limit, Boolean(answer.headers.get("x-next-page")));
}

/** The token is gone when GitLab's introspection no longer accepts it. */
async function introspectionRefuses(opts: Call): Promise<boolean> {
  const answer = await send(`${opts.endpoints.tokenUrl}/info`, { headers: auth(opts.token), timeoutMs: opts.timeoutMs }, opts.signal);
  return answer.status === 401;
}

async function revoke(opts: Parameters<ProviderClient["revokeToken"]>[0]): Promise<RevokeResult> {
  const { webUrl, revokeUrl } = opts.endpoints;
  if (opts.source === "pat") return { revoked: false, manualUrl: `${webUrl}/-/user_settings/personal_access_tokens` };
  const manualUrl = `${webUrl}/-/user_settings/applications`;
  if (!revokeUrl || !opts.clientId || !opts.clientSecret) return { revoked: false, manualUrl, reason: "oauth_client_invalid" };
  assertTokenShape(opts.token);
  const form = { client_id: opts.clientId, client_secret: opts.clientSecret, token: opts.token };
  const answer = await send(revokeUrl, { method: "POST", headers: { accept: "application/json" }, form, timeoutMs: opts.timeoutMs }, opts.signal);
  const common = commonFailure(answer, hostOf(revokeUrl));
  if (common) throw common;
  if (answer.status === 401 || answer.status === 403) return { revoked: false, manualUrl, reason: "oauth_client_invalid" };
  if (answer.status !== 200) return { revoked: false, manualUrl, reason: "provider_error" };
  // RFC 7009 answers 200 even for a token of another application, so the result is checked.
  if (await introspectionRefuses(opts)) return { revoked: true, manualUrl: null };
  return { revoked: false, manualUrl, reason: "provider_error" };
}

/**
 * GitLab.com and self-managed GitLab. OAuth access tokens live 2 hours; refreshing rotates the
 * refresh token and revokes the previous pair. PATs are introspected with
 * `GET /personal_access_tokens/self` (scopes, expiry) and revoking an OAuth token at
 * `/oauth/revoke` revokes its refresh token too.
 */
export const gitlabClient: ProviderClient = {
  id: "gitlab",
  exchangeCode: (opts) => exchangeWithStyle(opts, TOKEN_STYLE),
  refreshToken: (opts) => refreshWithStyle(opts, TOKEN_STYLE),
  identify: (opts) => identify(opts),
  validatePat: async (opts) => {
    assertTokenShape(opts.token);
    const facts = await patSelf(opts);
    if (facts) {
      const missing = missingScopes(facts.scopes, opts.requiredScopes, GITLAB_SCOPE_IMPLICATIONS);
      if (missing.length > 0) throw missingScopesError(missing, { status: 200 });
    }
    const login = await currentLogin({ ...opts, source: "pat" });
    return { login, scopes: facts?.scopes ?? null, expiresAt: facts?.expiresAt ?? null };
  },
  revokeToken: revoke,
  listRepositories,
  gitCredentials: (source, login, token) => ({ username: getProvider("gitlab").gitUsername(source, login), password: token }),
  patAccount: () => ({ username: null, organization: null }),
  storedAccount: (credential) => ({ username: credential.login, organization: null }),
};
