import type { Ctx } from "../http/server";
import type { Router } from "../http/router";
import { bearerToken, parseBasicAuth } from "../oauth/common";
import { userPermission } from "../permissions";
import type { SandboxStore } from "../store";
import { checkToken } from "../tokens";
import type { Repo, TokenRecord, User } from "../types";
import { repoSettings } from "./state";

export interface BbEnv {
  store: SandboxStore;
  webUrl: () => string;
  apiUrl: () => string;
}

/** Bitbucket's error body: `{ "type": "error", "error": { "message": ... } }`. */
export function bbError(ctx: Ctx, status: number, message: string, extra: Record<string, unknown> = {}, headers: Record<string, string> = {}): void {
  ctx.json(status, { type: "error", error: { message, ...extra } }, headers);
}

export const NO_API =
  "There is no API hosted at this URL.\n\nFor information about our API's, please refer to the documentation at: https://developer.atlassian.com/bitbucket/api/2/reference/";

/** Scopes: OAuth consumer scopes (`account`, `repository`) or API token scopes (`read:user:bitbucket`). */
const READ_SCOPES: Record<string, string[]> = {
  account: ["account", "read:user:bitbucket", "read:account"],
  repository: ["repository", "repository:write", "read:repository:bitbucket", "write:repository:bitbucket"],
};

interface BbAuth {
  token: TokenRecord;
  user: User;
}

/**
 * Bearer OAuth tokens, or Basic `email:API token` (the REST API takes the Atlassian account email,
 * not the username, with API tokens). Answers 401 itself and returns null on failure.
 */
export function authenticate(ctx: Ctx, env: BbEnv): BbAuth | null | "anonymous" {
  const header = ctx.req.headers.authorization;
  const realm = { "WWW-Authenticate": 'Basic realm="Bitbucket.org HTTP"' };
  const bearer = bearerToken(header);
  const basic = parseBasicAuth(header);
  if (!bearer && !basic) return "anonymous";
  const value = bearer ?? basic?.password ?? "";
  const check = checkToken(env.store, "bitbucket", value, { forceExpired: ctx.expireTokens });
  if (!check.ok) {
    const message = check.reason === "expired" && check.token?.kind === "oauth" ? "Access token expired." : "Token is invalid, expired, or not supported for this endpoint.";
    bbError(ctx, 401, message, {}, realm);
    return null;
  }
  const isApiToken = check.token.kind === "pat";
  if ((bearer && isApiToken) || (basic && (!isApiToken || basic.username.toLowerCase() !== check.user.email.toLowerCase()))) {
    bbError(ctx, 401, "Token is invalid, expired, or not supported for this endpoint.", {}, realm);
    return null;
  }
  return { token: check.token, user: check.user };
}

function requireScope(ctx: Ctx, auth: BbAuth, kind: "account" | "repository"): boolean {
  const accepted = READ_SCOPES[kind] ?? [];
  if (auth.token.scopes.some((scope) => accepted.includes(scope))) return true;
  bbError(ctx, 403, "Your credentials lack one or more required privilege scopes.", {
    detail: { granted: auth.token.scopes, required: [accepted[0]] },
  });
  return false;
}

/** The `account` object of `GET /2.0/user`. */
export function bbUser(env: BbEnv, user: User): Record<string, unknown> {
  const uuid = `{${user.uuid}}`;
  return {
    display_name: user.name,
    links: {
      self: { href: `${env.apiUrl()}/2.0/users/${encodeURIComponent(uuid)}` },
      avatar: { href: `${env.webUrl()}/account/${user.login}/avatar/` },
      repositories: { href: `${env.apiUrl()}/2.0/repositories/${encodeURIComponent(uuid)}` },
      html: { href: `${env.webUrl()}/${encodeURIComponent(uuid)}/` },
    },
    created_on: new Date(user.createdAt).toISOString(),
    type: "user",
    uuid,
    has_2fa_enabled: null,
    username: user.login,
    is_staff: false,
    account_id: `712020:${user.uuid}`,
    nickname: user.login,
    account_status: "active",
    location: null,
  };
}

/** A repository as `GET /2.0/repositories/{workspace}/{repo_slug}` answers it. */
export function bbRepo(env: BbEnv, repo: Repo): Record<string, unknown> {
  const html = `${env.webUrl()}/${repo.path}`;
  const api = `${env.apiUrl()}/2.0/repositories/${repo.path}`;
  return {
    type: "repository",
    full_name: repo.path,
    links: {
      self: { href: api },
      html: { href: html },
      clone: [
        { name: "https", href: `${html}.git` },
        { name: "ssh", href: `git@${new URL(env.webUrl()).hostname}:${repo.path}.git` },
      ],
    },
    name: repo.name,
    slug: repo.name,
    description: repo.description ?? "",
    scm: "git",
    is_private: repo.private,
    created_on: new Date(repo.createdAt).toISOString(),
    updated_on: new Date(repo.pushedAt).toISOString(),
    size: 0,
    language: "",
    has_issues: repoSettings(env.store, repo.id).hasIssues,
    has_wiki: false,
    fork_policy: "allow_forks",
    uuid: `{${repo.id.toString(16).padStart(8, "0")}-0000-4000-8000-000000000000}`,
    mainbranch: { name: repo.defaultBranch, type: "branch" },
    workspace: { type: "workspace", slug: repo.owner, name: repo.owner },
    owner: { type: "user", display_name: repo.owner, nickname: repo.owner },
  };
}

