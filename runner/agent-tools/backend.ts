import { execFile } from "node:child_process";
import { promisify } from "node:util";
import type { ToolName } from "@/lib/agents/capabilities";
import type { ToolInput } from "./tool-schemas";
import { ToolFailure } from "./tool-error";
import { unreachable } from "./provider-failure";
import * as http from "../net/http";
import { findCause } from "@/lib/errors/cause-chain";
import type {
  CheckItem,
  CommentItem,
  FileItem,
  IssueDetail,
  IssueItem,
  LabelItem,
  PullRequestDetail,
  PullRequestItem,
  ReviewItem,
  ThreadItem,
  UserItem,
} from "./tool-output";

/** Everything a provider backend needs for one call, resolved and checked by `runToolCall`. */
export type BackendContext = {
  /** REST base (`https://api.github.com`, `${base}/api/v3`, `${base}/api/v4`). */
  apiUrl: string;
  /** The web UI base, for links the API does not return (GitLab notes). */
  webUrl: string;
  host: string;
  /** The owner's access token, opened for this call only. */
  token: string;
  /** `owner/name` (GitLab: `group/sub/name`), already checked to be on the environment's host. */
  repository: string;
  /** The MCP request's cancellation. */
  signal: AbortSignal;
  /** Longest one provider request may take. */
  timeoutMs: number;
  /** The branch checked out in the environment's working copy, when there is one. */
  currentBranch: () => Promise<string | null>;
  /**
   * How the owner connected, for providers whose API takes a PAT differently from an OAuth token:
   * `patUsername` is the user name a PAT is used with besides it (Bitbucket API tokens: the
   * Atlassian account email), null when the connection keeps none. Absent: not known (tests).
   */
  account?: { source: "oauth" | "pat"; patUsername: string | null };
};

/** A page of a list: whether more exist, and the backend's own cursor for the next page. */
export type Page = {
  hasMore: boolean;
  /**
   * The backend's own position of the next page (a page number, the provider's cursor), or null.
   * `runToolCall` seals it into the opaque cursor the agent sees and gives it back as `input.cursor`.
   */
  nextCursor: string | null;
};

/** What each tool's backend returns as `data` (`url`, `count` and the checks' `overall` are added around it). */
export type BackendOutputs = {
  create_pull_request: { pullRequest: PullRequestItem };
  get_pull_request: { pullRequest: PullRequestDetail };
  list_pull_requests: { pullRequests: PullRequestItem[] } & Page;
  search_pull_requests: { pullRequests: PullRequestItem[] } & Page;
  update_pull_request: { pullRequest: PullRequestDetail; changed: string[] };
  list_pull_request_files: { files: FileItem[] } & Page;
  get_pull_request_checks: { sha: string | null; checks: CheckItem[] };
  list_pull_request_comments: { comments: CommentItem[] } & Page;
  create_issue: { issue: IssueItem };
  get_issue: { issue: IssueDetail; comments: CommentItem[]; commentsHasMore: boolean; commentsNextCursor: string | null };
  list_issue_comments: { comments: CommentItem[] } & Page;
  update_issue: { issue: IssueItem };
  list_issues: { issues: IssueItem[] } & Page;
  search_issues: { issues: IssueItem[] } & Page;
  comment_on_issue: { comment: MadeComment };
  list_reviews: { reviews: ReviewItem[] } & Page;
  list_review_threads: { threads: ThreadItem[] } & Page;
  add_review_comment: { comment: MadeComment; threadId: string | null };
  reply_to_review_thread: { comment: MadeComment; threadId: string; resolved: boolean };
  resolve_review_thread: { threadId: string; resolved: boolean };
  submit_review: { review: { id: string | null; state: string; url: string | null; author?: string | null }; comments?: MadeComment[] };
  get_me: { user: UserItem };
  list_labels: { labels: LabelItem[] } & Page;
  list_assignable_users: { users: UserItem[] } & Page;
};

/** A comment a write tool made. */
export type MadeComment = { id: string | null; url: string | null; author?: string | null };

/**
 * A tool's answer: the link it made or read (for the activity log), the data, and what the
 * provider did differently from what was asked (`notes`, in words). The text the agent reads is
 * built from the data by `tool-output`, the same for every provider.
 */
export type ToolResult<K extends ToolName = ToolName> = {
  url: string | null;
  data: BackendOutputs[K] & { notes?: string[] };
};

/** One provider's implementation of the tools, inputs as parsed (without `repository`). */
export type ScmBackend = {
  [K in ToolName]: (ctx: BackendContext, input: Omit<ToolInput<K>, "repository">) => Promise<ToolResult<K>>;
} & {
  /**
   * Whether the repository is readable and has no pull request (`pull`) or issue (`issue`)
   * numbered `n`: asked only after a call naming that number was refused as a 404, to tell "no
   * such number" (`scm_item_not_found`) from "no access". False when it cannot tell.
   */
  itemMissing(ctx: BackendContext, kind: "pull" | "issue", n: number): Promise<boolean>;
  /**
   * Where a tool works differently on this provider, in a sentence the tool's description ends
   * with (work items instead of issues, approvals instead of review states), so the agent reads
   * it before calling rather than only in a result's notes.
   */
  toolNotes?: Partial<Record<ToolName, string>>;
};

