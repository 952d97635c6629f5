import { boundedFetch, type BackendContext } from "../../agent-tools/backend";
import { failureFromAnswer } from "../../agent-tools/provider-failure";
import { ToolFailure } from "../../agent-tools/tool-error";
import { readLimited } from "../../net/http";
import { asObject } from "../answer";
import { basicAuth, type HttpAnswer } from "../http";
import { bitbucketTokenKind } from "./client";

/**
 * The agent tools' client for Bitbucket Cloud's REST API 2.0, on the runner's bounded fetch (there
 * is no well-kept official JS client). Paths are relative to the API base (`ctx.apiUrl`, ending in
 * `/2.0`); answers other than 2xx become typed `ToolFailure`s, read the Bitbucket way first (an
 * issue tracker that is off, a scope the connection lacks), then as every provider's.
 */

const MAX_JSON_BYTES = 2 * 1024 * 1024;
const MAX_DIFF_BYTES = 4 * 1024 * 1024;

/** Bitbucket's answer for a repository whose issue tracker is switched off. */
const NO_TRACKER = "Repository has no issue tracker.";

/** The refusal of an issue tool on a repository whose issue tracker is off. */
export class IssueTrackerOff extends ToolFailure {}

export type Query = Record<string, string | string[] | number | undefined>;

type Bb = { ctx: BackendContext };

/** `/repositories/{workspace}/{repo_slug}` of the call's repository. */
export function repoPath(ctx: BackendContext): string {
  const [workspace = "", ...slug] = ctx.repository.split("/");
  return `/repositories/${encodeURIComponent(workspace)}/${encodeURIComponent(slug.join("/"))}`;
}

/** The workspace the repository belongs to. */
export function workspaceOf(ctx: BackendContext): string {
  return ctx.repository.split("/")[0] ?? "";
}

/** A BBQL string literal: backslashes and quotes escaped. */
export function bbqlString(value: string): string {
  return `"${value.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`;
}

/** Whether the owner connected with an API token: as the connection says, else by the token's documented prefix. */
export function isApiToken(ctx: BackendContext): boolean {
  return ctx.account ? ctx.account.source === "pat" : bitbucketTokenKind(ctx.token) === "api_token";
}

function authorization(ctx: BackendContext): string {
  if (!isApiToken(ctx)) return `Bearer ${ctx.token}`;
  // API tokens are used with the account's email over Basic. A connection made before the email
  // was kept has none: refuse here rather than send a request Bitbucket answers 401 (which would
  // mark a working connection for reconnection).
  const email = ctx.account?.patUsername;
  if (!email) {
    throw new ToolFailure(
      "unsupported_credential_type",
      `The environment owner connected ${ctx.host} with an API token before connections kept the Atlassian account email, which Bitbucket's REST API takes together with an API token. Nothing was sent to Bitbucket. The owner can reconnect the API token in Settings > Git Authentications, entering the email, or connect Bitbucket with OAuth; git keeps working as it is.`,
    );
  }
  return basicAuth(email, ctx.token);
}

function url(ctx: BackendContext, path: string, query: Query = {}): string {
  const u = new URL(`${ctx.apiUrl.replace(/\/+$/, "")}${path}`);
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined) continue;
    for (const v of Array.isArray(value) ? value : [value]) u.searchParams.append(key, String(v));
  }
  return u.toString();
}

/** The Bitbucket-specific readings of a refusal, then the shared mapping. */
export function bitbucketFailure(ctx: BackendContext, answer: HttpAnswer): ToolFailure {
  const error = asObject(asObject(answer.body)?.error);
  if (answer.status === 404 && error?.message === NO_TRACKER) {
    return new IssueTrackerOff(
      "scm_feature_disabled",
      `${ctx.repository} has its issue tracker switched off on Bitbucket, so it has no issues to read or change. Nothing was done. A repository admin can turn it on (Repository settings > Issue tracker); pull requests work either way.`,
    );
  }
  const detail = asObject(error?.detail);
  if (answer.status === 403 && Array.isArray(detail?.required)) {
    const required = detail.required.filter((s): s is string => typeof s === "string" && /^[a-z:_]{1,60}$/.test(s));
    const remedy = isApiToken(ctx)
      ? "The owner can create an API token with it and reconnect it (Settings > Git Authentications)."
      : "Reconnect Bitbucket with an OAuth consumer that grants it (Settings > Git Authentications).";
    return new ToolFailure("pat_missing_scopes", `Bitbucket refused: the environment owner's connection lacks the ${required.join(", ") || "required"} scope this needs. Nothing was done. ${remedy}`);
  }
  return failureFromAnswer(answer, { host: ctx.host, repository: ctx.repository, token: ctx.token });
}

