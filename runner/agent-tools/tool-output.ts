import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { z } from "zod";
import type { ToolName } from "@/lib/agents/capabilities";
import { getProvider, type ProviderId } from "@/lib/providers";
import { countOf } from "@/lib/text/count";
import type { ToolResult } from "./backend";

/**
 * What each tool returns, as its MCP `outputSchema`, and how a result reaches the agent: the
 * structured result in `structuredContent`, a summary in words built from it here (so every
 * provider's answers read alike), and the same structured result serialized as JSON in a second
 * text block, so a client that passes only `content` to its model loses nothing. Objects are
 * loose: a field a backend adds later is not a schema violation.
 */

const link = z.string().describe("The web page on the provider.");
const optionalLink = z.string().nullable().describe("The web page on the provider, or null when it has none.");
const login = z.string().nullable().describe("The user name (login), or null when the provider did not say.");
const time = z.string().nullable().describe("When, as an ISO 8601 timestamp, or null when the provider did not say.");

const pullRequest = z
  .looseObject({
    number: z.number().int().describe("The number (GitLab: the merge request's IID; Azure DevOps: the pull request ID)."),
    title: z.string(),
    state: z.enum(["open", "closed", "merged"]),
    draft: z.boolean(),
    head: z.string().describe("The source branch."),
    base: z.string().describe("The target branch."),
    headSha: z.string().nullable().describe("The head commit SHA; add_review_comment takes it as commit."),
    author: login,
    labels: z.array(z.string()).optional(),
    updatedAt: time.optional(),
    url: link,
  })
  .describe("A pull request (GitLab: merge request).");

const pullRequestDetail = pullRequest
  .extend({
    body: z.string().nullable().describe("The description, in Markdown, or null when it has none."),
    labels: z.array(z.string()),
    assignees: z.array(z.string()),
    reviewers: z.array(z.string()).describe("The people asked to review it."),
    createdAt: time,
    updatedAt: time,
  })
  .describe("A pull request (GitLab: merge request) with its description.");

const issue = z
  .looseObject({
    number: z.number().int().describe("The number (GitLab: the issue's IID; Azure DevOps: the work item ID)."),
    title: z.string(),
    state: z.enum(["open", "closed"]),
    labels: z.array(z.string()),
    assignees: z.array(z.string()),
    author: login,
    updatedAt: time.optional(),
    url: link,
  })
  .describe("An issue.");

const issueDetail = issue
  .extend({
    body: z.string().nullable().describe("The description, in Markdown (Azure DevOps: the work item's description, as HTML), or null when it has none."),
    createdAt: time,
    updatedAt: time,
  })
  .describe("An issue with its description.");

const comment = z
  .looseObject({
    id: z.string().describe("The comment's id on the provider."),
    author: login,
    body: z.string(),
    createdAt: time,
    url: optionalLink,
  })
  .describe("A comment.");

const madeComment = z.looseObject({ id: z.string().nullable(), url: z.string().nullable(), author: login.optional() }).describe("The comment made.");

const reviewState = z.enum(["APPROVED", "CHANGES_REQUESTED", "COMMENTED", "DISMISSED", "PENDING"]);
const review = z
  .looseObject({
    id: z.string().nullable(),
    author: login,
    state: reviewState.describe("The verdict: APPROVED, CHANGES_REQUESTED, COMMENTED, DISMISSED, or PENDING (not submitted yet)."),
    body: z.string().describe('The review\'s own text ("" when it has none).'),
    submittedAt: time,
    url: optionalLink,
  })
  .describe("A review.");

const thread = z
  .looseObject({
    id: z.string().describe("Pass as threadId to reply_to_review_thread or resolve_review_thread."),
    resolved: z.boolean(),
    outdated: z.boolean().describe("Whether the lines it is on changed since (the thread may no longer apply)."),
    path: z.string().nullable().describe("The file it is on."),
    line: z.number().int().nullable().describe("The line it is on, in the version side names."),
    side: z.enum(["LEFT", "RIGHT"]).nullable(),
    comments: z.array(comment).describe("Its comments, oldest first; the first one started the thread."),
    url: optionalLink,
  })
  .describe("A review thread on lines of the diff.");

