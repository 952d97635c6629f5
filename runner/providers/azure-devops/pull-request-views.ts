import type { CheckItem, CheckState, CommentItem, PullRequestDetail, PullRequestItem, ThreadItem } from "../../agent-tools/tool-output";
import { loginOf, type AzIdentity } from "./people";
import { pullRequestPage, type AzureTarget } from "./rest";

/** Azure DevOps' pull request, thread, status and policy shapes, and how the tools report them. */

export type AzPullRequest = {
  pullRequestId: number;
  status: "active" | "completed" | "abandoned" | string;
  title: string;
  description?: string;
  sourceRefName: string;
  targetRefName: string;
  isDraft?: boolean;
  createdBy?: AzIdentity;
  creationDate?: string;
  closedDate?: string;
  lastMergeSourceCommit?: { commitId?: string };
  reviewers?: (AzIdentity & { vote?: number; isRequired?: boolean })[];
  labels?: { name?: string; active?: boolean }[];
  repository?: { name?: string; project?: { id?: string; name?: string } };
};

export type AzComment = { id: number; parentCommentId?: number; author?: AzIdentity; content?: string; publishedDate?: string; commentType?: string; isDeleted?: boolean };
export type AzPosition = { line?: number; offset?: number };
export type AzThread = {
  id: number;
  status?: string;
  isDeleted?: boolean;
  threadContext?: { filePath?: string; rightFileStart?: AzPosition | null; leftFileStart?: AzPosition | null } | null;
  comments?: AzComment[];
  publishedDate?: string;
};

const branch = (ref: string) => ref.replace(/^refs\/heads\//, "");

/** The web page of the pull request, in the project and repository it says it is in. */
export function pullPage(t: AzureTarget, pr: AzPullRequest): string {
  return pullRequestPage(t, pr.pullRequestId, { project: pr.repository?.project?.name, repo: pr.repository?.name });
}

export function pullView(t: AzureTarget, pr: AzPullRequest): PullRequestItem {
  const labels = (pr.labels ?? []).filter((l) => l.active !== false && l.name).map((l) => l.name!);
  return {
    number: pr.pullRequestId,
    title: pr.title,
    state: pr.status === "completed" ? "merged" : pr.status === "abandoned" ? "closed" : "open",
    draft: pr.isDraft ?? false,
    head: branch(pr.sourceRefName),
    base: branch(pr.targetRefName),
    headSha: pr.lastMergeSourceCommit?.commitId ?? null,
    author: loginOf(pr.createdBy),
    ...(labels.length ? { labels } : {}),
    url: pullPage(t, pr),
  };
}

/** Azure DevOps pull requests have no assignees and no "last updated" time. */
export function pullDetail(t: AzureTarget, pr: AzPullRequest): PullRequestDetail {
  return {
    ...pullView(t, pr),
    body: pr.description ? pr.description : null,
    labels: (pr.labels ?? []).filter((l) => l.active !== false && l.name).map((l) => l.name!),
    assignees: [],
    reviewers: (pr.reviewers ?? []).map((r) => loginOf(r)).filter((l): l is string => !!l),
    createdAt: pr.creationDate ?? null,
    updatedAt: pr.closedDate ?? null,
  };
}

/** A thread's own link on the pull request's page. */
export function threadPage(prPage: string, threadId: number): string {
  return `${prPage}?discussionId=${threadId}`;
}

/** Comments people wrote (not the system's "voted 10" or "updated the pull request"). */
export function humanComments(thread: AzThread): AzComment[] {
  return (thread.comments ?? []).filter((c) => !c.isDeleted && c.commentType !== "system");
}

export function commentView(prPage: string, thread: AzThread, c: AzComment): CommentItem {
  return { id: `${thread.id}/${c.id}`, author: loginOf(c.author), body: c.content ?? "", createdAt: c.publishedDate ?? null, url: threadPage(prPage, thread.id) };
}

const RESOLVED = ["fixed", "closed", "wontFix", "byDesign"];

/** A thread is resolved when its status is fixed, closed, won't fix or by design. */
export function isResolved(thread: AzThread): boolean {
  return RESOLVED.includes(thread.status ?? "");
}

export function isReviewThread(thread: AzThread): boolean {
  return !thread.isDeleted && !!thread.threadContext?.filePath && humanComments(thread).length > 0;
}

export function isConversationThread(thread: AzThread): boolean {
  return !thread.isDeleted && !thread.threadContext?.filePath && humanComments(thread).length > 0;
}

export function threadView(prPage: string, thread: AzThread): ThreadItem {
  const ctx = thread.threadContext;
  const right = ctx?.rightFileStart?.line;
  const left = ctx?.leftFileStart?.line;
  return {
    id: String(thread.id),
    resolved: isResolved(thread),
    outdated: false,
    path: ctx?.filePath ? ctx.filePath.replace(/^\//, "") : null,
    line: right ?? left ?? null,
    side: right !== undefined ? "RIGHT" : left !== undefined ? "LEFT" : null,
    comments: humanComments(thread).map((c) => commentView(prPage, thread, c)),
    url: threadPage(prPage, thread.id),
    status: thread.status ?? null,
  };
}

export type AzStatus = { id: number; state?: string; description?: string; context?: { name?: string; genre?: string }; targetUrl?: string; creationDate?: string };
export type AzEvaluation = { evaluationId: string; status?: string; configuration?: { isBlocking?: boolean; settings?: { displayName?: string }; type?: { displayName?: string } } };

const STATUS_STATES: Record<string, CheckState> = { succeeded: "success", failed: "failure", error: "failure", pending: "pending", notSet: "pending", notApplicable: "skipped" };
const POLICY_STATES: Record<string, CheckState> = { approved: "success", rejected: "failure", broken: "failure", running: "pending", queued: "pending", notApplicable: "skipped" };

/** The latest status of each context (genre/name): a CI posts a new one as it progresses. */
export function statusChecks(statuses: AzStatus[]): CheckItem[] {
  const latest = new Map<string, AzStatus>();
  for (const s of [...statuses].sort((a, b) => a.id - b.id)) latest.set(`${s.context?.genre ?? ""}/${s.context?.name ?? ""}`, s);
  return [...latest.values()].map((s) => ({
    name: s.context?.genre ? `${s.context.genre}/${s.context.name ?? ""}` : (s.context?.name ?? "status"),
    kind: "status",
    state: STATUS_STATES[s.state ?? ""] ?? "neutral",
    description: s.description ?? null,
    url: s.targetUrl ?? null,
  }));
}

export function policyChecks(evaluations: AzEvaluation[]): CheckItem[] {
  return evaluations.map((e) => ({
    name: e.configuration?.settings?.displayName ?? e.configuration?.type?.displayName ?? "Policy",
    kind: "policy",
    state: POLICY_STATES[e.status ?? ""] ?? "neutral",
    description: `${e.configuration?.isBlocking === false ? "Optional" : "Required"} branch policy (${e.status ?? "unknown"})`,
    url: null,
  }));
}
