import type { ProviderDefinition } from "../types";

/**
 * Bitbucket Cloud. Web and OAuth at bitbucket.org, the API at api.bitbucket.org. PATs are API
 * tokens used with the account's email over Basic auth (app passwords are retired).
 */
export const bitbucket = {
  id: "bitbucket",
  name: "Bitbucket Cloud",
  defaultHost: "bitbucket.org",
  selfHosted: false,
  hostPlaceholder: "bitbucket.org",
  isCloudHost: (host) => host === "bitbucket.org",
  endpoints: ({ host, baseUrl }) => {
    // The real service splits web and API hosts; an offline stand-in serves both from one.
    const apiUrl = host === "bitbucket.org" ? "https://api.bitbucket.org/2.0" : `${baseUrl}/2.0`;
    return {
      webUrl: baseUrl,
      apiUrl,
      authorizeUrl: `${baseUrl}/site/oauth2/authorize`,
      tokenUrl: `${baseUrl}/site/oauth2/access_token`,
      revokeUrl: null,
      userUrl: `${apiUrl}/user`,
      gitBaseUrl: baseUrl,
    };
  },
  oauthScopes: [
    { scope: "repository:write", reason: "Clone and push repositories." },
    { scope: "pullrequest:write", reason: "Open pull requests." },
    { scope: "issue:write", reason: "Let agents read, open, update and comment on issues." },
    { scope: "account", reason: "Show which account is connected." },
  ],
  patScopes: [
    { scope: "read:user:bitbucket", reason: "Show which account is connected." },
    { scope: "read:repository:bitbucket", reason: "Clone repositories." },
    { scope: "write:repository:bitbucket", reason: "Push branches from environments." },
    { scope: "write:pullrequest:bitbucket", reason: "Let agents open, review and comment on pull requests." },
    { scope: "write:issue:bitbucket", reason: "Let agents read, open, update and comment on issues." },
  ],
  // OAuth consumer scopes that include others (Bitbucket's scope documentation), and API token
  // scopes where a write scope covers the matching read.
  scopeImplications: {
    "repository:write": ["repository"],
    pullrequest: ["repository"],
    "pullrequest:write": ["pullrequest", "repository:write"],
    "account:write": ["account"],
    "issue:write": ["issue"],
    "admin:repository:bitbucket": ["write:repository:bitbucket"],
    "write:repository:bitbucket": ["read:repository:bitbucket"],
    "write:pullrequest:bitbucket": ["read:pullrequest:bitbucket"],
    "write:issue:bitbucket": ["read:issue:bitbucket"],
  },
  // OAuth scope names differ from API token scope names, and only 403 answers list what was granted.
  comparableScopes: false,
  patCreationUrl: () => "https://id.atlassian.com/manage-profile/security/api-tokens",
  oauthAppRegistrationUrl: (e) => `${e.webUrl}/account/settings/`,
  gitUsername: (source, login) => (source === "oauth" ? "x-token-auth" : (login ?? "x-bitbucket-api-token-auth")),
  patLabel: "API token (with your Atlassian account email)",
  patUsername: { missingMessage: "Enter the email address of your Atlassian account" },
  repositoryPath: "nested",
  pullRequestName: { one: "pull request", many: "pull requests", numberPrefix: "#" },
  issueName: { one: "issue", many: "issues" },
  capabilities: { oauth: true, pat: true, refresh: true, revocation: false, agentTools: true },
  scopeSeparator: " ",
} satisfies ProviderDefinition;
