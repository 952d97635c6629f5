import { getProvider } from "@/lib/providers";
import { assertTokenShape, basicAuth, commonFailure, hostOf, objectBody, send, unexpectedAnswer, type HttpAnswer } from "../http";
import { exchangeWithStyle, refreshWithStyle, type TokenEndpointStyle } from "../oauth-token";
import { ProviderError, safeIdentifier } from "../provider-error";
import { LISTING_BODY_BYTES, listing, matchesSearch, validRepositories, withoutUserInfo } from "../repository-listing";
import type { CallOptions, ClientEndpoints, CredentialSource, Identity, ListRepositoriesOptions, ProviderClient, RepositoryListing } from "../types";

/** Entra ID v2 takes the client secret in the form and wants the scopes again on every token request. */
const TOKEN_STYLE: TokenEndpointStyle = { clientAuth: "body", sendScopes: true };
const DEFAULT_SCOPES = getProvider("azure_devops").oauthScopes.map((s) => s.scope);
const SERVICES_HOST = "dev.azure.com";
/** The identity Azure DevOps reports for an unauthenticated caller. */
const ANONYMOUS_ID = "aaaaaaaa-aaaa-aaaa-aaaa-aaaaaaaaaaaa";

type Call = CallOptions & { token: string; organization?: string | null };

function isServices(endpoints: ClientEndpoints): boolean {
  return hostOf(endpoints.webUrl) === SERVICES_HOST;
}

/**
 * Where a PAT is checked: its organization on Azure DevOps Services (a PAT works only in the
 * organization it was made for), the collection URL on Azure DevOps Server.
 */
function organizationRoot(endpoints: ClientEndpoints, organization: string | null | undefined): string {
  if (!isServices(endpoints)) return endpoints.apiUrl;
  const org = organization?.trim() ?? "";
  if (!/^[A-Za-z0-9][A-Za-z0-9-]{0,49}$/.test(org)) {
    const message = "Enter the Azure DevOps organization the token was created for (dev.azure.com/<organization>).";
    throw new ProviderError("validation_failed", message, { fieldErrors: { organization: [message] } });
  }
  return `${endpoints.webUrl}/${org}`;
}

/**
 * The profile endpoint on app.vssps.visualstudio.com. It serves only tokens that are not bound to
 * one organization, which is how a PAT valid for all accessible organizations is recognized.
 */
function profileUrl(endpoints: ClientEndpoints): string | null {
  return endpoints.profileUrl ?? (isServices(endpoints) ? endpoints.userUrl : null);
}

function authFor(opts: Call, source: CredentialSource): Record<string, string> {
  // A PAT goes over Basic with an empty user name; an Entra access token is a bearer token.
  const authorization = source === "pat" ? basicAuth("", opts.token) : `Bearer ${opts.token}`;
  return { accept: "application/json", authorization };
}

/**
 * Reads an Azure DevOps error. A PAT Azure DevOps does not accept is answered not with 401 but
 * with 203 and the HTML sign-in page (or a redirect to it); 401 means the token is not valid for
 * this organization.
 */
export function azureFailure(answer: HttpAnswer, opts: { host: string; source: CredentialSource; secret?: string }): ProviderError {
  const body = objectBody(answer);
  const providerError = safeIdentifier(typeof body?.typeKey === "string" ? body.typeKey : null, opts.secret ? [opts.secret] : []);
  const common = commonFailure(answer, opts.host, providerError);
  if (common) return common;
  const detail = { status: answer.status, providerError };
  const signInPage = answer.status === 203 || (answer.status >= 300 && answer.status < 400) || answer.contentType.includes("text/html");
  if (signInPage || answer.status === 401) {
    if (opts.source === "oauth") return new ProviderError("credential_needs_reauth", "Azure DevOps no longer accepts this connection's token.", { detail });
    const message = signInPage
      ? "Azure DevOps did not accept this token (it answered with its sign-in page): it is wrong, expired or revoked."
      : "Azure DevOps did not accept this token for this organization: it is wrong, expired, revoked, or was created for another organization.";
    return new ProviderError("pat_invalid", message, { fieldErrors: { token: [message] }, detail });
  }
  if (!body) return unexpectedAnswer(answer, opts.host, providerError);
  return new ProviderError("provider_error", `Azure DevOps answered HTTP ${answer.status}.`, { detail });
}

/** The login in `connectionData` (`authenticatedUser`) or a profile (`emailAddress`). */
function loginOf(body: Record<string, unknown> | null): string | null {
  const user = body?.authenticatedUser as { id?: unknown; providerDisplayName?: unknown; properties?: { Account?: { $value?: unknown } } } | undefined;
  const candidates = user
    ? user.id === ANONYMOUS_ID
      ? []
      : [user.properties?.Account?.$value, user.providerDisplayName]
    : [body?.emailAddress, body?.displayName, body?.publicAlias];
  const login = candidates.find((c): c is string => typeof c === "string" && c.length > 0);
  return login ?? null;
}

/** The `exp` of an Entra access token (read, not verified: it only says when to refresh). */
function jwtExpiry(token: string): string | null {
  const payload = token.split(".")[1];
  if (!payload) return null;
  try {
    const exp = (JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as { exp?: unknown }).exp;
    return typeof exp === "number" ? new Date(exp * 1000).toISOString() : null;
  } catch {
    return null;
  }
}

