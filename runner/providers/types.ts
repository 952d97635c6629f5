import type { ListedRepository } from "@/lib/environments/repositories-protocol";
import type { ErrorCode } from "@/lib/errors/catalogue";
import type { ProviderEndpoints, ProviderId } from "@/lib/providers";
import type { ScmBackend } from "../agent-tools/backend";
import type { ProviderProbe } from "../probes/types";

/** How a credential was obtained: an OAuth authorization or a personal access token. */
export type CredentialSource = "oauth" | "pat";

/**
 * The integration's URLs (from `getProvider(id).endpoints(...)`), plus what only the runner needs.
 */
export type ClientEndpoints = ProviderEndpoints & {
  /**
   * Azure DevOps Services: the profile endpoint on app.vssps.visualstudio.com, which only a PAT
   * valid for all accessible organizations can read. Derived for dev.azure.com when omitted; an
   * offline stand-in passes its own.
   */
  profileUrl?: string | null;
};

/** What every provider call takes. */
export type CallOptions = {
  endpoints: ClientEndpoints;
  /** The job's deadline or cancellation. When it fires, the call rejects with the signal's reason. */
  signal: AbortSignal;
  /** Longest one HTTP request may take (default 10 s); a request that runs out is `host_unreachable`. */
  timeoutMs?: number;
};

export type ExchangeCodeOptions = CallOptions & {
  clientId: string;
  clientSecret: string;
  code: string;
  /** The PKCE S256 verifier the authorization was started with. */
  verifier: string;
  redirectUri: string;
  /** Scopes to request again at the token endpoint (Microsoft Entra ID wants them); others ignore it. */
  scopes?: string[];
};

export type RefreshTokenOptions = CallOptions & {
  clientId: string;
  clientSecret: string;
  refreshToken: string;
  scopes?: string[];
};

/** Tokens from a token endpoint. `expiresAt` is an ISO time, null when the token does not expire. */
export type OAuthTokens = {
  accessToken: string;
  refreshToken: string | null;
  expiresAt: string | null;
  scopes: string[];
};

/**
 * A refresh's outcome. `rotated`: the provider issued a new refresh token and the old one is dead
 * (or must be discarded), so the new one has to be saved before the access token is used.
 */
export type RefreshedTokens = OAuthTokens & { rotated: boolean };

export type IdentifyOptions = CallOptions & {
  token: string;
  source: CredentialSource;
  /** Bitbucket API tokens: the Atlassian account email they are used with. */
  username?: string | null;
  /** Azure DevOps Services: the organization a PAT is scoped to (dev.azure.com/{organization}). */
  organization?: string | null;
};

/**
 * Who a token belongs to, as the provider says. `scopes` is null when the provider does not
 * report them for this kind of token (GitHub fine-grained PATs and App tokens, Azure DevOps PATs).
 */
export type Identity = {
  login: string;
  scopes: string[] | null;
  expiresAt: string | null;
};

export type ValidatePatOptions = CallOptions & {
  token: string;
  username?: string | null;
  organization?: string | null;
  /** Scopes the product needs (the integration's PAT scopes). */
  requiredScopes: string[];
  /**
   * A repository (`owner/name`, as in its URL path) the token must reach, when one is known (the
   * first-environment prompt): catches SAML SSO and fine-grained tokens without access to it.
   */
  repository?: string | null;
};

export type RevokeTokenOptions = CallOptions & {
  clientId: string | null;
  clientSecret: string | null;
  token: string;
  source: CredentialSource;
  /**
   * `"token"`: this token alone (a newer token of the same authorization stays valid: a reconnect
   * replaced it, or it was never delivered); `"grant"` (the default, disconnect): the whole
   * authorization where the provider has one (GitHub).
   */
  scope?: "token" | "grant";
};

/**
 * Whether the provider-side token is gone. When it is not, `manualUrl` is where the person revokes
 * it by hand and `reason` says why it could not be done here.
 */
export type RevokeResult = {
  revoked: boolean;
  manualUrl: string | null;
  reason?: ErrorCode;
};

export type ListRepositoriesOptions = IdentifyOptions & {
  /** Narrows by name (case-insensitive), server-side where the provider can. */
  search: string | null;
  /** Most repositories returned; more matching makes the listing `truncated`. */
  limit: number;
};

/** The repositories a token's user can see, most recently active first where the provider says. */
export type RepositoryListing = { repositories: ListedRepository[]; truncated: boolean };

/** What git sends over HTTPS (through the credential helper, never in a URL). */
export type GitCredentials = { username: string; password: string };

/** The account facts besides the token that a provider checks a PAT with. */
export type AccountFields = Pick<ValidatePatOptions, "username" | "organization">;

/** What the runner knows of the integration a credential is for. */
export type AccountIntegration = { host: string; virtualDirectory: string | null };

/** One provider's runner-side operations on users' credentials. */
export interface ProviderClient {
  id: ProviderId;
  /** Trades an authorization code (with its PKCE verifier) for tokens. */
  exchangeCode(opts: ExchangeCodeOptions): Promise<OAuthTokens>;
  /** Trades a refresh token for new tokens; permanent refusals are `credential_needs_reauth`. */
  refreshToken(opts: RefreshTokenOptions): Promise<RefreshedTokens>;
  /** Reads the token owner's login, and the scopes and expiry where the provider reports them. */
  identify(opts: IdentifyOptions): Promise<Identity>;
  /** Checks a personal access token: identity, kind, scopes, expiry. */
  validatePat(opts: ValidatePatOptions): Promise<Identity>;
  /** Revokes a token at the provider where it has an API for it. */
  revokeToken(opts: RevokeTokenOptions): Promise<RevokeResult>;
  /** The repositories the token's user can see (the repository picker), never more than its permissions. */
  listRepositories(opts: ListRepositoriesOptions): Promise<RepositoryListing>;
  /** The user name and password git uses with this token. */
  gitCredentials(source: CredentialSource, login: string | null, token: string): GitCredentials;
  /** What the PAT form's `username` field means at this provider, as `validatePat`'s account fields. */
  patAccount(username: string | null, integration: AccountIntegration): AccountFields;
  /**
   * The account fields `identify` needs for a stored credential checked against `repository`
   * (`owner/name`); null when the runner does not store what this kind of credential needs (git
   * checks it instead). `patUsername`: the PAT form's username kept with the connection (Bitbucket's
   * Atlassian account email), null for connections from before it was kept.
   */
  storedAccount(credential: { source: CredentialSource; login: string | null; patUsername?: string | null }, integration: AccountIntegration & { repository: string }): AccountFields | null;
}

/**
 * Everything the runner does with one provider: its credential client, Save & Test's probes, and
 * the agent tools' backend (null where the provider has no agent tools).
 */
export type RunnerProvider = {
  client: ProviderClient;
  probe: ProviderProbe;
  agentTools: ScmBackend | null;
};
