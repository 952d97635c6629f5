import { cutPatch, type MadeComment } from "../../agent-tools/backend";
import type { CheckItem, CommentItem, FileItem, IssueDetail, IssueItem, PullRequestDetail, PullRequestItem, ReviewItem } from "../../agent-tools/tool-output";

/** GitHub's REST objects as the tools report them: only the fields read here are typed. */

type Login = { login: string } | null | undefined;
type Label = string | { name?: string };

export type GithubPull = {
  number: number;
  title: string;
  state: string;
  draft?: boolean;
  merged_at: string | null;
  html_url: string;
  body?: string | null;
  user: Login;
  labels?: Label[];
  assignees?: Login[] | null;
  requested_reviewers?: Login[] | null;
  head: { ref: string; sha: string };
  base: { ref: string };
  created_at?: string;
  updated_at?: string;
};

const names = (labels: Label[] | undefined) => (labels ?? []).map((l) => (typeof l === "string" ? l : (l.name ?? ""))).filter(Boolean);
const logins = (users: Login[] | null | undefined) => (users ?? []).flatMap((u) => (u ? [u.login] : []));

export function pullView(p: GithubPull): PullRequestItem {
  return {
    number: p.number,
    title: p.title,
    state: p.merged_at ? "merged" : p.state === "closed" ? "closed" : "open",
    draft: p.draft ?? false,
    head: p.head.ref,
    base: p.base.ref,
    headSha: p.head.sha,
    author: p.user?.login ?? null,
    labels: names(p.labels),
    updatedAt: p.updated_at ?? null,
    url: p.html_url,
  };
}

export function pullDetail(p: GithubPull): PullRequestDetail {
  return {
    ...pullView(p),
    body: p.body ?? null,
    labels: names(p.labels),
    assignees: logins(p.assignees),
    reviewers: logins(p.requested_reviewers),
    createdAt: p.created_at ?? null,
    updatedAt: p.updated_at ?? null,
  };
}

export type GithubIssue = {
  number: number;
  title: string;
  state: string;
  html_url: string;
  body?: string | null;
  user: Login;
  labels: Label[];
  assignees?: Login[] | null;
  created_at?: string;
  updated_at?: string;
  pull_request?: unknown;
};

export function issueView(i: GithubIssue): IssueItem {
  return {
    number: i.number,
    title: i.title,
    state: i.state === "closed" ? "closed" : "open",
    labels: names(i.labels),
    assignees: logins(i.assignees),
    author: i.user?.login ?? null,
    updatedAt: i.updated_at ?? null,
    url: i.html_url,
  };
}

export function issueDetail(i: GithubIssue): IssueDetail {
  return { ...issueView(i), body: i.body ?? null, createdAt: i.created_at ?? null, updatedAt: i.updated_at ?? null };
}

type GithubComment = { id: number; body?: string | null; user: Login; created_at?: string; html_url?: string };

export function commentView(c: GithubComment): CommentItem {
  return { id: String(c.id), author: c.user?.login ?? null, body: c.body ?? "", createdAt: c.created_at ?? null, url: c.html_url ?? null };
}

export function madeComment(c: GithubComment): MadeComment {
  return { id: String(c.id), url: c.html_url ?? null, author: c.user?.login ?? null };
}

const REVIEW_STATES = new Set(["APPROVED", "CHANGES_REQUESTED", "COMMENTED", "DISMISSED", "PENDING"]);

type GithubReview = { id: number; user: Login; state: string; body?: string | null; submitted_at?: string; html_url?: string };

export function reviewView(r: GithubReview): ReviewItem {
  return {
    id: String(r.id),
    author: r.user?.login ?? null,
    state: (REVIEW_STATES.has(r.state) ? r.state : "COMMENTED") as ReviewItem["state"],
    body: r.body ?? "",
    submittedAt: r.submitted_at ?? null,
    url: r.html_url ?? null,
  };
}

type GithubFile = { filename: string; previous_filename?: string; status: string; additions: number; deletions: number; patch?: string };
const FILE_STATUSES = new Set(["added", "modified", "removed", "renamed", "copied", "changed"]);

export function fileView(f: GithubFile): FileItem {
  return {
    path: f.filename,
    previousPath: f.previous_filename ?? null,
    // GitHub's "unchanged" (a file only renamed... by mode) has no name of its own here.
    status: (FILE_STATUSES.has(f.status) ? f.status : "changed") as FileItem["status"],
    additions: f.additions,
    deletions: f.deletions,
    ...cutPatch(f.patch),
  };
}

type GithubStatus = { context: string; state: string; description?: string | null; target_url?: string | null };

/** A commit status: error and failure both fail. */
export function statusCheck(s: GithubStatus): CheckItem {
  const state = s.state === "success" ? "success" : s.state === "pending" ? "pending" : "failure";
  return { name: s.context, kind: "status", state, description: s.description ?? null, url: s.target_url ?? null };
}

type GithubCheckRun = { name: string; status: string; conclusion: string | null; html_url?: string | null; details_url?: string | null; output?: { title?: string | null; summary?: string | null } };

const CONCLUSIONS: Record<string, CheckItem["state"]> = {
  success: "success",
  failure: "failure",
  timed_out: "failure",
  action_required: "failure",
  startup_failure: "failure",
  neutral: "neutral",
  stale: "neutral",
  skipped: "skipped",
  cancelled: "cancelled",
};

/** A check run: anything not completed is pending; a completed one by its conclusion. */
export function checkRunCheck(r: GithubCheckRun): CheckItem {
  const state = r.status !== "completed" ? "pending" : (CONCLUSIONS[r.conclusion ?? ""] ?? "neutral");
  return { name: r.name, kind: "check_run", state, description: r.output?.title ?? r.output?.summary ?? null, url: r.html_url ?? r.details_url ?? null };
}
