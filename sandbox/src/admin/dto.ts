import type { Fault, OAuthApp, Permission, ProviderId, Repo, TokenRecord, User } from "../types";

/** What the admin API hands out: plain JSON, no internal references. */

export interface SandboxUrls {
  github: { web: string; api: string; /** The Enterprise Server layout: REST under the web host. */ enterpriseApi: string };
  gitlab: { web: string };
  bitbucket: { web: string; api: string };
  azure: { web: string; vssps: string; entra: string };
}

export interface UserDto {
  id: number;
  provider: ProviderId;
  login: string;
  name: string;
  email: string;
  uuid: string;
  organizations: string[];
}

export interface OAuthAppDto {
  provider: ProviderId;
  name: string;
  clientId: string;
  clientSecret: string;
  callbackUrls: string[];
  scopes: string[];
  expiringTokens: boolean;
  tenant: string;
  authorizeUrl: string;
  tokenUrl: string;
  /** Where a token is revoked, when the provider has such an endpoint. */
  revokeUrl: string | null;
}

export interface TokenDto {
  id: number;
  provider: ProviderId;
  kind: "classic" | "fine-grained" | "oauth" | "refresh";
  value: string;
  login: string;
  name: string;
  scopes: string[];
  createdAt: string;
  expiresAt: string | null;
  revokedAt: string | null;
  clientId: string | null;
  repositories: Record<string, Permission> | null;
  ssoUnauthorizedOrgs: string[] | null;
  /** Bitbucket: the Atlassian account email that goes with an API token in Basic auth. */
  email: string | null;
  /** Azure DevOps PATs: the organizations it is limited to (null = all accessible organizations). */
  organizations: string[] | null;
  /** Azure DevOps PATs: true for a PAT valid in all accessible organizations ("global" PAT). */
  global: boolean | null;
}

export interface RepoDto {
  id: number;
  provider: ProviderId;
  path: string;
  owner: string;
  name: string;
  private: boolean;
  defaultBranch: string;
  /** The commit at the tip of the default branch after seeding. */
  headSha: string;
  cloneUrl: string;
  webUrl: string;
  collaborators: { login: string; permission: Permission }[];
}

export interface FaultDto {
  id: number;
  provider: ProviderId;
  host: string | null;
  method: string | null;
  path: string | null;
  pathRegex: string | null;
  kind: Fault["kind"];
  latencyMs: number | null;
  status: number | null;
  retryAfterSeconds: number | null;
  remaining: number | null;
  hits: number;
}

function iso(ms: number | null | undefined): string | null {
  return ms === null || ms === undefined ? null : new Date(ms).toISOString();
}

/** Converts a stored user. */
export function userDto(user: User): UserDto {
  return { id: user.id, provider: user.provider, login: user.login, name: user.name, email: user.email, uuid: user.uuid, organizations: [...user.organizations] };
}

/** Converts a registered app, adding the endpoint URLs a client needs. */
export function appDto(app: OAuthApp, urls: SandboxUrls): OAuthAppDto {
  const endpoints: Record<ProviderId, [string, string, string | null]> = {
    github: [`${urls.github.web}/login/oauth/authorize`, `${urls.github.web}/login/oauth/access_token`, `${urls.github.api}/applications/${app.clientId}/token`],
    gitlab: [`${urls.gitlab.web}/oauth/authorize`, `${urls.gitlab.web}/oauth/token`, `${urls.gitlab.web}/oauth/revoke`],
    bitbucket: [`${urls.bitbucket.web}/site/oauth2/authorize`, `${urls.bitbucket.web}/site/oauth2/access_token`, null],
    "azure-devops": [`${urls.azure.entra}/${app.tenant}/oauth2/v2.0/authorize`, `${urls.azure.entra}/${app.tenant}/oauth2/v2.0/token`, null],
  };
  const [authorizeUrl, tokenUrl, revokeUrl] = endpoints[app.provider];
  return {
    provider: app.provider,
    name: app.name,
    clientId: app.clientId,
    clientSecret: app.clientSecret,
    callbackUrls: [...app.callbackUrls],
    scopes: [...app.scopes],
    expiringTokens: app.expiringTokens,
    tenant: app.tenant,
    authorizeUrl,
    tokenUrl,
    revokeUrl,
  };
}

/** Converts a stored token (the value included: the admin API is the sandbox's own back door). */
export function tokenDto(token: TokenRecord, user: User | undefined): TokenDto {
  const kind = token.kind === "pat" ? "classic" : token.kind === "fine_grained" ? "fine-grained" : token.kind;
  const azurePat = token.provider === "azure-devops" && (token.kind === "pat" || token.kind === "fine_grained");
  return {
    id: token.id,
    provider: token.provider,
    kind,
    value: token.value,
    login: user?.login ?? "",
    name: token.name,
    scopes: [...token.scopes],
    createdAt: iso(token.createdAt) as string,
    expiresAt: iso(token.expiresAt),
    revokedAt: iso(token.revokedAt),
    clientId: token.clientId ?? null,
    repositories: token.repositories ? { ...token.repositories } : null,
    ssoUnauthorizedOrgs: token.ssoUnauthorizedOrgs ? [...token.ssoUnauthorizedOrgs] : null,
    email: token.provider === "bitbucket" && token.kind === "pat" ? (user?.email ?? null) : null,
    organizations: azurePat && token.organizations ? [...token.organizations] : null,
    global: azurePat ? token.organizations === null || token.organizations === undefined : null,
  };
}

/** The HTTPS clone URL of a repository on its provider's web host. */
export function cloneUrl(repo: Repo, urls: SandboxUrls): string {
  switch (repo.provider) {
    case "github":
      return `${urls.github.web}/${repo.path}.git`;
    case "gitlab":
      return `${urls.gitlab.web}/${repo.path}.git`;
    case "bitbucket":
      return `${urls.bitbucket.web}/${repo.path}.git`;
    case "azure-devops":
      return `${urls.azure.web}/${repo.owner}/${repo.project ?? ""}/_git/${repo.name}`;
  }
}

/** Converts a stored repository. */
export function repoDto(repo: Repo, headSha: string, urls: SandboxUrls, users: Map<number, User>): RepoDto {
  const web = repo.provider === "azure-devops" ? cloneUrl(repo, urls) : cloneUrl(repo, urls).replace(/\.git$/, "");
  return {
    id: repo.id,
    provider: repo.provider,
    path: repo.path,
    owner: repo.owner,
    name: repo.name,
    private: repo.private,
    defaultBranch: repo.defaultBranch,
    headSha,
    cloneUrl: cloneUrl(repo, urls),
    webUrl: web,
    collaborators: [...repo.collaborators.entries()].map(([id, permission]) => ({ login: users.get(id)?.login ?? "", permission })),
  };
}

/** Converts a fault. */
export function faultDto(fault: Fault): FaultDto {
  return {
    id: fault.id,
    provider: fault.provider,
    host: fault.host,
    method: fault.method,
    path: fault.pathPrefix,
    pathRegex: fault.pathRegex,
    kind: fault.kind,
    latencyMs: fault.kind === "latency" ? fault.latencyMs : null,
    status: fault.status,
    retryAfterSeconds: fault.retryAfterSeconds,
    remaining: fault.remaining,
    hits: fault.hits,
  };
}
