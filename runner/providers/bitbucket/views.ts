import type { CommentItem, IssueDetail, IssueItem, PullRequestDetail, PullRequestItem, UserItem } from "../../agent-tools/tool-output";
import { asObject } from "../answer";

/**
 * Bitbucket's JSON as the tools' items. Users are nicknames (Bitbucket's user names since its 2019
 * privacy changes drop `username` from other people's accounts), times ISO 8601, and a pull
 * request's states OPEN / MERGED / DECLINED / SUPERSEDED are open / merged / closed / closed.
 */

type Json = Record<string, unknown>;

const obj = (v: unknown): Json => asObject(v) ?? {};
const str = (v: unknown): string | null => (typeof v === "string" && v.length > 0 ? v : null);

/** A path into nested objects: `at(pr, "source", "branch", "name")`. */
export function at(value: unknown, ...path: string[]): unknown {
  let cur = value;
  for (const key of path) cur = asObject(cur)?.[key];
  return cur;
}

/** An account's user name, or null. */
export function loginOf(account: unknown): string | null {
  const a = asObject(account);
  return a ? (str(a.nickname) ?? str(a.username) ?? str(a.display_name)) : null;
}

/** A time as an ISO 8601 timestamp, or null. */
export function timeOf(value: unknown): string | null {
  if (typeof value !== "string") return null;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? null : new Date(ms).toISOString();
}

export function htmlOf(value: unknown): string | null {
  return str(at(value, "links", "html", "href"));
}

export function pullState(state: unknown): PullRequestItem["state"] {
  if (state === "OPEN") return "open";
  if (state === "MERGED") return "merged";
  return "closed";
}

export function pullItem(pr: Json): PullRequestItem {
  return {
    number: Number(pr.id),
    title: String(pr.title ?? ""),
    state: pullState(pr.state),
    draft: pr.draft === true,
    head: String(at(pr, "source", "branch", "name") ?? ""),
    base: String(at(pr, "destination", "branch", "name") ?? ""),
    headSha: str(at(pr, "source", "commit", "hash")),
    author: loginOf(pr.author),
    labels: [],
    updatedAt: timeOf(pr.updated_on),
    url: htmlOf(pr) ?? "",
  };
}

export function pullDetail(pr: Json, headSha?: string | null): PullRequestDetail {
  const reviewers = Array.isArray(pr.reviewers) ? pr.reviewers.map(loginOf).filter((l): l is string => l !== null) : [];
  return {
    ...pullItem(pr),
    ...(headSha ? { headSha } : {}),
    body: str(pr.description),
    labels: [],
    assignees: [],
    reviewers,
    createdAt: timeOf(pr.created_on),
    updatedAt: timeOf(pr.updated_on),
  };
}

/** Bitbucket's issue states new, open, submitted and on hold are open; resolved, invalid, duplicate, wontfix and closed are closed. */
export const OPEN_ISSUE_STATES = ["new", "open", "submitted", "on hold"];
export const CLOSED_ISSUE_STATES = ["resolved", "invalid", "duplicate", "wontfix", "closed"];

export function issueItem(issue: Json): IssueItem {
  const component = str(at(issue, "component", "name"));
  const assignee = loginOf(issue.assignee);
  return {
    number: Number(issue.id),
    title: String(issue.title ?? ""),
    state: OPEN_ISSUE_STATES.includes(String(issue.state)) ? "open" : "closed",
    labels: component ? [component] : [],
    assignees: assignee ? [assignee] : [],
    author: loginOf(issue.reporter),
    updatedAt: timeOf(issue.updated_on),
    url: htmlOf(issue) ?? "",
  };
}

export function issueDetail(issue: Json): IssueDetail {
  return { ...issueItem(issue), body: str(at(issue, "content", "raw")), createdAt: timeOf(issue.created_on), updatedAt: timeOf(issue.updated_on) };
}

export function commentItem(comment: Json): CommentItem {
  return {
    id: String(comment.id),
    author: loginOf(comment.user),
    body: String(at(comment, "content", "raw") ?? ""),
    createdAt: timeOf(comment.created_on),
    url: htmlOf(comment),
  };
}

export function userItem(account: unknown): UserItem | null {
  const login = loginOf(account);
  return login ? { login, name: str(obj(account).display_name), url: htmlOf(account) } : null;
}