const file = z
  .looseObject({
    path: z.string(),
    previousPath: z.string().nullable().describe("The path before a rename, else null."),
    status: z.enum(["added", "modified", "removed", "renamed", "copied", "changed"]),
    additions: z.number().int().nullable(),
    deletions: z.number().int().nullable(),
    patch: z.string().nullable().describe("The unified diff of the file, or null when the provider gives none (binary or too large)."),
    patchTruncated: z.boolean().describe("Whether patch was cut short here."),
  })
  .describe("A file the pull request changes.");

const checkState = z.enum(["pending", "success", "failure", "neutral", "skipped", "cancelled"]);
const check = z
  .looseObject({
    name: z.string(),
    kind: z.string().describe('What the provider calls it: "check_run", "status", "pipeline", "job", "build", "policy".'),
    state: checkState.describe("pending (queued or running), success, failure (failed, errored or timed out), neutral, skipped or cancelled."),
    description: z.string().nullable(),
    url: optionalLink,
  })
  .describe("One CI check.");

const label = z.looseObject({ name: z.string(), description: z.string().nullable(), color: z.string().nullable() }).describe("A label.");
const user = z.looseObject({ login: z.string(), name: z.string().nullable(), url: optionalLink }).describe("A user.");

/** The link the call made or read, also kept in the activity list. */
const resultUrl = z.string().nullable().describe("The link to what the call made or read; null for lists.");
/** What the provider did differently from what was asked, in words. */
const notes = z.array(z.string()).optional().describe("What the provider did differently from what was asked, if anything.");

/** What every list result carries besides its items. */
const page = {
  count: z.number().int().describe("How many items this answer holds."),
  hasMore: z.boolean().describe("Whether there are more items than this answer holds (call again with cursor: nextCursor)."),
  nextCursor: z.string().nullable().describe("Pass as cursor, with the same other arguments, to get the next page; null when there is none."),
};

const list = <K extends string, T extends z.ZodType>(key: K, item: T) => z.looseObject({ [key]: z.array(item), ...page, url: resultUrl, notes } as { [P in K]: z.ZodArray<T> } & typeof page & { url: typeof resultUrl; notes: typeof notes });

export const toolOutputSchemas = {
  create_pull_request: z.looseObject({ pullRequest, url: resultUrl, notes }),
  get_pull_request: z.looseObject({ pullRequest: pullRequestDetail, url: resultUrl, notes }),
  list_pull_requests: list("pullRequests", pullRequest),
  search_pull_requests: list("pullRequests", pullRequest),
  update_pull_request: z.looseObject({ pullRequest: pullRequestDetail, changed: z.array(z.string()).describe("The fields that were changed."), url: resultUrl, notes }),
  list_pull_request_files: list("files", file),
  get_pull_request_checks: z.looseObject({
    sha: z.string().nullable().describe("The head commit the checks ran on."),
    overall: z.enum(["success", "failure", "pending", "none"]).describe("failure if any check failed, else pending if any is still running, else success; none when nothing reported."),
    checks: z.array(check),
    count: page.count,
    url: resultUrl,
    notes,
  }),
  list_pull_request_comments: list("comments", comment),
  create_issue: z.looseObject({ issue, url: resultUrl, notes }),
  get_issue: z.looseObject({
    issue: issueDetail,
    comments: z.array(comment).describe("Its first comments, oldest first (as many as commentLimit)."),
    commentsHasMore: z.boolean().describe("Whether it has more comments than these (list_issue_comments with commentsNextCursor reads them)."),
    commentsNextCursor: z.string().nullable().describe("Pass as cursor to list_issue_comments for the comments after these."),
    url: resultUrl,
    notes,
  }),
  list_issue_comments: list("comments", comment),
  update_issue: z.looseObject({ issue, url: resultUrl, notes }),
  list_issues: list("issues", issue),
  search_issues: list("issues", issue),
  comment_on_issue: z.looseObject({ comment: madeComment, url: resultUrl, notes }),
  list_reviews: list("reviews", review),
  list_review_threads: list("threads", thread),
  add_review_comment: z.looseObject({ comment: madeComment, threadId: z.string().nullable().describe("The new thread's id, for reply_to_review_thread or resolve_review_thread."), url: resultUrl, notes }),
  reply_to_review_thread: z.looseObject({ comment: madeComment, threadId: z.string(), resolved: z.boolean().describe("Whether the thread is resolved now."), url: resultUrl, notes }),
  resolve_review_thread: z.looseObject({ threadId: z.string(), resolved: z.boolean().describe("Whether the thread is resolved now."), url: resultUrl, notes }),
  submit_review: z.looseObject({
    review: z.looseObject({ id: z.string().nullable(), state: z.string(), url: z.string().nullable(), author: login.optional() }).describe("The review submitted."),
    comments: z.array(madeComment).optional().describe("The inline comments submitted with it."),
    url: resultUrl,
    notes,
  }),
  get_me: z.looseObject({ user, url: resultUrl, notes }),
  list_labels: list("labels", label),
  list_assignable_users: list("users", user),
} satisfies Record<ToolName, z.ZodType>;