async function identify(opts: Call & { source: CredentialSource }): Promise<Identity> {
  assertTokenShape(opts.token);
  const url = opts.source === "pat" ? `${organizationRoot(opts.endpoints, opts.organization)}/_apis/connectionData` : opts.endpoints.userUrl;
  const answer = await send(url, { headers: authFor(opts, opts.source), timeoutMs: opts.timeoutMs }, opts.signal);
  const login = answer.status === 200 ? loginOf(objectBody(answer)) : null;
  if (login) return { login, scopes: null, expiresAt: opts.source === "oauth" ? jwtExpiry(opts.token) : null };
  if (answer.status === 200 && objectBody(answer)?.authenticatedUser) {
    // Answered as the anonymous user: the credentials were ignored.
    throw azureFailure({ ...answer, status: 401 }, { host: hostOf(url), source: opts.source, secret: opts.token });
  }
  throw answer.status === 200 ? unexpectedAnswer(answer, hostOf(url)) : azureFailure(answer, { host: hostOf(url), source: opts.source, secret: opts.token });
}

/** Whether the PAT also works where only tokens for all accessible organizations do. */
async function isGlobal(opts: Call): Promise<boolean> {
  const url = profileUrl(opts.endpoints);
  if (!url) return false;
  const answer = await send(url, { headers: authFor(opts, "pat"), timeoutMs: opts.timeoutMs }, opts.signal);
  if (answer.status === 200) return loginOf(objectBody(answer)) !== null;
  const common = commonFailure(answer, hostOf(url));
  if (common) throw common;
  return false;
}

/**
 * `GET {organization or collection}/_apis/git/repositories`: every repository of every project the
 * user can read there (Azure DevOps has no server-side name filter nor paging for it), filtered by
 * `project/name` here and sorted by it. Disabled repositories cannot be cloned and are left out.
 */
async function listRepositories(opts: ListRepositoriesOptions): Promise<RepositoryListing> {
  assertTokenShape(opts.token);
  const url = `${organizationRoot(opts.endpoints, opts.organization)}/_apis/git/repositories?api-version=7.1`;
  const answer = await send(url, { headers: authFor(opts, opts.source), timeoutMs: opts.timeoutMs, maxBodyBytes: LISTING_BODY_BYTES }, opts.signal);
  const body = answer.status === 200 ? objectBody(answer) : null;
  if (answer.status !== 200) throw azureFailure(answer, { host: hostOf(url), source: opts.source, secret: opts.token });
  if (!body || !Array.isArray(body.value)) throw answer.contentType.includes("text/html") ? azureFailure(answer, { host: hostOf(url), source: opts.source }) : unexpectedAnswer(answer, hostOf(url));
  const found = (body.value as Record<string, unknown>[])
    .filter((r) => r?.isDisabled !== true)
    .map((r) => {
      const project = (r.project ?? {}) as { name?: unknown; visibility?: unknown };
      const branch = typeof r.defaultBranch === "string" ? r.defaultBranch.replace(/^refs\/heads\//, "") : undefined;
      return { fullName: `${String(project.name ?? "")}/${String(r.name ?? "")}`, webUrl: r.webUrl, cloneUrl: withoutUserInfo(r.remoteUrl), private: project.visibility !== "public", defaultBranch: branch };
    })
    .filter((r) => matchesSearch(opts.search, r.fullName))
    .sort((a, b) => a.fullName.localeCompare(b.fullName));
  return listing(validRepositories(found), opts.limit, false);
}

/**
 * Azure DevOps Services (OAuth through Microsoft Entra ID) and Azure DevOps Server. PATs must be
 * scoped to one organization: one valid for all accessible organizations is refused. Azure
 * DevOps does not tell a PAT its scopes or expiry, so neither is checked here; a missing Code
 * scope shows when git is refused.
 */
export const azureDevopsClient: ProviderClient = {
  id: "azure_devops",
  exchangeCode: (opts) => exchangeWithStyle({ ...opts, scopes: opts.scopes?.length ? opts.scopes : DEFAULT_SCOPES }, TOKEN_STYLE),
  refreshToken: (opts) => refreshWithStyle({ ...opts, scopes: opts.scopes?.length ? opts.scopes : DEFAULT_SCOPES }, TOKEN_STYLE),
  identify: (opts) => identify(opts),
  validatePat: async (opts) => {
    const identity = await identify({ ...opts, source: "pat" });
    if (await isGlobal(opts)) {
      const message = "This token is valid for all accessible organizations. Create a token for this organization only and connect again.";
      throw new ProviderError("unsupported_credential_type", message, { fieldErrors: { token: [message] }, detail: { status: 200, providerError: "global_pat" } });
    }
    return identity;
  },
  revokeToken: async (opts) => ({
    revoked: false,
    manualUrl: opts.source === "pat" ? getProvider("azure_devops").patCreationUrl(opts.endpoints, []) : "https://myapplications.microsoft.com/",
  }),
  listRepositories,
  gitCredentials: (source, login, token) => ({ username: getProvider("azure_devops").gitUsername(source, login), password: token }),
  // Services: the organization the PAT was created for (the form's username field, or the repository's
  // first segment); Server: the collection's virtual directory already scopes it.
  patAccount: (username, integration) => ({
    username: null,
    organization: getProvider("azure_devops").isCloudHost(integration.host) ? username : integration.virtualDirectory,
  }),
  storedAccount: (credential, integration) => ({
    username: credential.login,
    organization: getProvider("azure_devops").isCloudHost(integration.host) ? (integration.repository.split("/")[0] ?? null) : integration.virtualDirectory,
  }),
};
