import { HttpError, type Ctx } from "../http/server";
import type { Router } from "../http/router";
import { atLeast, userPermission } from "../permissions";
import { PERMISSION_RANK, type Permission, type Repo, type TokenRecord, type User } from "../types";
import { authenticate, codeCapability, stableGuid, type AzAuth, type AzEnv } from "./common";

/**
 * What the Azure DevOps REST routes share: authentication in the organization of the path, the
 * project and repository a caller may see (with Azure's own 404 and 403 bodies), the PAT scope
 * checks, preview api-versions, and identity references.
 */

/** An Azure DevOps error body to throw from a handler (the host answers it as is). */
export function azError(status: number, message: string, typeKey: string): HttpError {
  return new HttpError(status, {
    $id: "1",
    innerException: null,
    message,
    typeName: `Microsoft.VisualStudio.Services.WebApi.${typeKey}, Microsoft.VisualStudio.Services.WebApi`,
    typeKey,
    errorCode: 0,
    eventId: 3000,
  });
}

type Handler = (ctx: Ctx, auth: AzAuth) => Promise<void> | void;

/** An organization-scoped route: authenticated in `:org`, answering itself on failure. */
export function azRoute(env: AzEnv, handler: Handler): (ctx: Ctx) => Promise<void> {
  return async (ctx) => {
    const auth = authenticate(ctx, env, ctx.params.org ?? "");
    if (auth) await handler(ctx, auth);
  };
}

/**
 * Registers a route under both spellings Azure DevOps accepts for its mixed-case segments
 * (`pullrequests` / `pullRequests`, `workitems` / `workItems`): its routing is case-insensitive.
 */
export function onEitherCase(router: Router, method: string, pattern: string, handler: (ctx: Ctx) => Promise<void>): void {
  const variants = new Set([pattern, pattern.replace(/pullRequests/g, "pullrequests"), pattern.replace(/pullrequests/g, "pullRequests"), pattern.replace(/workItems/g, "workitems"), pattern.replace(/workitems/g, "workItems")]);
  for (const variant of variants) router.on(method, variant, handler);
}

export interface ProjectAccess {
  org: string;
  /** The project's name as created. */
  project: string;
  projectId: string;
  /** The caller's highest permission on any of the project's repositories. */
  permission: Permission;
  repos: Repo[];
}

/** The project of the path the caller can see, or Azure's TF200016 404. */
export function projectAccess(env: AzEnv, ctx: Ctx, auth: AzAuth, name = ctx.params.project ?? ""): ProjectAccess {
  const org = ctx.params.org ?? "";
  const wanted = name.toLowerCase();
  const repos = [...env.store.repos.values()].filter(
    (r) => r.provider === "azure-devops" && r.owner.toLowerCase() === org.toLowerCase() && ((r.project ?? "").toLowerCase() === wanted || stableGuid(`project:${org}/${r.project ?? ""}`.toLowerCase()) === wanted),
  );
  let permission: Permission | null = null;
  for (const repo of repos) {
    const p = userPermission(repo, auth.user);
    if (p && (!permission || PERMISSION_RANK[p] > PERMISSION_RANK[permission])) permission = p;
  }
  if (!permission || repos.length === 0) {
    throw azError(404, `TF200016: The following project does not exist: ${name}. Verify that the name of the project is correct and that the project exists on the specified Azure DevOps Server.`, "ProjectDoesNotExistWithNameException");
  }
  const project = repos[0]!.project ?? "";
  return { org: repos[0]!.owner, project, projectId: stableGuid(`project:${org}/${project}`.toLowerCase()), permission, repos };
}

export interface RepoAccess extends ProjectAccess {
  repo: Repo;
  repoId: string;
  repoPermission: Permission;
}

/**
 * The repository of the path (by name or id), or Azure's TF401019 404; `need` write answers a
 * reader with the real TF401027 403 for the Git permission named.
 */
export function repoAccess(env: AzEnv, ctx: Ctx, auth: AzAuth, need: Permission = "read", gitPermission = "PullRequestContribute"): RepoAccess {
  const project = projectAccess(env, ctx, auth);
  const wanted = (ctx.params.repo ?? "").toLowerCase();
  const repo = project.repos.find((r) => r.name.toLowerCase() === wanted || stableGuid(`repo:${r.id}`) === wanted);
  const repoPermission = repo ? userPermission(repo, auth.user) : null;
  if (!repo || !repoPermission) {
    throw azError(404, `TF401019: The Git repository with name or identifier ${ctx.params.repo ?? ""} does not exist or you do not have permissions for the operation you are attempting.`, "GitRepositoryNotFoundException");
  }
  requireCodeScope(auth, need);
  if (!atLeast(repoPermission, need)) {
    throw azError(403, `TF401027: You need the Git '${gitPermission}' permission to perform this action. Details: identity '${auth.user.name}', scope 'repository'.`, "GitNeedsPermissionException");
  }
  return { ...project, repo, repoId: stableGuid(`repo:${repo.id}`), repoPermission };
}