/** The issue tools, which a provider's note on issues applies to alike. */
export const ISSUE_TOOLS = ["create_issue", "get_issue", "list_issue_comments", "update_issue", "list_issues", "search_issues", "comment_on_issue"] as const satisfies readonly ToolName[];

/** A pull request (GitLab: merge request) as every list reports it. */
export type PullRequestView = PullRequestItem;
/** An issue as every list reports it. */
export type IssueView = IssueItem;

/**
 * `fetch` for a provider client, on the runner's bounded fetch: each request bounded by `timeoutMs`
 * and the call's signal, no redirect followed, and no answer at all reported as `host_unreachable`
 * (or `operation_aborted` when the agent cancelled), never as the client library's own error text.
 */
export function boundedFetch(ctx: Pick<BackendContext, "host" | "signal" | "timeoutMs">): typeof fetch {
  return async (input, init) => {
    let response: Response;
    try {
      response = await http.boundedFetch(input, { method: init?.method, headers: init?.headers, body: init?.body, timeoutMs: ctx.timeoutMs, signal: ctx.signal, extraSignal: init?.signal });
    } catch (e) {
      if (ctx.signal.aborted) throw new ToolFailure("operation_aborted", "The tool call was cancelled before the provider answered.");
      if (e instanceof http.NoAnswerError && e.refusal) throw new ToolFailure("host_address_refused", `${e.refusal.message} Nothing was sent to the provider.`);
      throw unreachable(ctx.host, e instanceof http.NoAnswerError && e.timedOut);
    }
    // Redirects are not followed (the owner's token stays on the host), and a client library would
    // read a redirect's body as the answer.
    if (response.status >= 300 && response.status < 400 && response.status !== 304) {
      await response.body?.cancel().catch(() => {});
      throw new ToolFailure("provider_error", `${ctx.host} answered with a redirect (HTTP ${response.status}), which the tools do not follow. Nothing was done.`);
    }
    return response;
  };
}

/** A failure thrown by `boundedFetch`, found again inside whatever the client library wrapped it in. */
export function wrappedFailure(e: unknown): ToolFailure | null {
  return findCause(e, (cur): cur is ToolFailure => cur instanceof ToolFailure);
}

const run = promisify(execFile);

/**
 * The branch checked out in `workdir` (null when detached, not a repository, or no workdir): what
 * "the branch pushed from the environment" means when the agent does not name one.
 */
export async function checkedOutBranch(workdir: string | null): Promise<string | null> {
  if (!workdir) return null;
  try {
    const { stdout } = await run("git", ["symbolic-ref", "--quiet", "--short", "HEAD"], {
      cwd: workdir,
      timeout: 5_000,
      // Only what git needs to read the working copy; nothing of the runner's own environment.
      env: { NODE_ENV: process.env.NODE_ENV, PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", GIT_TERMINAL_PROMPT: "0" },
    });
    return stdout.trim() || null;
  } catch {
    return null;
  }
}

/** The branch to open a pull request from: the one named, else the one checked out. */
export async function headBranch(ctx: BackendContext, head: string | undefined): Promise<string> {
  const branch = head ?? (await ctx.currentBranch());
  if (!branch) {
    throw new ToolFailure("validation_failed", "No branch is checked out in the environment: name the branch to open the pull request from.", {
      fieldErrors: { head: ["Required: no branch is checked out in the environment."] },
    });
  }
  return branch;
}

/** The refusal for a head branch the provider does not have. */
export function branchNotPushed(host: string, branch: string): ToolFailure {
  return new ToolFailure("validation_failed", `The branch "${branch}" is not on ${host}: push it from the environment first (git push -u origin ${branch}), then try again.`, {
    fieldErrors: { head: [`Branch "${branch}" does not exist on ${host}.`] },
  });
}

/** The longest patch one changed file carries in list_pull_request_files. */
export const MAX_PATCH_CHARS = 4_000;

/** A file's patch as the tools report it: cut at `MAX_PATCH_CHARS`, saying so. */
export function cutPatch(patch: string | null | undefined): { patch: string | null; patchTruncated: boolean } {
  if (patch === null || patch === undefined) return { patch: null, patchTruncated: false };
  return patch.length > MAX_PATCH_CHARS ? { patch: patch.slice(0, MAX_PATCH_CHARS), patchTruncated: true } : { patch, patchTruncated: false };
}

/**
 * The page number a backend's own cursor names (page-numbered APIs seal `String(page)`), 1 when
 * there is none. A cursor is sealed by `runToolCall`, so anything else here is a bug, not input.
 */
export function pageNumber(cursor: string | undefined): number {
  if (cursor === undefined) return 1;
  const n = Number(cursor);
  if (!Number.isInteger(n) || n < 1) throw new Error("a page-numbered backend was given a cursor it did not make");
  return n;
}