export type ToolOutput<K extends ToolName> = z.input<(typeof toolOutputSchemas)[K]>;

export type PullRequestItem = z.input<typeof pullRequest>;
export type PullRequestDetail = z.input<typeof pullRequestDetail>;
export type IssueItem = z.input<typeof issue>;
export type IssueDetail = z.input<typeof issueDetail>;
export type CommentItem = z.input<typeof comment>;
export type ReviewItem = z.input<typeof review>;
export type ThreadItem = z.input<typeof thread>;
export type FileItem = z.input<typeof file>;
export type CheckItem = z.input<typeof check>;
export type CheckState = z.infer<typeof checkState>;
export type LabelItem = z.input<typeof label>;
export type UserItem = z.input<typeof user>;

/** The key of each list tool's items. */
const LIST_KEY: Partial<Record<ToolName, string>> = {
  list_pull_requests: "pullRequests",
  search_pull_requests: "pullRequests",
  list_pull_request_files: "files",
  list_pull_request_comments: "comments",
  list_issue_comments: "comments",
  list_issues: "issues",
  search_issues: "issues",
  list_reviews: "reviews",
  list_review_threads: "threads",
  list_labels: "labels",
  list_assignable_users: "users",
};

/** Whether the tool answers a page of items (and takes limit and cursor). */
export function isListTool(tool: ToolName): boolean {
  return LIST_KEY[tool] !== undefined;
}

/** The overall state of a set of checks, as get_pull_request_checks reports it. */
export function overallState(checks: { state: CheckState }[]): "success" | "failure" | "pending" | "none" {
  if (checks.length === 0) return "none";
  if (checks.some((c) => c.state === "failure")) return "failure";
  if (checks.some((c) => c.state === "pending")) return "pending";
  return "success";
}

/** The structured result of a call, as `structuredContent` carries it. */
export function structuredResult(tool: ToolName, result: ToolResult): Record<string, unknown> {
  const data: Record<string, unknown> = { ...result.data, url: result.url };
  const key = LIST_KEY[tool];
  if (key) {
    const items = (data[key] ?? []) as unknown[];
    return { ...data, count: items.length, hasMore: data.hasMore === true, nextCursor: typeof data.nextCursor === "string" ? data.nextCursor : null };
  }
  if (tool === "get_pull_request_checks") {
    const checks = (data.checks ?? []) as { state: CheckState }[];
    return { ...data, overall: overallState(checks), count: checks.length };
  }
  return data;
}

// ---------------------------------------------------------------------------------------------
// The summary in words.

/** How the provider writes a pull request's number: GitLab merge requests are `!12`. */
function pullRef(provider: ProviderId, n: number): string {
  return `${getProvider(provider).pullRequestName.numberPrefix}${n}`;
}

function pullName(provider: ProviderId, n: number): string {
  return `${getProvider(provider).pullRequestName.one} ${pullRef(provider, n)}`;
}

function facts(...parts: (string | null | undefined | false)[]): string {
  return parts.filter(Boolean).join("; ");
}

function pullLine(provider: ProviderId, p: PullRequestItem): string {
  const labels = p.labels?.length ? `labels: ${p.labels.join(", ")}` : null;
  return `${pullRef(provider, p.number)} ${p.title} (${facts(p.draft ? `draft, ${p.state}` : p.state, `${p.head} → ${p.base}`, p.headSha ? `head ${p.headSha.slice(0, 12)}` : null, p.author ? `by ${p.author}` : null, labels)}) ${p.url}`;
}

