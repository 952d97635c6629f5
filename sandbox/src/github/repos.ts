import { commitInfo, listBranches, resolveBranch } from "../git/repos";
import type { Ctx } from "../http/server";
import type { Router } from "../http/router";
import {
  authenticate,
  effectivePermission,
  paginate,
  rateKey,
  rateSnapshot,
  repoAccess,
  requireUser,
  type GhAuth,
  type GhEnv,
} from "./common";
import { commitObject, fullRepository, privateUser, repository } from "./serializers";

export type GhHandler = (ctx: Ctx, auth: GhAuth) => Promise<void> | void;

/** Wraps a handler with GitHub's authentication (401 for bad tokens, anonymous allowed). */
export function gh(env: GhEnv, handler: GhHandler): (ctx: Ctx) => Promise<void> {
  return async (ctx) => {
    const auth = authenticate(ctx, env);
    if (auth) await handler(ctx, auth);
  };
}

/** The authenticated user, their repositories, rate limit, a repository and its branches. */
export function registerRepoRoutes(router: Router, env: GhEnv): void {
  router.on(
    "GET",
    "/user",
    gh(env, (ctx, auth) => {
      if (!requireUser(ctx, auth, "/rest/users/users#get-the-authenticated-user")) return;
      const repos = [...env.store.repos.values()].filter(
        (r) => r.provider === "github" && r.owner.toLowerCase() === auth.user.login.toLowerCase(),
      );
      ctx.json(
        200,
        privateUser(env, auth.user, {
          publicRepos: repos.filter((r) => !r.private).length,
          privateRepos: repos.filter((r) => r.private).length,
        }),
      );
    }),
  );

  router.on(
    "GET",
    "/user/repos",
    gh(env, (ctx, auth) => {
      if (!requireUser(ctx, auth, "/rest/repos/repos#list-repositories-for-the-authenticated-user")) return;
      const user = auth.user;
      const repos = [...env.store.repos.values()]
        .filter(
          (repo) =>
            repo.provider === "github" &&
            (repo.owner.toLowerCase() === user.login.toLowerCase() || repo.collaborators.has(user.id)) &&
            effectivePermission(auth, repo) !== null,
        )
        .sort((a, b) => a.path.localeCompare(b.path));
      ctx.json(200, paginate(ctx, repos).map((repo) => repository(env, repo, effectivePermission(auth, repo))));
    }),
  );

  router.on(
    "GET",
    "/rate_limit",
    gh(env, (ctx, auth) => {
      const core = rateSnapshot(env.store, rateKey(auth, ctx), auth.user ? 5000 : 60);
      const search = { limit: auth.user ? 30 : 10, remaining: auth.user ? 30 : 10, reset: core.reset, used: 0 };
      ctx.json(200, { resources: { core, search, graphql: { ...core, used: 0, remaining: core.limit } }, rate: core });
    }),
  );

  router.on(
    "GET",
    "/repos/:owner/:repo",
    gh(env, (ctx, auth) => {
      const access = repoAccess(ctx, env, auth, "read", "/rest/repos/repos#get-a-repository");
      if (access) ctx.json(200, fullRepository(env, access.repo, access.permission));
    }),
  );

  router.on(
    "GET",
    "/repos/:owner/:repo/branches",
    gh(env, async (ctx, auth) => {
      const access = repoAccess(ctx, env, auth, "read", "/rest/branches/branches#list-branches");
      if (!access) return;
      const { repo } = access;
      const api = `${env.apiUrl()}/repos/${repo.path}`;
      const branches = (await listBranches(repo.diskPath, env.home)).sort((a, b) => a.name.localeCompare(b.name));
      ctx.json(
        200,
        paginate(ctx, branches).map((b) => ({
          name: b.name,
          commit: { sha: b.sha, url: `${api}/commits/${b.sha}` },
          protected: false,
          protection: { enabled: false, required_status_checks: { enforcement_level: "off", contexts: [], checks: [] } },
          protection_url: `${api}/branches/${encodeURIComponent(b.name)}/protection`,
        })),
      );
    }),
  );

  router.on(
    "GET",
    "/repos/:owner/:repo/branches/*branch",
    gh(env, async (ctx, auth) => {
      const doc = "/rest/branches/branches#get-a-branch";
      const access = repoAccess(ctx, env, auth, "read", doc);
      if (!access) return;
      const { repo } = access;
      const name = ctx.params.branch ?? "";
      const sha = await resolveBranch(repo.diskPath, env.home, name);
      if (!sha) {
        ctx.json(404, { message: "Branch not found", documentation_url: `https://docs.github.com${doc}`, status: "404" });
        return;
      }
      const api = `${env.apiUrl()}/repos/${repo.path}`;
      const info = await commitInfo(repo.diskPath, env.home, sha);
      ctx.json(200, {
        name,
        commit: commitObject(env, repo, info),
        _links: { self: `${api}/branches/${encodeURIComponent(name)}`, html: `${env.webUrl()}/${repo.path}/tree/${name}` },
        protected: false,
        protection: { enabled: false, required_status_checks: { enforcement_level: "off", contexts: [], checks: [] } },
        protection_url: `${api}/branches/${encodeURIComponent(name)}/protection`,
      });
    }),
  );
}
