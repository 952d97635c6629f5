/** The Git providers this product integrates with. */
export const providerIds = ["github", "gitlab", "bitbucket", "azure_devops"] as const;
export type ProviderId = (typeof providerIds)[number];

export type ScopeRequirement = {
  scope: string;
  /** Why the product needs it, shown next to the scope. */
  reason: string;
};

/** Scope → the scopes it includes (one level; the closure is computed). */
export type ScopeImplications = Readonly<Record<string, readonly string[]>>;

/**
 * A second field the PAT form asks for next to the token (Bitbucket API tokens are used with the
 * Atlassian account email), and what is said when it is left empty.
 */
export type PatUsernameField = { missingMessage: string };

/** What an integration says about where a provider lives. */
export type IntegrationLocation = {
  host: string;
  baseUrl: string;
  /** Azure DevOps Services: the Entra ID issuer, `https://login.microsoftonline.com/{tenant}/v2.0`. */
  issuerUrl?: string | null;
  /** Azure DevOps Server: the virtual directory, e.g. `tfs`. */
  virtualDirectory?: string | null;
};

/** Every URL the product and the runner use for one integration. */
export type ProviderEndpoints = {
  /** The web UI, where people sign in and create tokens. */
  webUrl: string;
  /** REST API base, without a trailing slash. */
  apiUrl: string;
  authorizeUrl: string;
  tokenUrl: string;
  /** Where a token is revoked, when the provider offers it. */
  revokeUrl: string | null;
  /** An endpoint that answers with the token owner's identity. */
  userUrl: string;
  /** Base for clone URLs: `${gitBaseUrl}/${repoPath}` (Azure DevOps inserts `_git`). */
  gitBaseUrl: string;
};

export type ProviderCapabilities = {
  oauth: boolean;
  pat: boolean;
  /** OAuth tokens expire and come with a refresh token. */
  refresh: boolean;
  /** Tokens can be revoked through the API when a user disconnects. */
  revocation: boolean;
  /** Agents can call the provider API (pull requests, issues, reviews). */
  agentTools: boolean;
};

/**
 * One provider: hosts, URLs (derived for self-hosted hosts), scopes with reasons and implications,
 * PAT form needs, and capabilities. Adding a provider means one folder like `github/` and one line
 * in the registry.
 */
export type ProviderDefinition = {
  id: ProviderId;
  name: string;
  /** The SaaS host offered by default. */
  defaultHost: string;
  /** Whether other hosts (Enterprise Server, self-managed, Azure DevOps Server) are possible. */
  selfHosted: boolean;
  /** Placeholder for the host field of a self-hosted instance. */
  hostPlaceholder: string;
  /** Whether the host is the provider's SaaS (as opposed to a self-hosted instance). */
  isCloudHost: (host: string) => boolean;
  endpoints: (location: IntegrationLocation) => ProviderEndpoints;
  oauthScopes: ScopeRequirement[];
  patScopes: ScopeRequirement[];
  /** Scopes that include others at this provider (a write scope covering its read, `repo` covering `public_repo`). */
  scopeImplications: ScopeImplications;
  /**
   * Whether the scope names the provider reports for a stored credential can be compared with the
   * required ones (Check access); for the others the granted scopes are only reported.
   */
  comparableScopes: boolean;
  /** Where a user creates a token, with the scopes prefilled when the provider supports it. */
  patCreationUrl: (endpoints: ProviderEndpoints, scopes: string[]) => string;
  /** Where an admin registers the OAuth application. */
  oauthAppRegistrationUrl: (endpoints: ProviderEndpoints) => string;
  /** The user name git sends with a token over HTTPS. */
  gitUsername: (source: "oauth" | "pat", login: string | null) => string;
  /** What the PAT field is called at this provider. */
  patLabel: string;
  /** The form's username field for a PAT, when this provider's tokens need one; null when they do not. */
  patUsername: PatUsernameField | null;
  /**
   * How a repository is named in a URL path: `"owner/name"` is exactly two segments and an owner
   * never has a dot (GitHub); `"nested"` allows groups within groups, whose names may have dots (GitLab).
   */
  repositoryPath: "owner/name" | "nested";
  /** What the provider calls a pull request, and how it writes one's number: GitLab's merge request `!12`. */
  pullRequestName: { one: string; many: string; numberPrefix: "#" | "!" };
  /** What the issue tools work with: issues, or Azure DevOps's work items. */
  issueName: { one: string; many: string };
  capabilities: ProviderCapabilities;
  /** OAuth scope separator in the authorize request. */
  scopeSeparator: " " | ",";
};
