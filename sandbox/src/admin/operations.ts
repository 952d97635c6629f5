import type { z } from "zod";
import { createBareRepo, resolveBranch } from "../git/repos";
import { repoDiskPath } from "../git/serve";
import type { SandboxStore, TokenEndpointCounters } from "../store";
import { issuePat as storePat, newUuid, randomBase62, randomHex } from "../tokens";
import { PROVIDERS, type OAuthApp, type OpenApiViolation, type ProviderId, type RequestLogEntry, type Revocation, type User } from "../types";
import { appDto, faultDto, repoDto, tokenDto, userDto, type FaultDto, type OAuthAppDto, type RepoDto, type SandboxUrls, type TokenDto, type UserDto } from "./dto";
import type {
  addFaultSchema,
  autoApproveSchema,
  clearFaultsSchema,
  createRepoSchema,
  createUserSchema,
  issuePatSchema,
  registerOAuthAppSchema,
  requestsQuerySchema,
  revokeTokenSchema,
  signInSchema,
} from "./schemas";

/** An admin request that cannot be carried out; `status` is the HTTP status the admin API uses. */
export class AdminError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly issues: { path: string; message: string }[] = [],
  ) {
    super(message);
  }
}

export interface AdminContext {
  store: SandboxStore;
  home: string;
  reposRoot: string;
  urls: SandboxUrls;
}

/** Provider defaults for PATs issued without explicit scopes: what a typical user would tick. */
const DEFAULT_PAT_SCOPES: Record<ProviderId, string[]> = {
  github: ["repo", "read:user", "user:email"],
  gitlab: ["api", "read_user", "read_repository", "write_repository"],
  bitbucket: ["read:user:bitbucket", "read:repository:bitbucket", "write:repository:bitbucket", "read:pullrequest:bitbucket"],
  "azure-devops": ["vso.code_write", "vso.code_status", "vso.work_write", "vso.profile", "vso.project"],
};

/** Scopes an OAuth app may use when registered without a list (GitLab checks requests against it). */
const DEFAULT_APP_SCOPES: Record<ProviderId, string[]> = {
  github: [],
  gitlab: ["api", "read_user", "read_repository", "write_repository", "openid", "profile", "email"],
  bitbucket: ["account", "repository", "repository:write", "pullrequest"],
  "azure-devops": [],
};

function clientCredentials(provider: ProviderId, expiring: boolean): { clientId: string; clientSecret: string } {
  switch (provider) {
    case "github":
      return { clientId: `${expiring ? "Iv23li" : "Ov23li"}${randomBase62(14)}`, clientSecret: randomHex(20) };
    case "gitlab":
      return { clientId: randomHex(32), clientSecret: `gloas-${randomHex(32)}` };
    case "bitbucket":
      return { clientId: randomBase62(18), clientSecret: randomBase62(32) };
    case "azure-devops":
      return { clientId: newUuid(), clientSecret: `${randomBase62(3)}8Q~${randomBase62(34)}` };
  }
}

function requireUser(store: SandboxStore, provider: ProviderId, login: string, field = "login"): User {
  const user = store.userByLogin(provider, login);
  if (!user) throw new AdminError(404, "user_not_found", `no ${provider} user '${login}'`, [{ path: field, message: "unknown user" }]);
  return user;
}

/** Creates a user of one provider. */
export function createUser(ctx: AdminContext, input: z.output<typeof createUserSchema>): UserDto {
  if (ctx.store.userByLogin(input.provider, input.login)) throw new AdminError(409, "conflict", `${input.provider} user '${input.login}' exists`);
  const user: User = {
    id: ctx.store.nextId(),
    uuid: newUuid(),
    provider: input.provider,
    login: input.login,
    name: input.name ?? input.login,
    email: input.email ?? `${input.login.toLowerCase()}@users.sandbox.test`,
    organizations: input.provider === "azure-devops" ? [...new Set(input.organizations ?? [])] : [],
    createdAt: Date.now(),
  };
  ctx.store.users.set(user.id, user);
  return userDto(user);
}

/** Registers an OAuth application (GitHub OAuth app or GitHub App, GitLab app, Bitbucket consumer, Entra app). */
export function registerOAuthApp(ctx: AdminContext, input: z.output<typeof registerOAuthAppSchema>): OAuthAppDto {
  const generated = clientCredentials(input.provider, input.expiringTokens);
  const clientId = input.clientId ?? generated.clientId;
  if (ctx.store.apps.has(clientId)) throw new AdminError(409, "conflict", `client id '${clientId}' is taken`);
  const app: OAuthApp = {
    provider: input.provider,
    clientId,
    clientSecret: input.clientSecret ?? generated.clientSecret,
    name: input.name,
    callbackUrls: input.callbackUrls,
    scopes: input.scopes ?? DEFAULT_APP_SCOPES[input.provider],
    expiringTokens: input.expiringTokens,
    tenant: input.tenant ?? (input.provider === "azure-devops" ? newUuid() : ""),
    createdAt: Date.now(),
  };
  ctx.store.apps.set(app.clientId, app);
  return appDto(app, ctx.urls);
}

