import { basicAuth } from "../http";
import { boundedFetch, type BackendContext } from "../../agent-tools/backend";
import { failureFromAnswer } from "../../agent-tools/provider-failure";
import { ToolFailure } from "../../agent-tools/tool-error";
import type { HttpAnswer } from "../http";

/**
 * The Azure DevOps REST API (7.1) for the agent tools, on the runner's bounded fetch: where a
 * repository's organization (or collection), project and repository are, how the owner's token is
 * sent, and how Azure's answers become the tools' typed failures.
 */

export const API_VERSION = "7.1";
/** Work item comments are still a preview resource in 7.1. */
export const COMMENTS_VERSION = "7.1-preview.4";
/** Tags and policy evaluations too. */
export const PREVIEW_1 = "7.1-preview.1";

/** Where the repository is: the organization's (Services) or collection's (Server) URL, its project and name. */
export type AzureTarget = { orgUrl: string; project: string; repo: string };

/**
 * Reads `ctx.repository` against `ctx.apiUrl`. The repository is `organization/project/name` on
 * Services (the API base is the host), `project/name` or `collection/project/name` on Server
 * (the base already ends with the collection); `_git` from a clone URL's path is skipped.
 */
export function azureTarget(ctx: Pick<BackendContext, "apiUrl" | "repository">): AzureTarget {
  const segments = ctx.repository.split("/").filter((s) => s && s !== "_git");
  const repo = segments.pop();
  const project = segments.pop();
  if (!repo || !project) {
    throw new ToolFailure("validation_failed", 'An Azure DevOps repository is named "organization/project/repository".', { fieldErrors: { repository: ['Expected "organization/project/repository".'] } });
  }
  const base = ctx.apiUrl.replace(/\/+$/, "");
  const basePath = new URL(base).pathname.replace(/\/+$/, "");
  const prefix = segments.join("/");
  if (!prefix || basePath.toLowerCase().endsWith(`/${prefix.toLowerCase()}`)) return { orgUrl: base, project, repo };
  // A prefix that repeats the start of the base's own path (a virtual directory) is joined once.
  const origin = new URL(base).origin;
  if (basePath && `/${prefix}`.toLowerCase().startsWith(`${basePath.toLowerCase()}/`)) return { orgUrl: `${origin}/${prefix}`, project, repo };
  return { orgUrl: `${base}/${prefix}`, project, repo };
}

/** The web page of a pull request. */
export function pullRequestPage(t: AzureTarget, n: number, where: { project?: string; repo?: string } = {}): string {
  return `${t.orgUrl}/${encodeURIComponent(where.project ?? t.project)}/_git/${encodeURIComponent(where.repo ?? t.repo)}/pullrequest/${n}`;
}

/** The web page of a work item. */
export function workItemPage(t: AzureTarget, id: number, project = t.project): string {
  return `${t.orgUrl}/${encodeURIComponent(project)}/_workitems/edit/${id}`;
}

/**
 * The Authorization header: an Entra ID access token (a JWT) as a bearer token, a PAT over Basic
 * with an empty user name, as Azure DevOps takes each.
 */
export function authorization(token: string): string {
  return /^eyJ[\w-]*\.[\w-]+\.[\w-]*$/.test(token) ? `Bearer ${token}` : basicAuth("", token);
}

/**
 * Azure's reading of a refusal, before the shared one. A token Azure DevOps no longer accepts is
 * answered with the sign-in page (203 and HTML); a 401 whose body is TF400813 ("not authorized to
 * access this resource") comes with a token that works but is not valid in this organization or
 * lacks the scope the call needs, which reconnecting the same way would not fix.
 */
export function azureFailure(answer: HttpAnswer, ctx: Pick<BackendContext, "host" | "repository" | "token">): ToolFailure {
  const signInPage = answer.status === 203 || (answer.status < 300 && answer.contentType.includes("text/html"));
  if (signInPage) return new ToolFailure("credential_needs_reauth", `${ctx.host} answered with its sign-in page: it no longer accepts the environment owner's token (expired or revoked).`);
  const message = (answer.body as { message?: unknown } | null)?.message;
  if (answer.status === 401 && typeof message === "string" && message.startsWith("TF400813")) {
    return new ToolFailure(
      "pat_missing_scopes",
      `${ctx.host} accepted the environment owner's token but not for this: it is not valid in this organization, or lacks a scope the tool needs (Code: Read & write and Status for pull requests, Work Items: Read & write for work items, Project and Team: Read for people). Nothing was done.`,
    );
  }
  return failureFromAnswer(answer, ctx);
}

