import type { ProviderDefinition } from "../types";

/** GitLab.com and self-managed GitLab: one host serves the web UI, OAuth, the API and git. */
export const gitlab = {
  id: "gitlab",
  name: "GitLab",
  defaultHost: "gitlab.com",
  selfHosted: true,
  hostPlaceholder: "gitlab.example.com",
  isCloudHost: (host) => host === "gitlab.com",
  endpoints: ({ baseUrl }) => ({
    webUrl: baseUrl,
    apiUrl: `${baseUrl}/api/v4`,
    authorizeUrl: `${baseUrl}/oauth/authorize`,
    tokenUrl: `${baseUrl}/oauth/token`,
    revokeUrl: `${baseUrl}/oauth/revoke`,
    userUrl: `${baseUrl}/api/v4/user`,
    gitBaseUrl: baseUrl,
  }),
  oauthScopes: [
    { scope: "api", reason: "Open merge requests, manage issues and comment on reviews for agents." },
    { scope: "read_user", reason: "Show which account is connected." },
    { scope: "read_repository", reason: "Clone repositories." },
    { scope: "write_repository", reason: "Push branches from environments." },
  ],
  patScopes: [
    { scope: "api", reason: "Open merge requests, manage issues and comment on reviews for agents." },
    { scope: "read_user", reason: "Show which account is connected." },
    { scope: "write_repository", reason: "Clone repositories and push branches." },
  ],
  // `api` is complete read/write API access, which GitLab's docs say includes Git over HTTP and the user profile.
  scopeImplications: {
    api: ["read_api", "read_user", "read_repository", "write_repository"],
    write_repository: ["read_repository"],
    write_registry: ["read_registry"],
  },
  comparableScopes: true,
  patCreationUrl: (e, scopes) =>
    `${e.webUrl}/-/user_settings/personal_access_tokens?${new URLSearchParams({ name: "Development environments", scopes: scopes.join(",") })}`,
  oauthAppRegistrationUrl: (e) => `${e.webUrl}/-/user_settings/applications`,
  gitUsername: () => "oauth2",
  patLabel: "Personal access token",
  patUsername: null,
  repositoryPath: "nested",
  pullRequestName: { one: "merge request", many: "merge requests", numberPrefix: "!" },
  issueName: { one: "issue", many: "issues" },
  capabilities: { oauth: true, pat: true, refresh: true, revocation: true, agentTools: true },
  scopeSeparator: " ",
} satisfies ProviderDefinition;
