import { resolveBranch } from "../git/repos";
import type { Ctx } from "../http/server";
import { atLeast, userPermission } from "../permissions";
import type { Permission, Repo, User } from "../types";
import { authenticate, bbError, type BbEnv } from "./api";
import { BbqlError, filterBbql, sortBy } from "./bbql";
import { repoSettings, type BbPullRequest } from "./state";

/** What the pull request, issue and status routes need: the API's env and where git runs. */
export type BbRestEnv = BbEnv & { home: string };

/**
 * The scope a route needs, as OAuth consumer scopes (and the API token scopes that grant the same).
 * https://developer.atlassian.com/cloud/bitbucket/rest/intro/#scopes — a write scope includes its
 * read, and `pullrequest` includes `repository`.
 */
export type BbScope = "repository" | "repository:write" | "repository:admin" | "pullrequest" | "pullrequest:write" | "issue" | "issue:write" | "account";

const ACCEPTED: Record<BbScope, string[]> = {
  repository: ["repository", "repository:write", "repository:admin", "pullrequest", "pullrequest:write", "read:repository:bitbucket", "write:repository:bitbucket", "admin:repository:bitbucket"],
  "repository:write": ["repository:write", "repository:admin", "pullrequest:write", "write:repository:bitbucket", "admin:repository:bitbucket"],
  "repository:admin": ["repository:admin", "admin:repository:bitbucket"],
  pullrequest: ["pullrequest", "pullrequest:write", "read:pullrequest:bitbucket", "write:pullrequest:bitbucket"],
  "pullrequest:write": ["pullrequest:write", "write:pullrequest:bitbucket"],
  issue: ["issue", "issue:write", "read:issue:bitbucket", "write:issue:bitbucket"],
  "issue:write": ["issue:write", "write:issue:bitbucket"],
  account: ["account", "account:write", "read:user:bitbucket", "read:account", "read:workspace:bitbucket"],
};

/** The API token scope named in a 403's `required`, for an OAuth-style need. */
const API_TOKEN_NAME: Record<BbScope, string> = {
  repository: "read:repository:bitbucket",
  "repository:write": "write:repository:bitbucket",
  "repository:admin": "admin:repository:bitbucket",
  pullrequest: "read:pullrequest:bitbucket",
  "pullrequest:write": "write:pullrequest:bitbucket",
  issue: "read:issue:bitbucket",
  "issue:write": "write:issue:bitbucket",
  account: "read:user:bitbucket",
};

export const REPO_NOT_FOUND =
  "You may not have access to this repository or it no longer exists in this workspace. If you think this repository exists and you have access, make sure you are authenticated.";
/** Bitbucket's answer when a repository member lacks the permission a write needs. */
export const FORBIDDEN = "Forbidden";
export const NO_TRACKER = "Repository has no issue tracker.";

export interface BbAccess {
  repo: Repo;
  /** Null for an anonymous caller (public repositories only). */
  user: User | null;
  permission: Permission;
}

/**
 * Authenticates, checks the scope, finds `:workspace/:repo_slug` and the caller's permission on it.
 * A repository the caller cannot see is a 404 (as Bitbucket hides private ones); a member without
 * the permission `need`s gets 403. Answers the refusal itself and returns null.
 */
export function repoAccess(ctx: Ctx, env: BbEnv, scope: BbScope, need: Permission): BbAccess | null {
  const auth = authenticate(ctx, env);
  if (auth === null) return null;
  const user = auth === "anonymous" ? null : auth.user;
  if (auth !== "anonymous" && !auth.token.scopes.some((s) => ACCEPTED[scope].includes(s))) {
    bbError(ctx, 403, "Your credentials lack one or more required privilege scopes.", {
      detail: { granted: auth.token.scopes, required: [auth.token.kind === "pat" ? API_TOKEN_NAME[scope] : scope] },
    });
    return null;
  }
  const repo = env.store.repoByPath("bitbucket", `${ctx.params.workspace}/${ctx.params.repo_slug}`);
  const permission = repo ? userPermission(repo, user) : null;
  if (!repo || permission === null) {
    bbError(ctx, 404, REPO_NOT_FOUND);
    return null;
  }
  if (!atLeast(permission, need)) {
    if (!user) bbError(ctx, 401, "Unauthorized", {}, { "WWW-Authenticate": 'Basic realm="Bitbucket.org HTTP"' });
    else bbError(ctx, 403, FORBIDDEN);
    return null;
  }
  return { repo, user, permission };
}

/** Refuses (404, Bitbucket's wording) when the repository's issue tracker is off. */
export function requireTracker(ctx: Ctx, env: BbEnv, repo: Repo): boolean {
  if (repoSettings(env.store, repo.id).hasIssues) return true;
  bbError(ctx, 404, NO_TRACKER);
  return false;
}

/** ISO 8601 with microseconds' worth of digits and an offset, as Bitbucket writes times. */
export function bbTime(ms: number): string {
  return new Date(ms).toISOString().replace("Z", "000+00:00");
}

