import type { Ctx } from "../http/server";
import { bearerToken } from "../oauth/common";
import { atLeast, minPermission, userPermission } from "../permissions";
import type { SandboxStore } from "../store";
import { checkToken } from "../tokens";
import type { Permission, Repo, TokenRecord, User } from "../types";

export interface GlEnv {
  store: SandboxStore;
  baseUrl: () => string;
  home: string;
}

export interface GlAuth {
  token: TokenRecord | null;
  user: User | null;
}

/** ISO 8601 with milliseconds, as GitLab formats times. */
export function iso(ms: number | null): string | null {
  return ms === null ? null : new Date(ms).toISOString();
}

/** GitLab's usual error body: `{ "message": ... }`. */
export function glMessage(ctx: Ctx, status: number, message: unknown): void {
  ctx.json(status, { message });
}

/** GitLab's 401 for a missing or unknown token. */
export const unauthorized = (ctx: Ctx) => glMessage(ctx, 401, "401 Unauthorized");
/** GitLab's 403 for a role that may not do this. */
export const forbidden = (ctx: Ctx) => glMessage(ctx, 403, "403 Forbidden");
/** GitLab's 404 for a project the user cannot see. */
export const projectNotFound = (ctx: Ctx) => glMessage(ctx, 404, "404 Project Not Found");
/** GitLab's generic 404 (`404 Not Found`, `404 Branch Not Found`...). */
export const notFound = (ctx: Ctx, what = "") => glMessage(ctx, 404, `404 ${what ? `${what} ` : ""}Not Found`);

/** Grape's missing-parameter answer. */
export function badRequest(ctx: Ctx, error: string): void {
  ctx.json(400, { error });
}

/** The token from `Authorization: Bearer`, `PRIVATE-TOKEN`, or the `private_token`/`access_token` query. */
export function tokenFromRequest(ctx: Ctx): string | null {
  const privateToken = ctx.req.headers["private-token"];
  if (typeof privateToken === "string" && privateToken) return privateToken;
  return bearerToken(ctx.req.headers.authorization) ?? ctx.query.get("private_token") ?? ctx.query.get("access_token");
}

function invalidToken(ctx: Ctx, description: string): void {
  ctx.json(
    401,
    { error: "invalid_token", error_description: description },
    { "WWW-Authenticate": `Bearer realm="", error="invalid_token", error_description="${description}"` },
  );
}

/**
 * GitLab's API authentication: anonymous allowed (public projects), unknown token 401
 * `{"message":"401 Unauthorized"}`, expired/revoked tokens 401 `invalid_token` with GitLab's wording.
 */
export function authenticate(ctx: Ctx, env: GlEnv): GlAuth | null {
  const value = tokenFromRequest(ctx);
  if (value === null) return { token: null, user: null };
  const check = checkToken(env.store, "gitlab", value, { forceExpired: ctx.expireTokens });
  if (check.ok) return { token: check.token, user: check.user };
  if (check.reason === "expired") invalidToken(ctx, "Token is expired. You can either do re-authorization or token refresh.");
  else if (check.reason === "revoked") invalidToken(ctx, "Token was revoked. You have to re-authorize from the user.");
  else unauthorized(ctx);
  return null;
}

const API_SCOPES = ["api", "read_api"];

/**
 * Scope check: reads need `api` or `read_api` (plus `extra`, e.g. `read_user` on /user);
 * writes need `api`. Answers 403 `insufficient_scope` like GitLab.
 */
export function requireScope(ctx: Ctx, auth: GlAuth, write: boolean, extra: string[] = []): boolean {
  if (!auth.token) return true;
  const accepted = write ? ["api"] : [...API_SCOPES, ...extra];
  if (auth.token.scopes.some((scope) => accepted.includes(scope))) return true;
  const description = "The request requires higher privileges than provided by the access token.";
  ctx.json(
    403,
    { error: "insufficient_scope", error_description: description, scope: accepted.join(" ") },
    { "WWW-Authenticate": `Bearer realm="", error="insufficient_scope", error_description="${description}", scope="${accepted.join(" ")}"` },
  );
  return false;
}

/** Demands an authenticated user (401 otherwise). */
export function requireUser(ctx: Ctx, auth: GlAuth): auth is { token: TokenRecord; user: User } {
  if (auth.user && auth.token) return true;
  unauthorized(ctx);
  return false;
}

/** Project by numeric id or URL-encoded full path. */
export function findProject(env: GlEnv, id: string): Repo | undefined {
  if (/^\d+$/.test(id)) {
    const repo = env.store.repos.get(Number(id));
    return repo?.provider === "gitlab" ? repo : undefined;
  }
  return env.store.repoByPath("gitlab", id);
}