/** Issues a personal access token (GitHub classic or fine-grained, GitLab, Bitbucket API token, Azure DevOps). */
export function issuePat(ctx: AdminContext, input: z.output<typeof issuePatSchema>): TokenDto {
  const user = requireUser(ctx.store, input.provider, input.login);
  const unknownOrg = input.organizations?.find((org) => !user.organizations.some((o) => o.toLowerCase() === org.toLowerCase()));
  if (unknownOrg) {
    throw new AdminError(400, "invalid_request", `${user.login} is not a member of '${unknownOrg}'`, [{ path: "organizations", message: "not a member" }]);
  }
  let expiresAt: number | null = null;
  if (input.expiresInSeconds !== undefined) expiresAt = Date.now() + input.expiresInSeconds * 1000;
  else if (input.expiresAt) expiresAt = Date.parse(input.expiresAt);
  const fineGrained = input.kind === "fine-grained";
  const token = storePat(ctx.store, {
    provider: input.provider,
    userId: user.id,
    kind: fineGrained ? "fine_grained" : "pat",
    scopes: fineGrained ? [] : (input.scopes ?? DEFAULT_PAT_SCOPES[input.provider]),
    expiresAt,
    name: input.name,
    repositories: fineGrained ? (input.repositories ?? {}) : undefined,
    ssoUnauthorizedOrgs: input.ssoUnauthorizedOrgs ?? null,
    organizations: input.organizations ?? null,
  });
  return tokenDto(token, user);
}

/** Looks a token up by id or value. */
export function getToken(ctx: AdminContext, ref: { id?: number; value?: string }): TokenDto {
  const token = ref.id !== undefined ? ctx.store.tokens.get(ref.id) : ctx.store.tokensByValue.get(ref.value ?? "");
  if (!token) throw new AdminError(404, "token_not_found", "no such token");
  return tokenDto(token, ctx.store.users.get(token.userId));
}

/** Revokes a token, or with `grant` the whole OAuth authorization it belongs to. */
export function revokeToken(ctx: AdminContext, input: z.output<typeof revokeTokenSchema>): { revoked: number } {
  const token = input.id !== undefined ? ctx.store.tokens.get(input.id) : ctx.store.tokensByValue.get(input.value ?? "");
  if (!token) throw new AdminError(404, "token_not_found", "no such token");
  const grant = token.grantId !== undefined ? ctx.store.grants.get(token.grantId) : undefined;
  if (input.grant && grant) {
    const before = [...ctx.store.tokens.values()].filter((t) => t.grantId === grant.id && t.revokedAt === null).length;
    ctx.store.revokeGrant(grant, "admin");
    return { revoked: before };
  }
  const wasActive = token.revokedAt === null;
  ctx.store.revokeToken(token, "admin");
  return { revoked: wasActive ? 1 : 0 };
}

/** Creates a bare repository seeded with one commit on the default branch (plus optional branches). */
export async function createRepo(ctx: AdminContext, input: z.output<typeof createRepoSchema>): Promise<RepoDto> {
  const { store } = ctx;
  if (store.repoByPath(input.provider, input.path)) throw new AdminError(409, "conflict", `${input.provider} repository '${input.path}' exists`);
  const segments = input.path.split("/");
  const owner = segments[0] as string;
  const collaborators = new Map<number, "read" | "write" | "admin">();
  input.collaborators.forEach((c, i) => collaborators.set(requireUser(store, input.provider, c.login, `collaborators.${i}.login`).id, c.permission));
  const ownerUser = store.userByLogin(input.provider, owner);
  const id = store.nextId();
  const diskPath = repoDiskPath(ctx.reposRoot, input.provider, id);
  const author = ownerUser ?? store.users.get([...collaborators.keys()][0] ?? -1);
  await createBareRepo(diskPath, ctx.home, {
    defaultBranch: input.defaultBranch,
    files: input.files ?? { "README.md": `# ${segments[segments.length - 1]}\n` },
    generatedFiles: input.generatedFiles,
    branches: input.branches,
    author: { name: author?.name ?? "Sandbox", email: author?.email ?? "sandbox@users.sandbox.test" },
  });
  if (store.repoByPath(input.provider, input.path)) throw new AdminError(409, "conflict", `${input.provider} repository '${input.path}' exists`);
  const now = Date.now();
  const repo = {
    id,
    provider: input.provider,
    path: input.path,
    owner,
    name: segments[segments.length - 1] as string,
    project: input.provider === "azure-devops" ? (segments[1] as string) : null,
    description: input.description ?? null,
    private: input.private,
    defaultBranch: input.defaultBranch,
    diskPath,
    collaborators,
    createdAt: now,
    pushedAt: now,
    nextNumber: 1,
    nextMrIid: 1,
  };
  store.repos.set(id, repo);
  if (input.provider === "azure-devops") {
    // Being given access to a repository makes the user a member of its organization.
    for (const userId of collaborators.keys()) {
      const user = store.users.get(userId);
      if (user && !user.organizations.some((o) => o.toLowerCase() === owner.toLowerCase())) user.organizations.push(owner);
    }
  }
  const headSha = (await resolveBranch(diskPath, ctx.home, input.defaultBranch)) ?? "";
  return repoDto(repo, headSha, ctx.urls, store.users);
}