function issueLine(i: IssueItem): string {
  return `#${i.number} ${i.title} (${facts(i.state, i.labels.length ? `labels: ${i.labels.join(", ")}` : null, i.assignees.length ? `assigned to ${i.assignees.join(", ")}` : null, i.author ? `by ${i.author}` : null)}) ${i.url}`;
}

/** A body quoted for reading, each line indented; long ones cut (the JSON block has it whole). */
function quoteBody(body: string | null | undefined, max = 4_000): string {
  if (!body || !body.trim()) return "    (no text)";
  const cut = body.length > max ? `${body.slice(0, max)}… (cut here; the JSON below has all of it)` : body;
  return cut
    .split("\n")
    .map((l) => `    ${l}`)
    .join("\n");
}

function commentBlock(c: CommentItem): string {
  return `- ${c.author ?? "someone"}${c.createdAt ? ` at ${c.createdAt}` : ""} (comment ${c.id}):\n${quoteBody(c.body, 2_000)}`;
}

function reviewLine(r: ReviewItem): string {
  return `- ${r.author ?? "someone"}: ${r.state}${r.submittedAt ? ` at ${r.submittedAt}` : ""}${r.body ? `\n${quoteBody(r.body, 2_000)}` : ""}`;
}

function threadBlock(t: ThreadItem): string {
  const where = t.path ? `${t.path}${t.line ? `:${t.line}` : ""}${t.side === "LEFT" ? " (old side)" : ""}` : "the pull request";
  const head = `Thread ${t.id} on ${where} (${facts(t.resolved ? "resolved" : "unresolved", t.outdated && "outdated", countOf(t.comments.length, "comment"))})`;
  return [head, ...t.comments.map((c) => `  ${commentBlock(c).replace(/\n/g, "\n  ")}`)].join("\n");
}

function fileLine(f: FileItem): string {
  const changes = f.additions !== null && f.deletions !== null ? ` +${f.additions} −${f.deletions}` : "";
  return `${f.status} ${f.previousPath ? `${f.previousPath} → ` : ""}${f.path}${changes}${f.patchTruncated ? " (patch cut)" : ""}`;
}

function checkLine(c: CheckItem): string {
  return `- ${c.state}: ${c.name} (${c.kind})${c.description ? ` – ${c.description}` : ""}${c.url ? ` ${c.url}` : ""}`;
}

/** A list's summary: how many, whether there are more, one line per item. */
function listSummary<T>(items: T[], hasMore: boolean, noun: [string, string], line: (item: T) => string, join = "\n"): string {
  if (items.length === 0) return hasMore ? `No ${noun[1]} on this page, but more exist: call again with cursor set to nextCursor.` : `No ${noun[1]} found.`;
  const more = hasMore ? " (more exist: call again with cursor set to nextCursor)" : "";
  return `${countOf(items.length, noun[0], noun[1])}${more}:\n${items.map(line).join(join)}`;
}

type Structured = Record<string, unknown>;