/** A user as Bitbucket embeds one in other objects (no `username` since 2019's privacy changes). */
export function bbAccount(env: BbEnv, user: User | undefined): Record<string, unknown> | null {
  if (!user) return null;
  const uuid = `{${user.uuid}}`;
  return {
    display_name: user.name,
    links: {
      self: { href: `${env.apiUrl()}/2.0/users/${encodeURIComponent(uuid)}` },
      avatar: { href: `${env.webUrl()}/account/${user.login}/avatar/` },
      html: { href: `${env.webUrl()}/${encodeURIComponent(uuid)}/` },
    },
    type: "user",
    uuid,
    account_id: `712020:${user.uuid}`,
    nickname: user.login,
  };
}

/** The repository as other objects embed it. */
export function bbRepoRef(env: BbEnv, repo: Repo): Record<string, unknown> {
  return {
    type: "repository",
    full_name: repo.path,
    name: repo.name,
    uuid: `{${repo.id.toString(16).padStart(8, "0")}-0000-4000-8000-000000000000}`,
    links: { self: { href: `${env.apiUrl()}/2.0/repositories/${repo.path}` }, html: { href: `${env.webUrl()}/${repo.path}` } },
  };
}

/** Markdown content as Bitbucket answers it (`raw`, `markup`, `html`). */
export function bbContent(raw: string): Record<string, unknown> {
  const html = raw
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;");
  return { type: "rendered", raw, markup: "markdown", html: raw ? `<p>${html}</p>` : "" };
}

/**
 * A page of `values`, filtered by `q` (BBQL) and ordered by `sort` first: Bitbucket's paginated
 * envelope (`size`, `page`, `pagelen`, `next`, `previous`). pagelen defaults to 10, at most 100.
 * Answers 400 for a query Bitbucket would refuse and returns null.
 */
export function bbPage(ctx: Ctx, values: unknown[], defaults: { sort?: string } = {}): Record<string, unknown> | null {
  let items: unknown[];
  try {
    items = sortBy(filterBbql(values, ctx.query.get("q")), ctx.query.get("sort") ?? defaults.sort ?? null);
  } catch (e) {
    if (e instanceof BbqlError) {
      bbError(ctx, 400, e.message);
      return null;
    }
    throw e;
  }
  const pagelen = Math.min(100, Math.max(1, Number(ctx.query.get("pagelen") ?? "10") || 10));
  const page = Math.max(1, Number(ctx.query.get("page") ?? "1") || 1);
  const out: Record<string, unknown> = { size: items.length, page, pagelen, values: items.slice((page - 1) * pagelen, page * pagelen) };
  const link = (n: number) => {
    const url = new URL(ctx.url.toString());
    url.searchParams.set("page", String(n));
    return url.toString();
  };
  if (page * pagelen < items.length) out.next = link(page + 1);
  if (page > 1) out.previous = link(page - 1);
  return out;
}

/** An open pull request's branch tips, moved to where the branches are now (a push updates them). */
export async function followBranches(env: BbRestEnv, repo: Repo, pr: BbPullRequest): Promise<void> {
  if (pr.state !== "OPEN") return;
  const [source, destination] = await Promise.all([resolveBranch(repo.diskPath, env.home, pr.source), resolveBranch(repo.diskPath, env.home, pr.destination)]);
  if (source && source !== pr.sourceHash) {
    pr.sourceHash = source;
    pr.updatedOn = Date.now();
  }
  if (destination) pr.destinationHash = destination;
}

/** A positive integer path parameter, or null. */
export function idParam(ctx: Ctx, name: string): number | null {
  const value = Number(ctx.params[name]);
  return Number.isSafeInteger(value) && value > 0 ? value : null;
}

/** Bitbucket's 400 for a body field it refuses: `{"error":{"message":"Bad request","fields":{...}}}`. */
export function badField(ctx: Ctx, field: string, message: string): void {
  bbError(ctx, 400, "Bad request", { fields: { [field]: [message] } });
}

/** A user named by `{uuid}`, account id or nickname, as Bitbucket bodies name them. */
export function userByRef(env: BbEnv, ref: unknown): User | undefined {
  if (!ref || typeof ref !== "object") return undefined;
  const { uuid, account_id: accountId, nickname, username } = ref as Record<string, unknown>;
  for (const user of env.store.users.values()) {
    if (user.provider !== "bitbucket") continue;
    if (typeof uuid === "string" && uuid.replace(/[{}]/g, "") === user.uuid) return user;
    if (typeof accountId === "string" && accountId === `712020:${user.uuid}`) return user;
    if (typeof nickname === "string" && nickname.toLowerCase() === user.login.toLowerCase()) return user;
    if (typeof username === "string" && username.toLowerCase() === user.login.toLowerCase()) return user;
  }
  return undefined;
}

/** The `raw` text of a `{content: {raw}}` body, or undefined. */
export function rawContent(body: Record<string, unknown>, field = "content"): string | undefined {
  const content = body[field];
  const raw = content && typeof content === "object" ? (content as Record<string, unknown>).raw : undefined;
  return typeof raw === "string" ? raw : undefined;
}

/** The JSON object body, or {} for anything else. */
export async function objectBody(ctx: Ctx): Promise<Record<string, unknown>> {
  const body = await ctx.jsonBody();
  return body && typeof body === "object" && !Array.isArray(body) ? (body as Record<string, unknown>) : {};
}