export const ACCESS_LEVEL: Record<Permission, number> = { read: 20, write: 30, admin: 40 };

/** The user's GitLab access level on a project (50 owner, 40 maintainer, 30 developer, 20 reporter, 0 none). */
export function accessLevel(repo: Repo, user: User | null): number {
  if (user && repo.owner.toLowerCase() === user.login.toLowerCase()) return 50;
  const permission = userPermission(repo, user);
  return permission && (user && repo.collaborators.has(user.id)) ? ACCESS_LEVEL[permission] : 0;
}

export interface ProjectAccess {
  repo: Repo;
  permission: Permission;
}

/**
 * Resolves `:id` and checks membership: 404 "Project Not Found" when invisible, 403 when the user's
 * role is below `need` (read = Reporter, write = Developer). `writeScope` asks for the `api`
 * scope even where the role needed is only Reporter (commenting, opening issues).
 */
export function projectAccess(
  ctx: Ctx,
  env: GlEnv,
  auth: GlAuth,
  need: Permission,
  opts: { writeScope?: boolean } = {},
): ProjectAccess | null {
  if (!requireScope(ctx, auth, opts.writeScope ?? need !== "read")) return null;
  const repo = findProject(env, ctx.params.id ?? "");
  const permission = repo ? minPermission(userPermission(repo, auth.user), "admin") : null;
  if (!repo || permission === null) {
    projectNotFound(ctx);
    return null;
  }
  if (need !== "read" && !auth.user) {
    unauthorized(ctx);
    return null;
  }
  if (!atLeast(permission, need)) {
    forbidden(ctx);
    return null;
  }
  return { repo, permission };
}

/** Offset pagination with GitLab's `x-*` headers and a `Link` header. */
export function paginate<T>(ctx: Ctx, items: T[]): T[] {
  const page = Math.max(1, Number.parseInt(ctx.query.get("page") ?? "1", 10) || 1);
  const perPage = Math.min(100, Math.max(1, Number.parseInt(ctx.query.get("per_page") ?? "20", 10) || 20));
  const totalPages = Math.max(1, Math.ceil(items.length / perPage));
  ctx.header("x-page", String(page));
  ctx.header("x-per-page", String(perPage));
  ctx.header("x-total", String(items.length));
  ctx.header("x-total-pages", String(totalPages));
  ctx.header("x-next-page", page < totalPages ? String(page + 1) : "");
  ctx.header("x-prev-page", page > 1 ? String(page - 1) : "");
  const link = (p: number, rel: string) => {
    const url = new URL(ctx.url.toString());
    url.searchParams.set("page", String(p));
    url.searchParams.set("per_page", String(perPage));
    return `<${url.toString()}>; rel="${rel}"`;
  };
  const links = [link(1, "first"), link(totalPages, "last")];
  if (page < totalPages) links.unshift(link(page + 1, "next"));
  if (page > 1) links.unshift(link(page - 1, "prev"));
  ctx.header("Link", links.join(", "));
  return items.slice((page - 1) * perPage, page * perPage);
}

/**
 * Request parameters from JSON, a urlencoded form or multipart form data (`position[new_line]=3`,
 * `labels[]=a`), as GitLab's Grape API accepts all three; gitbeaker sends diff positions as
 * multipart.
 */
export async function glBody(ctx: Ctx): Promise<Record<string, unknown>> {
  const type = String(ctx.req.headers["content-type"] ?? "");
  if (type.includes("application/json")) {
    const body = await ctx.jsonBody();
    return body && typeof body === "object" && !Array.isArray(body) ? (body as Record<string, unknown>) : {};
  }
  const raw = await ctx.readBody();
  let entries: [string, string][];
  if (type.includes("multipart/form-data")) {
    // The platform's own multipart parser, through the fetch Request type.
    const form = await new Request("http://body.invalid/", { method: "POST", headers: { "content-type": type }, body: new Uint8Array(raw) }).formData();
    entries = [...form.entries()].filter((entry): entry is [string, string] => typeof entry[1] === "string");
  } else {
    entries = [...new URLSearchParams(raw.toString("utf8"))];
  }
  const out: Record<string, unknown> = {};
  for (const [key, value] of entries) {
    const m = /^([^[]+)\[([^\]]*)\]$/.exec(key);
    if (!m || !m[1]) {
      out[key] = value;
    } else if (m[2] === "") {
      out[m[1]] = [...((out[m[1]] as unknown[] | undefined) ?? []), value];
    } else {
      out[m[1]] = { ...((out[m[1]] as Record<string, unknown> | undefined) ?? {}), [m[2] as string]: value };
    }
  }
  return out;
}
