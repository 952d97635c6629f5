import type { Ctx } from "../http/server";
import type { Router } from "../http/router";
import { userPermission } from "../permissions";
import type { Repo } from "../types";
import { authenticate, identity, stableGuid, vssError, type AzAuth, type AzEnv } from "./common";

type AzHandler = (ctx: Ctx, auth: AzAuth) => void;

/** Wraps a handler of an organization-scoped route with Azure DevOps authentication. */
function inOrg(env: AzEnv, handler: AzHandler): (ctx: Ctx) => void {
  return (ctx) => {
    const auth = authenticate(ctx, env, ctx.params.org ?? "");
    if (auth) handler(ctx, auth);
  };
}

function projectJson(env: AzEnv, org: string, name: string, repos: Repo[]): Record<string, unknown> {
  const id = stableGuid(`project:${org}/${name}`.toLowerCase());
  const updated = Math.max(0, ...repos.map((r) => r.pushedAt));
  return {
    id,
    name,
    url: `${env.webUrl()}/${org}/_apis/projects/${id}`,
    state: "wellFormed",
    revision: 11,
    visibility: repos.every((r) => r.private) ? "private" : "public",
    lastUpdateTime: new Date(updated).toISOString(),
  };
}

/** `GitRepository` as returned by `_apis/git/repositories`. */
export function repoJson(env: AzEnv, repo: Repo): Record<string, unknown> {
  const [org = "", project = ""] = repo.path.split("/");
  const id = stableGuid(`repo:${repo.id}`);
  const web = `${env.webUrl()}/${org}/${project}/_git/${repo.name}`;
  const host = new URL(env.webUrl());
  return {
    id,
    name: repo.name,
    url: `${env.webUrl()}/${org}/${stableGuid(`project:${org}/${project}`.toLowerCase())}/_apis/git/repositories/${id}`,
    project: projectJson(env, org, project, [repo]),
    defaultBranch: `refs/heads/${repo.defaultBranch}`,
    size: 0,
    remoteUrl: `${host.protocol}//${org}@${host.host}/${org}/${project}/_git/${repo.name}`,
    sshUrl: `git@ssh.${host.hostname}:v3/${org}/${project}/${repo.name}`,
    webUrl: web,
    isDisabled: false,
    isInMaintenance: false,
  };
}

function visibleRepos(env: AzEnv, auth: AzAuth, org: string, project?: string): Repo[] {
  return [...env.store.repos.values()].filter((repo) => {
    if (repo.provider !== "azure-devops" || repo.owner.toLowerCase() !== org.toLowerCase()) return false;
    if (project !== undefined && (repo.project ?? "").toLowerCase() !== project.toLowerCase()) return false;
    return userPermission(repo, auth.user) !== null;
  });
}

/** Routes of the dev.azure.com-style host (besides git). */
export function registerAzureApi(router: Router, env: AzEnv): void {
  router.on(
    "GET",
    "/:org/_apis/connectionData",
    inOrg(env, (ctx, auth) => {
      ctx.json(200, {
        authenticatedUser: identity(auth.user),
        authorizedUser: identity(auth.user),
        instanceId: stableGuid(`org:${(ctx.params.org ?? "").toLowerCase()}`),
        deploymentId: stableGuid("deployment"),
        deploymentType: "hosted",
        locationServiceData: {
          serviceOwner: "00025394-6065-48ca-87d9-7f5672854ef7",
          defaultAccessMappingMoniker: "PublicAccessMapping",
          lastChangeId: 1,
          lastChangeId64: 1,
        },
      });
    }),
  );

  router.on(
    "GET",
    "/:org/_apis/projects",
    inOrg(env, (ctx, auth) => {
      const org = ctx.params.org ?? "";
      const byProject = new Map<string, Repo[]>();
      for (const repo of visibleRepos(env, auth, org)) {
        const name = repo.project ?? "";
        byProject.set(name, [...(byProject.get(name) ?? []), repo]);
      }
      const value = [...byProject.entries()].map(([name, repos]) => projectJson(env, org, name, repos));
      ctx.json(200, { count: value.length, value });
    }),
  );

  const listRepos = inOrg(env, (ctx, auth) => {
    const value = visibleRepos(env, auth, ctx.params.org ?? "", ctx.params.project).map((repo) => repoJson(env, repo));
    ctx.json(200, { count: value.length, value });
  });
  router.on("GET", "/:org/_apis/git/repositories", listRepos);
  router.on("GET", "/:org/:project/_apis/git/repositories", listRepos);

  router.on(
    "GET",
    "/:org/:project/_apis/git/repositories/:repo",
    inOrg(env, (ctx, auth) => {
      const wanted = (ctx.params.repo ?? "").toLowerCase();
      const repo = visibleRepos(env, auth, ctx.params.org ?? "", ctx.params.project).find(
        (r) => r.name.toLowerCase() === wanted || stableGuid(`repo:${r.id}`) === wanted,
      );
      if (!repo) {
        const text = `TF401019: The Git repository with name or identifier ${ctx.params.repo ?? ""} does not exist or you do not have permissions for the operation you are attempting.`;
        return vssError(ctx, 404, text, "GitRepositoryNotFoundException");
      }
      ctx.json(200, repoJson(env, repo));
    }),
  );
}

/** Routes of the app.vssps.visualstudio.com-style host: the profile and the account list. */
export function registerVsspsApi(router: Router, env: AzEnv): void {
  router.on("GET", "/_apis/profile/profiles/:id", (ctx) => {
    const auth = authenticate(ctx, env, null);
    if (!auth) return;
    if (ctx.params.id !== "me" && ctx.params.id !== auth.user.uuid) {
      return vssError(ctx, 404, `VS800041: The profile with id ${ctx.params.id ?? ""} does not exist.`, "ProfileNotFoundException");
    }
    ctx.json(200, {
      displayName: auth.user.name,
      publicAlias: auth.user.uuid,
      emailAddress: auth.user.email,
      coreRevision: 1,
      timeStamp: new Date(auth.user.createdAt).toISOString(),
      id: auth.user.uuid,
      revision: 1,
    });
  });

  router.on("GET", "/_apis/accounts", (ctx) => {
    const auth = authenticate(ctx, env, null);
    if (!auth) return;
    const member = ctx.query.get("memberId");
    if (member && member !== auth.user.uuid) {
      return vssError(ctx, 401, `TF400813: The user '${auth.user.uuid}' is not authorized to access this resource.`, "UnauthorizedRequestException");
    }
    const value = auth.user.organizations.map((org) => ({
      accountId: stableGuid(`org:${org.toLowerCase()}`),
      accountUri: `${env.webUrl()}/${org}/`,
      accountName: org,
      properties: {},
    }));
    ctx.json(200, { count: value.length, value });
  });
}