/** Adds a fault; it applies to matching requests until cleared or `count` is used up. */
export function addFault(ctx: AdminContext, input: z.output<typeof addFaultSchema>): FaultDto {
  const fault = {
    id: ctx.store.nextId(),
    provider: input.provider,
    host: input.host ?? null,
    method: input.method ?? null,
    pathPrefix: input.path ?? null,
    pathRegex: input.pathRegex ?? null,
    kind: input.kind,
    latencyMs: input.latencyMs ?? 0,
    status: input.status ?? null,
    retryAfterSeconds: input.retryAfterSeconds ?? null,
    body: input.body ?? null,
    headers: input.headers,
    remaining: input.count ?? null,
    hits: 0,
  };
  ctx.store.faults.push(fault);
  return faultDto(fault);
}

/** Lists the active faults. */
export function listFaults(ctx: AdminContext): FaultDto[] {
  return ctx.store.faults.map(faultDto);
}

/** Removes every fault, or those of one provider. */
export function clearFaults(ctx: AdminContext, input: z.output<typeof clearFaultsSchema>): { removed: number } {
  const before = ctx.store.faults.length;
  const keep = ctx.store.faults.filter((f) => input.provider !== undefined && f.provider !== input.provider);
  ctx.store.faults.splice(0, ctx.store.faults.length, ...keep);
  return { removed: before - keep.length };
}

/** Removes one fault. */
export function removeFault(ctx: AdminContext, id: number): { removed: number } {
  const index = ctx.store.faults.findIndex((f) => f.id === id);
  if (index < 0) throw new AdminError(404, "fault_not_found", "no such fault");
  ctx.store.faults.splice(index, 1);
  return { removed: 1 };
}

/** Turns the consent page off (authorize redirects straight back with a code) or on. */
export function setAutoApprove(ctx: AdminContext, input: z.output<typeof autoApproveSchema>): { provider: string; enabled: boolean } {
  const providers = input.provider === "all" ? PROVIDERS : [input.provider];
  for (const provider of providers) ctx.store.autoApprove.set(provider, input.enabled);
  return { provider: input.provider, enabled: input.enabled };
}

/** Chooses the user the provider's web pages are signed in as (who the consent page authorizes). */
export function signIn(ctx: AdminContext, input: z.output<typeof signInSchema>): UserDto {
  const user = requireUser(ctx.store, input.provider, input.login);
  ctx.store.signedIn.set(input.provider, user.id);
  return userDto(user);
}

/** Requests the providers served, oldest first (the log keeps the latest 2000). */
export function listRequests(ctx: AdminContext, query: z.output<typeof requestsQuerySchema>): RequestLogEntry[] {
  return ctx.store.requestLog
    .filter((e) => (query.provider === undefined || e.provider === query.provider) && (query.since === undefined || e.at >= query.since))
    .map((e) => ({ ...e }));
}

/** Every revocation, through a provider's API or the admin API. */
export function listRevocations(ctx: AdminContext): Revocation[] {
  return ctx.store.revocations.map((r) => ({ ...r }));
}

/** GitHub responses that did not match GitHub's OpenAPI description. */
export function listViolations(ctx: AdminContext): OpenApiViolation[] {
  return ctx.store.violations.map((v) => ({ ...v, errors: [...v.errors] }));
}

/** Token endpoint calls per provider, by grant type. */
export function tokenEndpointCounters(ctx: AdminContext): Record<ProviderId, TokenEndpointCounters> {
  return Object.fromEntries(PROVIDERS.map((p) => [p, { ...ctx.store.counters(p) }])) as Record<ProviderId, TokenEndpointCounters>;
}