function notAuthorized(auth: AzAuth): HttpError {
  return azError(401, `TF400813: The user '${auth.user.uuid}' is not authorized to access this resource.`, "UnauthorizedRequestException");
}

/** A PAT's Code scope must allow the access (`vso.code` reads, `vso.code_write` writes). */
export function requireCodeScope(auth: AzAuth, need: Permission): void {
  const allowed = codeCapability(auth.token);
  if (!allowed || !atLeast(allowed, need)) throw notAuthorized(auth);
}

/** Statuses are posted with `vso.code_status` (or any Code write scope). */
export function requireStatusScope(auth: AzAuth): void {
  if (scopeNames(auth.token).includes("vso.code_status")) return;
  requireCodeScope(auth, "write");
}

const WORK_WRITE = ["vso.work_write", "vso.work_full", "app_token", "user_impersonation", ".default"];
const WORK_READ = [...WORK_WRITE, "vso.work"];

function scopeNames(token: TokenRecord): string[] {
  return token.scopes.map((scope) => scope.split("/").pop() ?? scope);
}

/** A PAT's Work Items scope must allow the access (`vso.work` reads, `vso.work_write` writes). */
export function requireWorkScope(auth: AzAuth, need: "read" | "write"): void {
  const names = scopeNames(auth.token);
  if (!names.some((s) => (need === "write" ? WORK_WRITE : WORK_READ).includes(s))) throw notAuthorized(auth);
}

/** Work items are saved by project contributors; readers get Azure's TF237111. */
export function requireWorkWrite(access: ProjectAccess): void {
  if (!atLeast(access.permission, "write")) {
    throw azError(403, "TF237111: The current user does not have permissions to save work items under the specified area path.", "WorkItemUnauthorizedAccessException");
  }
}

/** Preview resources refuse a released api-version, as Azure DevOps does. */
export function requirePreview(ctx: Ctx): void {
  const version = ctx.query.get("api-version");
  if (version && !/-preview/i.test(version)) {
    throw azError(
      400,
      `The requested version "${version}" of the resource is under preview. The -preview flag must be supplied in the api-version for such requests. For example: "${version}-preview"`,
      "VssInvalidPreviewVersionException",
    );
  }
}

/** `IdentityRef` of a user. */
export function identityRef(env: AzEnv, org: string, user: User): Record<string, unknown> {
  return {
    displayName: user.name,
    url: `${env.vsspsUrl()}/_apis/Identities/${user.uuid}`,
    _links: { avatar: { href: `${env.webUrl()}/${org}/_apis/GraphProfile/MemberAvatars/aad.${Buffer.from(user.uuid).toString("base64url")}` } },
    id: user.uuid,
    uniqueName: user.email,
    imageUrl: `${env.webUrl()}/${org}/_api/_common/identityImage?id=${user.uuid}`,
    descriptor: `aad.${Buffer.from(user.uuid).toString("base64url")}`,
  };
}

/** The users who can be named in the project: everyone with access to one of its repositories. */
export function projectMembers(env: AzEnv, access: ProjectAccess): User[] {
  const members = new Map<number, User>();
  for (const repo of access.repos) {
    for (const user of env.store.users.values()) {
      if (user.provider === "azure-devops" && (repo.collaborators.has(user.id) || repo.owner.toLowerCase() === user.login.toLowerCase())) members.set(user.id, user);
    }
  }
  return [...members.values()].sort((a, b) => a.id - b.id);
}

/** A JSON object body, or Azure's 400 for anything else. */
export async function objectBody(ctx: Ctx): Promise<Record<string, unknown>> {
  const body = await ctx.jsonBody();
  if (!body || typeof body !== "object" || Array.isArray(body)) throw azError(400, "The request body must be a JSON object.", "InvalidArgumentValueException");
  return body as Record<string, unknown>;
}

/** `$top` and `$skip` of a list request. */
export function topSkip(ctx: Ctx, defaultTop: number): { top: number; skip: number } {
  const top = Number(ctx.query.get("$top") ?? defaultTop);
  const skip = Number(ctx.query.get("$skip") ?? 0);
  if (!Number.isInteger(top) || top < 0 || !Number.isInteger(skip) || skip < 0) throw azError(400, "The value of parameter $top or $skip is not valid.", "InvalidArgumentValueException");
  return { top, skip };
}

export const iso = (ms: number) => new Date(ms).toISOString();