function paged(ctx: Ctx, values: unknown[]): Record<string, unknown> {
  const pagelen = Math.min(100, Number(ctx.query.get("pagelen") ?? "10") || 10);
  const page = Math.max(1, Number(ctx.query.get("page") ?? "1") || 1);
  const out: Record<string, unknown> = { values: values.slice((page - 1) * pagelen, page * pagelen), pagelen, size: values.length, page };
  if (page * pagelen < values.length) {
    const next = new URL(ctx.url.toString());
    next.searchParams.set("page", String(page + 1));
    out.next = next.toString();
  }
  return out;
}

/** The 2.0 API: user, emails and repositories (pull requests, issues and statuses are registered from their own modules). */
export function registerBitbucketApi(router: Router, env: BbEnv): void {
  const withAuth = (need: "account" | "repository" | null, fn: (ctx: Ctx, auth: BbAuth | null) => void) => (ctx: Ctx) => {
    const auth = authenticate(ctx, env);
    if (auth === null) return;
    if (auth === "anonymous") {
      if (need === "account") return bbError(ctx, 401, "Unauthorized", {}, { "WWW-Authenticate": 'Basic realm="Bitbucket.org HTTP"' });
      return fn(ctx, null);
    }
    if (need && !requireScope(ctx, auth, need)) return;
    fn(ctx, auth);
  };

  router.on("GET", "/2.0/user", withAuth("account", (ctx, auth) => auth && ctx.json(200, bbUser(env, auth.user))));

  router.on(
    "GET",
    "/2.0/user/emails",
    withAuth("account", (ctx, auth) => {
      if (!auth) return;
      ctx.json(200, paged(ctx, [{ is_primary: true, is_confirmed: true, type: "email", email: auth.user.email, links: {} }]));
    }),
  );

  // https://developer.atlassian.com/cloud/bitbucket/rest/api-group-repositories/#api-repositories-get:
  // with `role`, the repositories the account has that role on across workspaces; `q` is BBQL, of
  // which the sandbox reads `name ~ "text"` (contains, case-insensitive); `sort=-updated_on`.
  router.on(
    "GET",
    "/2.0/repositories",
    withAuth("repository", (ctx, auth) => {
      const role = ctx.query.get("role");
      if (role && !["member", "contributor", "admin", "owner"].includes(role)) return bbError(ctx, 400, `Invalid role: ${role}`);
      if (role && !auth) return bbError(ctx, 401, "Unauthorized", {}, { "WWW-Authenticate": 'Basic realm="Bitbucket.org HTTP"' });
      const q = ctx.query.get("q");
      const nameQuery = q === null ? null : /^\s*name\s*~\s*"((?:[^"\\]|\\.)*)"\s*$/.exec(q);
      if (q !== null && !nameQuery) return bbError(ctx, 400, `Invalid query: ${q}`);
      const needle = nameQuery ? (nameQuery[1] ?? "").replace(/\\(.)/g, "$1").toLowerCase() : null;
      const user = auth?.user ?? null;
      const repos = [...env.store.repos.values()]
        .filter((r) => r.provider === "bitbucket" && userPermission(r, user) !== null)
        .filter((r) => !role || (user !== null && (r.owner.toLowerCase() === user.login.toLowerCase() || r.collaborators.has(user.id))))
        .filter((r) => needle === null || r.name.toLowerCase().includes(needle))
        .sort((a, b) => (ctx.query.get("sort") === "-updated_on" ? b.pushedAt - a.pushedAt : a.path.localeCompare(b.path)));
      ctx.json(200, paged(ctx, repos.map((r) => bbRepo(env, r))));
    }),
  );

  router.on(
    "GET",
    "/2.0/repositories/:workspace",
    withAuth("repository", (ctx, auth) => {
      const repos = [...env.store.repos.values()].filter(
        (r) => r.provider === "bitbucket" && r.owner.toLowerCase() === (ctx.params.workspace ?? "").toLowerCase() && userPermission(r, auth?.user ?? null) !== null,
      );
      ctx.json(200, paged(ctx, repos.map((r) => bbRepo(env, r))));
    }),
  );

  router.on(
    "GET",
    "/2.0/repositories/:workspace/:repo_slug",
    withAuth("repository", (ctx, auth) => {
      const repo = env.store.repoByPath("bitbucket", `${ctx.params.workspace}/${ctx.params.repo_slug}`);
      if (!repo || userPermission(repo, auth?.user ?? null) === null) {
        return bbError(
          ctx,
          404,
          "You may not have access to this repository or it no longer exists in this workspace. If you think this repository exists and you have access, make sure you are authenticated.",
        );
      }
      ctx.json(200, bbRepo(env, repo));
    }),
  );
}
