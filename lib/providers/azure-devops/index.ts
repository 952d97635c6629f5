import type { ProviderDefinition } from "../types";

const ENTRA_DEFAULT_ISSUER = "https://login.microsoftonline.com/organizations/v2.0";
/** Azure DevOps' resource id in Microsoft Entra ID. */
const AZURE_DEVOPS_RESOURCE = "499b84ac-1321-427f-aa17-267ca6975798";

/**
 * Azure DevOps Services (dev.azure.com, OAuth through Microsoft Entra ID) and Azure DevOps Server
 * (a self-hosted collection under a virtual directory).
 */
export const azureDevops = {
  id: "azure_devops",
  name: "Azure DevOps",
  defaultHost: "dev.azure.com",
  selfHosted: true,
  hostPlaceholder: "devops.example.com",
  isCloudHost: (host) => host === "dev.azure.com",
  endpoints: ({ host, baseUrl, issuerUrl, virtualDirectory }) => {
    const issuer = (issuerUrl ?? ENTRA_DEFAULT_ISSUER).replace(/\/v2\.0\/?$/, "");
    const root = host === "dev.azure.com" || !virtualDirectory ? baseUrl : `${baseUrl}/${virtualDirectory}`;
    return {
      webUrl: root,
      apiUrl: root,
      authorizeUrl: `${issuer}/oauth2/v2.0/authorize`,
      tokenUrl: `${issuer}/oauth2/v2.0/token`,
      revokeUrl: null,
      userUrl: host === "dev.azure.com" ? "https://app.vssps.visualstudio.com/_apis/profile/profiles/me?api-version=7.1" : `${root}/_apis/connectionData`,
      gitBaseUrl: root,
    };
  },
  oauthScopes: [
    { scope: `${AZURE_DEVOPS_RESOURCE}/.default`, reason: "Act on Azure DevOps with your permissions (code read and write)." },
    { scope: "offline_access", reason: "Keep the connection working without signing in again." },
  ],
  patScopes: [
    { scope: "vso.code_write", reason: "Clone repositories and push branches (Code: Read & write)." },
    { scope: "vso.profile", reason: "Show which account is connected (User profile: Read)." },
    { scope: "vso.code_status", reason: "Let agents read and post pull request statuses (Code: Status)." },
    { scope: "vso.work_write", reason: "Let agents read, create, update and comment on work items (Work Items: Read & write)." },
    { scope: "vso.project", reason: "Let agents list the project's team for assignees and reviewers (Project and Team: Read)." },
  ],
  // Azure DevOps does not report a token's scopes.
  scopeImplications: {},
  comparableScopes: false,
  patCreationUrl: (e) => `${e.webUrl}/_usersSettings/tokens`,
  oauthAppRegistrationUrl: () => "https://entra.microsoft.com/#view/Microsoft_AAD_RegisteredApps/ApplicationsListBlade",
  gitUsername: () => "pat",
  patLabel: "Personal access token (scoped to one organization)",
  patUsername: null,
  repositoryPath: "nested",
  pullRequestName: { one: "pull request", many: "pull requests", numberPrefix: "!" },
  issueName: { one: "work item", many: "work items" },
  capabilities: { oauth: true, pat: true, refresh: true, revocation: false, agentTools: true },
  scopeSeparator: " ",
} satisfies ProviderDefinition;