async function request(bb: Bb, method: string, path: string, opts: { query?: Query; json?: unknown; text?: boolean } = {}): Promise<{ status: number; body: unknown; text: string }> {
  const { ctx } = bb;
  const headers: Record<string, string> = { authorization: authorization(ctx), accept: opts.text ? "text/plain" : "application/json" };
  if (opts.json !== undefined) headers["content-type"] = "application/json";
  const response = await boundedFetch(ctx)(url(ctx, path, opts.query), { method, headers, body: opts.json === undefined ? undefined : JSON.stringify(opts.json) });
  let text: string;
  try {
    text = await readLimited(response, opts.text ? MAX_DIFF_BYTES : MAX_JSON_BYTES);
  } catch {
    if (ctx.signal.aborted) throw new ToolFailure("operation_aborted", "The tool call was cancelled before the provider answered.");
    throw new ToolFailure("host_unreachable", `${ctx.host} stopped answering in the middle of its reply. Nothing is known to have been done.`);
  }
  const contentType = (response.headers.get("content-type") ?? "").toLowerCase();
  let body: unknown;
  if (contentType.includes("json") && text) {
    try {
      body = JSON.parse(text);
    } catch {
      body = undefined;
    }
  }
  if (response.status < 200 || response.status >= 300) throw bitbucketFailure(ctx, { status: response.status, headers: response.headers, contentType, body });
  if (!opts.text && response.status !== 204 && !asObject(body)) {
    throw new ToolFailure("api_unexpected_response", `${ctx.host} answered HTTP ${response.status} without the JSON Bitbucket's API sends. Nothing is known to have been done.`);
  }
  return { status: response.status, body, text };
}

/** A Bitbucket REST client for one tool call. */
export function bitbucketApi(ctx: BackendContext) {
  const bb = { ctx };
  return {
    ctx,
    /** GET a JSON object. */
    get: async (path: string, query?: Query) => (await request(bb, "GET", path, { query })).body as Record<string, unknown>,
    /** GET a text answer (a diff). */
    text: async (path: string, query?: Query) => (await request(bb, "GET", path, { query, text: true })).text,
    /** POST or PUT a JSON body; the JSON answer, or null for 204. */
    send: async (method: "POST" | "PUT" | "DELETE", path: string, json?: unknown) => {
      const answer = await request(bb, method, path, { json });
      return (asObject(answer.body) ?? null) as Record<string, unknown> | null;
    },
  };
}

export type BitbucketApi = ReturnType<typeof bitbucketApi>;

/** Bitbucket lists at most this many per page on its pull request endpoints; the tools ask for no more anywhere. */
export const MAX_PAGELEN = 50;

/** A page-numbered position: the page to read and its length (kept in the cursor so pages stay aligned). */
export type Position = { page: number; pagelen: number };

/** The backend's own cursor for Bitbucket's `page`/`pagelen` paging: `"page:pagelen"`. */
export function positionOf(cursor: string | undefined, limit: number): Position {
  if (cursor === undefined) return { page: 1, pagelen: Math.min(limit, MAX_PAGELEN) };
  const m = /^(\d{1,6}):(\d{1,3})$/.exec(cursor);
  if (!m) throw new Error("the Bitbucket backend was given a cursor it did not make");
  return { page: Number(m[1]), pagelen: Math.min(Number(m[2]), MAX_PAGELEN) };
}

/** One page of a paginated Bitbucket list, with whether a next page exists (Bitbucket's `next`). */
export async function readPage(api: BitbucketApi, path: string, query: Query, at: Position): Promise<{ values: Record<string, unknown>[]; hasMore: boolean; nextCursor: string | null }> {
  const body = await api.get(path, { ...query, page: at.page, pagelen: at.pagelen });
  const values = Array.isArray(body.values) ? (body.values as unknown[]).map((v) => asObject(v)).filter((v): v is Record<string, unknown> => v !== null) : [];
  const hasMore = typeof body.next === "string";
  return { values, hasMore, nextCursor: hasMore ? `${at.page + 1}:${at.pagelen}` : null };
}

/** The most items `readAll` reads from one list (20 pages of 50). */
export const READ_ALL_LIMIT = 1_000;

/** Every item of a list, up to `READ_ALL_LIMIT`, with whether it was cut there. */
export async function readAll(api: BitbucketApi, path: string, query: Query = {}): Promise<{ values: Record<string, unknown>[]; truncated: boolean }> {
  const values: Record<string, unknown>[] = [];
  for (let page = 1; values.length < READ_ALL_LIMIT; page += 1) {
    const answer = await readPage(api, path, query, { page, pagelen: MAX_PAGELEN });
    values.push(...answer.values);
    if (!answer.hasMore) return { values, truncated: false };
  }
  return { values, truncated: true };
}

/** A page of items already read in full, by offset: the cursor is the offset of the next item. */
export function offsetPage<T>(items: T[], cursor: string | undefined, limit: number): { items: T[]; hasMore: boolean; nextCursor: string | null } {
  const start = cursor === undefined ? 0 : Number(cursor);
  if (!Number.isInteger(start) || start < 0) throw new Error("the Bitbucket backend was given a cursor it did not make");
  const end = start + limit;
  const hasMore = items.length > end;
  return { items: items.slice(start, end), hasMore, nextCursor: hasMore ? String(end) : null };
}
