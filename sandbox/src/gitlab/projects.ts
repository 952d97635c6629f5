import { commitInfo, listBranches, resolveBranch } from "../git/repos";
import type { Ctx } from "../http/server";
import type { Router } from "../http/router";
import { userPermission } from "../permissions";
import { authenticate, notFound, paginate, projectAccess, requireScope, requireUser, type GlAuth, type GlEnv } from "./common";
import { basicUser, commit, currentUser, project } from "./serializers";

export type GlHandler = (ctx: Ctx, auth: GlAuth) => Promise<void> | void;

/** Wraps a handler with GitLab's authentication (401 for bad tokens, anonymous allowed). */
export function gl(env: GlEnv, handler: GlHandler): (ctx: Ctx) => Promise<void> {
  return async (ctx) => {
    const auth = authenticate(ctx, env);
    if (auth) await handler(ctx, auth);
  };
}

function day(ms: number | null): string | null {
  return ms === null ? null : new Date(ms).toISOString().slice(0, 10);
}

/** Current user, token self-introspection, version, projects and branches. */
export function registerProjectRoutes(router: Router, env: GlEnv): void {
  const A = "/api/v4";

  router.on(
    "GET",
    `${A}/user`,
    gl(env, (ctx, auth) => {
      if (!requireUser(ctx, auth) || !requireScope(ctx, auth, false, ["read_user"])) return;
      ctx.json(200, currentUser(env, auth.user));
    }),
  );

  // https://docs.gitlab.com/api/users/#list-users: any signed-in user may look others up by
  // `username` (exact, case-insensitive) or `search` (part of the username or name); no match is [].
  router.on(
    "GET",
    `${A}/users`,
    gl(env, (ctx, auth) => {
      if (!requireUser(ctx, auth) || !requireScope(ctx, auth, false, ["read_user"])) return;
      const username = ctx.query.get("username")?.toLowerCase();
      const search = ctx.query.get("search")?.toLowerCase();
      const users = [...env.store.users.values()]
        .filter((u) => u.provider === "gitlab")
        .filter((u) => username === undefined || u.login.toLowerCase() === username)
        .filter((u) => !search || u.login.toLowerCase().includes(search) || u.name.toLowerCase().includes(search))
        .sort((a, b) => b.id - a.id);
      ctx.json(200, paginate(ctx, users).map((u) => basicUser(env, u)));
    }),
  );

  router.on(
    "GET",
    `${A}/personal_access_tokens/self`,
    gl(env, (ctx, auth) => {
      if (!requireUser(ctx, auth)) return;
      const token = auth.token;
      if (token.kind !== "pat") return notFound(ctx);
      ctx.json(200, {
        id: token.id,
        name: token.name,
        revoked: token.revokedAt !== null,
        created_at: new Date(token.createdAt).toISOString(),
        description: null,
        scopes: token.scopes,
        user_id: token.userId,
        last_used_at: token.lastUsedAt ? new Date(token.lastUsedAt).toISOString() : null,
        active: true,
        expires_at: day(token.expiresAt),
      });
    }),
  );

  router.on(
    "GET",
    `${A}/version`,
    gl(env, (ctx, auth) => {
      if (!requireUser(ctx, auth) || !requireScope(ctx, auth, false, ["read_user"])) return;
      ctx.json(200, { version: "17.11.0-ee", revision: "sandbox", kas: { enabled: false, externalUrl: null, version: null }, enterprise: true });
    }),
  );

  router.on(
    "GET",
    `${A}/projects`,
    gl(env, (ctx, auth) => {
      if (!requireScope(ctx, auth, false)) return;
      const membership = ctx.query.get("membership") === "true" || ctx.query.get("owned") === "true";
      const repos = [...env.store.repos.values()]
        .filter((repo) => repo.provider === "gitlab" && userPermission(repo, auth.user) !== null)
        .filter((repo) => !membership || (auth.user && (repo.collaborators.has(auth.user.id) || repo.owner === auth.user.login)))
        .sort((a, b) => b.id - a.id);
      ctx.json(200, paginate(ctx, repos).map((repo) => project(env, repo, auth.user)));
    }),
  );

  router.on(
    "GET",
    `${A}/projects/:id`,
    gl(env, (ctx, auth) => {
      const access = projectAccess(ctx, env, auth, "read");
      if (access) ctx.json(200, project(env, access.repo, auth.user));
    }),
  );

  router.on(
    "GET",
    `${A}/projects/:id/repository/branches`,
    gl(env, async (ctx, auth) => {
      const access = projectAccess(ctx, env, auth, "read");
      if (!access) return;
      const { repo } = access;
      const branches = paginate(ctx, (await listBranches(repo.diskPath, env.home)).sort((a, b) => a.name.localeCompare(b.name)));
      const out = [];
      for (const b of branches) out.push(await branchJson(env, repo, b.name, b.sha, access.permission !== "read"));
      ctx.json(200, out);
    }),
  );

  router.on(
    "GET",
    `${A}/projects/:id/repository/branches/*branch`,
    gl(env, async (ctx, auth) => {
      const access = projectAccess(ctx, env, auth, "read");
      if (!access) return;
      const name = ctx.params.branch ?? "";
      const sha = await resolveBranch(access.repo.diskPath, env.home, name);
      if (!sha) return notFound(ctx, "Branch");
      ctx.json(200, await branchJson(env, access.repo, name, sha, access.permission !== "read"));
    }),
  );
}

async function branchJson(env: GlEnv, repo: Parameters<typeof commit>[1], name: string, sha: string, canPush: boolean) {
  const info = await commitInfo(repo.diskPath, env.home, sha);
  return {
    name,
    commit: commit(env, repo, info),
    merged: false,
    protected: name === repo.defaultBranch,
    developers_can_push: false,
    developers_can_merge: false,
    can_push: canPush,
    default: name === repo.defaultBranch,
    web_url: `${env.baseUrl()}/${repo.path}/-/tree/${name}`,
  };
}
