import type { ProviderDefinition } from "./types";

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
  patCreationUrl: (e, scopes) =>
    `${e.webUrl}/settings/tokens/new?${new URLSearchParams({ scopes: scopes.join(","), description: "Development environments" })}`,
  oauthAppRegistrationUrl: (e) => `${e.webUrl}/settings/applications/new`,
  gitUsername: () => "x-access-token",
  patLabel: "Personal access token (classic or fine-grained)",
  capabilities: { oauth: true, pat: true, refresh: true, revocation: true, agentTools: true },
  scopeSeparator: " ",
} satisfies ProviderDefinition;
