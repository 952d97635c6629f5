import type { ProviderDefinition } from "../types";

/** GitHub.com and GitHub Enterprise Server (API under `/api/v3`). */
export const github = {
  id: "github",
  name: "GitHub",
  defaultHost: "github.com",
  selfHosted: true,
  hostPlaceholder: "github.example.com",
  isCloudHost: (host) => host === "github.com",
  endpoints: ({ host, baseUrl }) => {
    const apiUrl = host === "github.com" ? "https://api.github.com" : `${baseUrl}/api/v3`;
    return {
      webUrl: baseUrl,
      apiUrl,
      authorizeUrl: `${baseUrl}/login/oauth/authorize`,
      tokenUrl: `${baseUrl}/login/oauth/access_token`,
      // DELETE /applications/{client_id}/grant (and /token), authenticated with the client's credentials.
      revokeUrl: `${apiUrl}/applications`,
      userUrl: `${apiUrl}/user`,
      gitBaseUrl: baseUrl,
    };
  },
  oauthScopes: [
    { scope: "repo", reason: "Clone and push private repositories, and open pull requests and issues in them." },
    { scope: "read:user", reason: "Show which account is connected." },
    { scope: "user:email", reason: "Attribute commits to the right email address." },
  ],
  patScopes: [
    { scope: "repo", reason: "Clone and push private repositories, and open pull requests and issues in them." },
    { scope: "read:user", reason: "Show which account is connected." },
  ],
  scopeImplications: {
    // Classic scopes that include others (GitHub's "scopes for OAuth apps" table).
    repo: ["repo:status", "repo_deployment", "public_repo", "repo:invite", "security_events"],
    user: ["read:user", "user:email", "user:follow"],
    "admin:org": ["write:org"],
    "write:org": ["read:org"],
    "admin:public_key": ["write:public_key"],
    "write:public_key": ["read:public_key"],
    "admin:repo_hook": ["write:repo_hook"],
    "write:repo_hook": ["read:repo_hook"],
    "admin:gpg_key": ["write:gpg_key"],
    "write:gpg_key": ["read:gpg_key"],
    "write:packages": ["read:packages"],
    "write:discussion": ["read:discussion"],
    project: ["read:project"],
  },
  comparableScopes: true,
  patCreationUrl: (e, scopes) =>
    `${e.webUrl}/settings/tokens/new?${new URLSearchParams({ scopes: scopes.join(","), description: "Development environments" })}`,
  oauthAppRegistrationUrl: (e) => `${e.webUrl}/settings/applications/new`,
  gitUsername: () => "x-access-token",
  patLabel: "Personal access token (classic or fine-grained)",
  patUsername: null,
  repositoryPath: "owner/name",
  pullRequestName: { one: "pull request", many: "pull requests", numberPrefix: "#" },
  issueName: { one: "issue", many: "issues" },
  capabilities: { oauth: true, pat: true, refresh: true, revocation: true, agentTools: true },
  scopeSeparator: " ",
} satisfies ProviderDefinition;