type Query = Record<string, string | number | boolean | undefined>;
type SendOptions = { query?: Query; json?: unknown; patch?: unknown[]; version?: string };

/** One answer, read whole. */
export type AzureAnswer<T> = { status: number; body: T; headers: Headers };

/** A client of one call's repository. */
export class AzureRest {
  readonly target: AzureTarget;
  private readonly send: typeof fetch;

  constructor(private readonly ctx: BackendContext) {
    this.target = azureTarget(ctx);
    this.send = boundedFetch(ctx);
  }

  /** `{org}/_apis/{path}`. */
  org(path: string): string {
    return `${this.target.orgUrl}/_apis/${path}`;
  }

  /** `{org}/{project}/_apis/{path}`. */
  project(path: string, project = this.target.project): string {
    return `${this.target.orgUrl}/${encodeURIComponent(project)}/_apis/${path}`;
  }

  /** `{org}/{project}/_apis/git/repositories/{repo}[/{path}]`. */
  repo(path = ""): string {
    return this.project(`git/repositories/${encodeURIComponent(this.target.repo)}${path ? `/${path}` : ""}`);
  }

  /** Any answer, refusals included (for the lookups that only ask whether something is there). */
  async raw<T>(method: string, url: string, opts: SendOptions = {}): Promise<AzureAnswer<T>> {
    const full = new URL(url);
    for (const [k, v] of Object.entries(opts.query ?? {})) if (v !== undefined) full.searchParams.set(k, String(v));
    full.searchParams.set("api-version", opts.version ?? API_VERSION);
    const headers: Record<string, string> = { accept: "application/json", authorization: authorization(this.ctx.token) };
    let body: string | undefined;
    if (opts.patch) {
      headers["content-type"] = "application/json-patch+json";
      body = JSON.stringify(opts.patch);
    } else if (opts.json !== undefined) {
      headers["content-type"] = "application/json";
      body = JSON.stringify(opts.json);
    }
    const response = await this.send(full, { method, headers, body });
    const contentType = (response.headers.get("content-type") ?? "").toLowerCase();
    const text = await response.text();
    let parsed: unknown = undefined;
    if (contentType.includes("json") && text) {
      try {
        parsed = JSON.parse(text);
      } catch {
        parsed = undefined;
      }
    }
    const answer = { status: response.status, headers: response.headers, contentType, body: parsed };
    if (response.status === 203 || (response.status < 300 && !contentType.includes("json") && response.status !== 204)) throw azureFailure(answer, this.ctx);
    return { status: response.status, body: parsed as T, headers: response.headers };
  }

  /** A successful answer's body, or the typed failure. */
  async call<T>(method: string, url: string, opts: SendOptions = {}): Promise<AzureAnswer<T>> {
    const answer = await this.raw<T>(method, url, opts);
    if (answer.status < 200 || answer.status >= 300) {
      throw azureFailure({ status: answer.status, headers: answer.headers, contentType: answer.headers.get("content-type") ?? "", body: answer.body }, this.ctx);
    }
    return answer;
  }

  async get<T>(url: string, query?: Query, version?: string): Promise<T> {
    return (await this.call<T>("GET", url, { query, version })).body;
  }
}

/** The offset a backend's own cursor names (0 when none); cursors are sealed, so anything else is a bug. */
export function offsetOf(cursor: string | undefined): number {
  if (cursor === undefined) return 0;
  const n = Number(cursor);
  if (!Number.isInteger(n) || n < 0) throw new Error("an offset-paged tool was given a cursor it did not make");
  return n;
}

/** One page of a list read whole (Azure DevOps does not page threads, reviewers or tags). */
export function pageOf<T>(items: T[], limit: number, cursor: string | undefined): { items: T[]; hasMore: boolean; nextCursor: string | null } {
  const offset = offsetOf(cursor);
  const hasMore = items.length > offset + limit;
  return { items: items.slice(offset, offset + limit), hasMore, nextCursor: hasMore ? String(offset + limit) : null };
}

/** A WIQL string literal. */
export function wiqlString(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}
