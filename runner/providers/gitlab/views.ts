import type { BackendContext } from "../../agent-tools/backend";
import type { CommentItem, IssueDetail, IssueItem, PullRequestDetail, PullRequestItem, UserItem } from "../../agent-tools/tool-output";

/** GitLab's answers as the tools read them: only the fields used, each as GitLab's REST docs name it. */

export type GitlabUser = { id?: number; username?: string; name?: string | null; web_url?: string | null };

export type GitlabMergeRequest = {
  iid: number;
  title: string;
  description?: string | null;
  state: string;
  draft?: boolean;
  work_in_progress?: boolean;
  source_branch: string;
  target_branch: string;
  sha?: string | null;
  web_url: string;
  author?: GitlabUser | null;
  labels?: (string | { name?: string })[];
  assignees?: GitlabUser[] | null;
  reviewers?: GitlabUser[] | null;
  created_at?: string | null;
  updated_at?: string | null;
  diff_refs?: { base_sha: string; head_sha: string; start_sha: string } | null;
};

export type GitlabIssue = {
  iid: number;
  title: string;
  description?: string | null;
  state: string;
  web_url: string;
  labels?: (string | { name?: string })[];
  assignees?: GitlabUser[] | null;
  author?: GitlabUser | null;
  created_at?: string | null;
  updated_at?: string | null;
};

export type GitlabPosition = {
  new_path?: string | null;
  old_path?: string | null;
  new_line?: number | null;
  old_line?: number | null;
  head_sha?: string | null;
};

export type GitlabNote = {
  id: number;
  body: string;
  author?: GitlabUser | null;
  created_at?: string | null;
  system?: boolean;
  type?: string | null;
  position?: GitlabPosition | null;
  resolvable?: boolean;
  resolved?: boolean;
};

export type GitlabDiscussion = { id: string; individual_note?: boolean; notes?: GitlabNote[] };

const logins = (users: GitlabUser[] | null | undefined) => (users ?? []).map((u) => u.username ?? "").filter(Boolean);

/** Label names: GitLab answers names, or objects with `with_labels_details`. */
export function labelNames(labels: GitlabMergeRequest["labels"]): string[] {
  return (labels ?? []).map((l) => (typeof l === "string" ? l : (l.name ?? ""))).filter(Boolean);
}

export function mergeRequestItem(mr: GitlabMergeRequest): PullRequestItem {
  return {
    number: mr.iid,
    title: mr.title,
    // `locked` is a merge request being merged right now: still open.
    state: mr.state === "merged" ? "merged" : mr.state === "closed" ? "closed" : "open",
    draft: mr.draft ?? mr.work_in_progress ?? false,
    head: mr.source_branch,
    base: mr.target_branch,
    headSha: mr.sha ?? mr.diff_refs?.head_sha ?? null,
    author: mr.author?.username ?? null,
    labels: labelNames(mr.labels),
    updatedAt: mr.updated_at ?? null,
    url: mr.web_url,
  };
}

export function mergeRequestDetail(mr: GitlabMergeRequest): PullRequestDetail {
  return {
    ...mergeRequestItem(mr),
    body: mr.description ? mr.description : null,
    labels: labelNames(mr.labels),
    assignees: logins(mr.assignees),
    reviewers: logins(mr.reviewers),
    createdAt: mr.created_at ?? null,
    updatedAt: mr.updated_at ?? null,
  };
}

export function issueItem(i: GitlabIssue): IssueItem {
  return {
    number: i.iid,
    title: i.title,
    state: i.state === "closed" ? "closed" : "open",
    labels: labelNames(i.labels),
    assignees: logins(i.assignees),
    author: i.author?.username ?? null,
    updatedAt: i.updated_at ?? null,
    url: i.web_url,
  };
}

export function issueDetail(i: GitlabIssue): IssueDetail {
  return { ...issueItem(i), body: i.description ? i.description : null, createdAt: i.created_at ?? null, updatedAt: i.updated_at ?? null };
}

export function userItem(u: GitlabUser): UserItem {
  return { login: u.username ?? "", name: u.name ?? null, url: u.web_url ?? null };
}

/** A link to a note, which GitLab's API does not return: its page plus the note's anchor. */
export function noteUrl(pageUrl: string, noteId: number | string | undefined): string {
  return noteId === undefined ? pageUrl : `${pageUrl}#note_${noteId}`;
}

/** The web page of a merge request or issue, built the way GitLab builds it. */
export function itemPage(ctx: BackendContext, kind: "issues" | "merge_requests", iid: number): string {
  return `${ctx.webUrl}/${ctx.repository}/-/${kind}/${iid}`;
}

export function noteComment(pageUrl: string, n: GitlabNote): CommentItem {
  return { id: String(n.id), author: n.author?.username ?? null, body: n.body, createdAt: n.created_at ?? null, url: noteUrl(pageUrl, n.id) };
}

/** A conversation comment: written by a person (not a system note about an event) and not on a line of the diff. */
export function isConversationNote(n: GitlabNote): boolean {
  return !n.system && !n.position && n.type !== "DiffNote";
}

/** A "Draft: " title is how GitLab marks a draft; these are the prefixes it reads as one. */
export const DRAFT_PREFIX = /^\s*(\[draft\]|\(draft\)|draft:)\s*/i;

/** The title with GitLab's draft marker added or taken off. */
export function draftTitle(title: string, draft: boolean): string {
  const bare = title.replace(DRAFT_PREFIX, "");
  return draft ? `Draft: ${bare}` : bare;
}
