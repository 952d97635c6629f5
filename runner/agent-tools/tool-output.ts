import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { z } from "zod";
import type { ToolName } from "@/lib/agents/capabilities";
import { getProvider, type ProviderId } from "@/lib/providers";
import { countOf } from "@/lib/text/count";
import type { ToolResult } from "./backend";

/**
 * What each tool returns, as its MCP `outputSchema`, and how a result reaches the agent: the
 * structured result in `structuredContent`, a short summary in words, and the same structured
 * result serialized as JSON in a second text block, so a client that passes only `content` to its
 * model loses nothing. Objects are loose: a field a backend adds later is not a schema violation.
 */

const link = z.string().describe("The web page on the provider.");
const login = z.string().nullable().describe("The user name (login), or null when the provider did not say.");

const pullRequest = z
  .looseObject({
    number: z.number().int().describe("The number (GitLab: the merge request's IID)."),
    title: z.string(),
    state: z.enum(["open", "closed", "merged"]),
    draft: z.boolean(),
    head: z.string().describe("The source branch."),
    base: z.string().describe("The target branch."),
    headSha: z.string().nullable().describe("The head commit SHA; add_review_comment takes it as commit."),
    author: login,
    url: link,
  })
  .describe("A pull request (GitLab: merge request).");

const issue = z
  .looseObject({
    number: z.number().int().describe("The number (GitLab: the issue's IID)."),
    title: z.string(),
    state: z.enum(["open", "closed"]),
    labels: z.array(z.string()),
    assignees: z.array(z.string()),
    author: login,
    url: link,
  })
  .describe("An issue.");

const comment = z.looseObject({ id: z.string().nullable(), url: z.string().nullable(), author: login.optional() }).describe("The comment made.");
const review = z.looseObject({ id: z.string().nullable(), state: z.string(), url: z.string().nullable(), author: login.optional() }).describe("The review submitted.");

/** The link the call made or read, also kept in the activity list. */
const resultUrl = z.string().nullable().describe("The link to what the call made or read; null for lists.");

/** What every list result carries besides its items. */
const page = {
  count: z.number().int().describe("How many items this answer holds."),
  hasMore: z.boolean().describe("Whether the provider has more items than this answer holds (ask again with cursor, or a higher limit)."),
  nextCursor: z.string().nullable().describe("Pass as cursor to get the next page; null when there is none or the tool cannot page yet."),
};

export const toolOutputSchemas = {
  create_pull_request: z.looseObject({ pullRequest, url: resultUrl }),
  get_pull_request: z.looseObject({ pullRequest, url: resultUrl }),
  list_pull_requests: z.looseObject({ pullRequests: z.array(pullRequest), ...page, url: resultUrl }),
  create_issue: z.looseObject({ issue, url: resultUrl }),
  update_issue: z.looseObject({ issue, url: resultUrl }),
  list_issues: z.looseObject({ issues: z.array(issue), ...page, url: resultUrl }),
  comment_on_issue: z.looseObject({ comment, url: resultUrl }),
  add_review_comment: z.looseObject({ comment, url: resultUrl }),
  submit_review: z.looseObject({ review, url: resultUrl }),
} satisfies Record<ToolName, z.ZodType>;

type PullRequestItem = z.infer<typeof pullRequest>;
type IssueItem = z.infer<typeof issue>;

/** How the provider writes a pull request's number: GitLab merge requests are `!12`. */
function pullRef(provider: ProviderId, n: number): string {
  return `${getProvider(provider).pullRequestName.numberPrefix}${n}`;
}

function pullLine(provider: ProviderId, p: PullRequestItem): string {
  const facts = [p.draft ? `draft, ${p.state}` : p.state, `${p.head} → ${p.base}`, p.headSha ? `head ${p.headSha.slice(0, 12)}` : null, p.author ? `by ${p.author}` : null];
  return `${pullRef(provider, p.number)} ${p.title} (${facts.filter(Boolean).join("; ")}) ${p.url}`;
}

function issueLine(i: IssueItem): string {
  const facts = [i.state, i.labels.length ? `labels: ${i.labels.join(", ")}` : null, i.assignees.length ? `assigned to ${i.assignees.join(", ")}` : null, i.author ? `by ${i.author}` : null];
  return `#${i.number} ${i.title} (${facts.filter(Boolean).join("; ")}) ${i.url}`;
}

/** A list's summary: how many, whether there are more, one line per item. */
function listSummary<T>(items: T[], hasMore: boolean, noun: [string, string], line: (item: T) => string): string {
  if (items.length === 0) return `No ${noun[1]} found.`;
  const more = hasMore ? " (more exist: page on with nextCursor or ask for a higher limit)" : "";
  return `${countOf(items.length, noun[0], noun[1])}${more}:\n${items.map(line).join("\n")}`;
}

/** The page facts of a list the backend filled, or what can be told from "got as many as asked for". */
function pageOf(data: Record<string, unknown>, items: unknown[], limit: unknown): { count: number; hasMore: boolean; nextCursor: string | null } {
  const hasMore = typeof data.hasMore === "boolean" ? data.hasMore : typeof limit === "number" && items.length >= limit;
  return { count: items.length, hasMore, nextCursor: typeof data.nextCursor === "string" ? data.nextCursor : null };
}

/** The structured result of a call, as `structuredContent` carries it. */
export function structuredResult(tool: ToolName, result: ToolResult, input: Record<string, unknown>): Record<string, unknown> {
  const data: Record<string, unknown> = { ...result.data, url: result.url };
  if (tool === "list_pull_requests" || tool === "list_issues") {
    const items = (data[tool === "list_issues" ? "issues" : "pullRequests"] ?? []) as unknown[];
    return { ...data, ...pageOf(data, items, input.limit) };
  }
  return data;
}

function summary(tool: ToolName, provider: ProviderId, result: ToolResult, structured: Record<string, unknown>): string {
  const hasMore = structured.hasMore === true;
  if (tool === "list_pull_requests") {
    const { one, many } = getProvider(provider).pullRequestName;
    const noun: [string, string] = [one, many];
    return listSummary(structured.pullRequests as PullRequestItem[], hasMore, noun, (p) => pullLine(provider, p));
  }
  if (tool === "list_issues") return listSummary(structured.issues as IssueItem[], hasMore, ["issue", "issues"], issueLine);
  return result.text;
}

/** A successful call as the agent gets it. */
export function successResult(tool: ToolName, provider: ProviderId, result: ToolResult, input: Record<string, unknown> = {}): CallToolResult {
  const structured = structuredResult(tool, result, input);
  return {
    content: [
      { type: "text", text: summary(tool, provider, result, structured) },
      { type: "text", text: JSON.stringify(structured) },
    ],
    structuredContent: structured,
  };
}