function summary(tool: ToolName, provider: ProviderId, s: Structured): string {
  const pr = getProvider(provider).pullRequestName;
  const prNoun: [string, string] = [pr.one, pr.many];
  const issueNames = getProvider(provider).issueName;
  const issueNoun: [string, string] = [issueNames.one, issueNames.many];
  const hasMore = s.hasMore === true;
  const p = s.pullRequest as PullRequestDetail | undefined;
  const i = s.issue as IssueDetail | undefined;
  const made = s.comment as { url: string | null } | undefined;
  switch (tool) {
    case "create_pull_request":
      return `Opened ${pullName(provider, p!.number)} "${p!.title}" (${p!.head} → ${p!.base}${p!.draft ? ", draft" : ""}): ${p!.url}`;
    case "get_pull_request":
      return [
        pullLine(provider, p!),
        facts(p!.assignees.length ? `assigned to ${p!.assignees.join(", ")}` : null, p!.reviewers.length ? `review requested from ${p!.reviewers.join(", ")}` : null) || null,
        "Description:",
        quoteBody(p!.body),
      ]
        .filter((l) => l !== null)
        .join("\n");
    case "update_pull_request":
      return `Updated ${pullName(provider, p!.number)} (${(s.changed as string[]).join(", ") || "nothing changed"}): now ${pullLine(provider, p!)}`;
    case "list_pull_requests":
    case "search_pull_requests":
      return listSummary(s.pullRequests as PullRequestItem[], hasMore, prNoun, (x) => pullLine(provider, x));
    case "list_pull_request_files":
      return listSummary(s.files as FileItem[], hasMore, ["changed file", "changed files"], fileLine);
    case "get_pull_request_checks": {
      const checks = s.checks as CheckItem[];
      const sha = typeof s.sha === "string" ? ` on ${s.sha.slice(0, 12)}` : "";
      if (checks.length === 0) return `No checks have reported${sha} yet: either the repository runs none, or they have not started.`;
      return `Checks${sha}: ${String(s.overall)} (${countOf(checks.length, "check")}).\n${checks.map(checkLine).join("\n")}`;
    }
    case "list_pull_request_comments":
    case "list_issue_comments":
      return listSummary(s.comments as CommentItem[], hasMore, ["comment", "comments"], commentBlock);
    case "create_issue":
      return `Opened ${issueNames.one} #${i!.number} "${i!.title}": ${i!.url}`;
    case "get_issue": {
      const comments = s.comments as CommentItem[];
      const more = s.commentsHasMore === true ? " (more exist: list_issue_comments with cursor set to commentsNextCursor)" : "";
      return [issueLine(i!), "Description:", quoteBody(i!.body), comments.length ? `${countOf(comments.length, "comment")}${more}:` : `No comments${more}.`, ...comments.map(commentBlock)].join("\n");
    }
    case "update_issue":
      return `Updated ${issueNames.one} #${i!.number}: now ${issueLine(i!)}`;
    case "list_issues":
    case "search_issues":
      return listSummary(s.issues as IssueItem[], hasMore, issueNoun, issueLine);
    case "comment_on_issue":
      return `Commented${made?.url ? `: ${made.url}` : "."}`;
    case "list_reviews":
      return listSummary(s.reviews as ReviewItem[], hasMore, ["review", "reviews"], reviewLine);
    case "list_review_threads":
      return listSummary(s.threads as ThreadItem[], hasMore, ["review thread", "review threads"], threadBlock, "\n\n");
    case "add_review_comment":
      return `Commented on the line${s.threadId ? ` (new thread ${String(s.threadId)})` : ""}${made?.url ? `: ${made.url}` : "."}`;
    case "reply_to_review_thread":
      return `Replied to thread ${String(s.threadId)}${s.resolved === true ? " and it is resolved" : ""}${made?.url ? `: ${made.url}` : "."}`;
    case "resolve_review_thread":
      return `Thread ${String(s.threadId)} is ${s.resolved === true ? "resolved" : "unresolved"} now.`;
    case "submit_review": {
      const r = s.review as { state: string; url: string | null };
      const inline = (s.comments as unknown[] | undefined)?.length ?? 0;
      return `Submitted a review (${r.state}${inline ? `, with ${countOf(inline, "inline comment")}` : ""})${r.url ? `: ${r.url}` : "."}`;
    }
    case "get_me": {
      const u = s.user as UserItem;
      return `The tools act as ${u.login}${u.name ? ` (${u.name})` : ""}${u.url ? `: ${u.url}` : "."}`;
    }
    case "list_labels":
      return listSummary(s.labels as LabelItem[], hasMore, ["label", "labels"], (l) => `- ${l.name}${l.description ? `: ${l.description}` : ""}`);
    case "list_assignable_users":
      return listSummary(s.users as UserItem[], hasMore, ["user", "users"], (u) => `- ${u.login}${u.name ? ` (${u.name})` : ""}`);
  }
}

/** A successful call as the agent gets it. */
export function successResult(tool: ToolName, provider: ProviderId, result: ToolResult): CallToolResult {
  const structured = structuredResult(tool, result);
  const notes = Array.isArray(structured.notes) && structured.notes.length > 0 ? `\nNote: ${(structured.notes as string[]).join(" ")}` : "";
  return {
    content: [
      { type: "text", text: summary(tool, provider, structured) + notes },
      { type: "text", text: JSON.stringify(structured) },
    ],
    structuredContent: structured,
  };
}
