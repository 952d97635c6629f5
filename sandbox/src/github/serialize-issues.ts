import type { Comment, Issue, PullRequest, Repo, Review } from "../types";
import { iso, type GhEnv } from "./common";
import { labelObject } from "./labels";
import { accountFor, nodeId, repository, simpleUser, userAccount } from "./serializers";

function userById(env: GhEnv, id: number): Record<string, unknown> | null {
  const user = env.store.users.get(id);
  return user ? simpleUser(env, userAccount(user)) : null;
}

function association(repo: Repo, userId: number, env: GhEnv): string {
  const user = env.store.users.get(userId);
  if (user && user.login.toLowerCase() === repo.owner.toLowerCase()) return "OWNER";
  return repo.collaborators.has(userId) ? "COLLABORATOR" : "NONE";
}

/** The `issue` schema. */
export function issueObject(env: GhEnv, repo: Repo, issue: Issue): Record<string, unknown> {
  const api = `${env.apiUrl()}/repos/${repo.path}`;
  const comments = env.store.comments.filter((c) => c.repoId === repo.id && c.kind === "issue" && c.number === issue.number).length;
  const assignees = issue.assigneeIds.map((id) => userById(env, id)).filter((u) => u !== null);
  return {
    id: issue.id,
    node_id: nodeId("05:Issue", issue.id),
    url: `${api}/issues/${issue.number}`,
    repository_url: api,
    labels_url: `${api}/issues/${issue.number}/labels{/name}`,
    comments_url: `${api}/issues/${issue.number}/comments`,
    events_url: `${api}/issues/${issue.number}/events`,
    html_url: `${env.webUrl()}/${repo.path}/issues/${issue.number}`,
    number: issue.number,
    state: issue.state,
    state_reason: issue.stateReason,
    title: issue.title,
    body: issue.body,
    user: userById(env, issue.authorId),
    labels: issue.labels.map((name) => labelObject(env, repo, name)),
    assignee: assignees[0] ?? null,
    assignees,
    milestone: null,
    locked: false,
    active_lock_reason: null,
    comments,
    closed_at: iso(issue.closedAt),
    created_at: iso(issue.createdAt),
    updated_at: iso(issue.updatedAt),
    closed_by: issue.closedById === null ? null : userById(env, issue.closedById),
    author_association: association(repo, issue.authorId, env),
    reactions: reactions(`${api}/issues/${issue.number}/reactions`),
    timeline_url: `${api}/issues/${issue.number}/timeline`,
  };
}

function reactions(url: string): Record<string, unknown> {
  return { url, total_count: 0, "+1": 0, "-1": 0, laugh: 0, hooray: 0, confused: 0, heart: 0, rocket: 0, eyes: 0 };
}

/** The `issue-comment` schema. */
export function issueComment(env: GhEnv, repo: Repo, comment: Comment): Record<string, unknown> {
  const api = `${env.apiUrl()}/repos/${repo.path}`;
  const kind = comment.target === "pull" ? "pull" : "issues";
  return {
    id: comment.id,
    node_id: nodeId("012:IssueComment", comment.id),
    url: `${api}/issues/comments/${comment.id}`,
    html_url: `${env.webUrl()}/${repo.path}/${kind}/${comment.number}#issuecomment-${comment.id}`,
    body: comment.body,
    user: userById(env, comment.authorId),
    created_at: iso(comment.createdAt),
    updated_at: iso(comment.createdAt),
    issue_url: `${api}/issues/${comment.number}`,
    author_association: association(repo, comment.authorId, env),
    reactions: reactions(`${api}/issues/comments/${comment.id}/reactions`),
  };
}

/** The `pull-request-review-comment` schema. */
export function reviewComment(env: GhEnv, repo: Repo, comment: Comment): Record<string, unknown> {
  const api = `${env.apiUrl()}/repos/${repo.path}`;
  const html = `${env.webUrl()}/${repo.path}/pull/${comment.number}#discussion_r${comment.id}`;
  const self = `${api}/pulls/comments/${comment.id}`;
  return {
    url: self,
    pull_request_review_id: comment.reviewId ?? null,
    id: comment.id,
    node_id: nodeId("024:PullRequestReviewComment", comment.id),
    diff_hunk: comment.diffHunk ?? "",
    path: comment.path ?? "",
    commit_id: comment.commitId ?? "",
    original_commit_id: comment.commitId ?? "",
    in_reply_to_id: comment.inReplyToId ?? undefined,
    user: userById(env, comment.authorId),
    body: comment.body,
    created_at: iso(comment.createdAt),
    updated_at: iso(comment.createdAt),
    html_url: html,
    pull_request_url: `${api}/pulls/${comment.number}`,
    author_association: association(repo, comment.authorId, env),
    _links: { self: { href: self }, html: { href: html }, pull_request: { href: `${api}/pulls/${comment.number}` } },
    start_line: null,
    original_start_line: null,
    start_side: null,
    line: comment.line,
    original_line: comment.line,
    side: comment.side ?? "RIGHT",
    subject_type: "line",
    reactions: reactions(`${self}/reactions`),
  };
}

/** Whether a review comment belongs to a review still pending (visible to its author only). */
export function isPendingComment(env: GhEnv, comment: Comment): boolean {
  if (comment.reviewId === undefined) return false;
  return env.store.reviews.some((r) => r.id === comment.reviewId && r.state === "PENDING");
}

/** The `pull-request-review` schema; `submitted_at` is absent while the review is pending. */
export function pullRequestReview(env: GhEnv, repo: Repo, review: Review): Record<string, unknown> {
  const pull = `${env.apiUrl()}/repos/${repo.path}/pulls/${review.number}`;
  const html = `${env.webUrl()}/${repo.path}/pull/${review.number}#pullrequestreview-${review.id}`;
  return {
    id: review.id,
    node_id: nodeId("017:PullRequestReview", review.id),
    user: userById(env, review.authorId),
    body: review.body,
    state: review.state,
    html_url: html,
    pull_request_url: pull,
    author_association: association(repo, review.authorId, env),
    _links: { html: { href: html }, pull_request: { href: pull } },
    ...(review.submittedAt === null ? {} : { submitted_at: iso(review.submittedAt) }),
    commit_id: review.commitId,
  };
}

export interface PullExtras {
  commits: number;
  additions: number;
  deletions: number;
  changedFiles: number;
}

/** `pull-request-simple` (lists) or, with `extras`, the full `pull-request`. */
export function pullRequest(env: GhEnv, repo: Repo, pr: PullRequest, extras?: PullExtras): Record<string, unknown> {
  const api = `${env.apiUrl()}/repos/${repo.path}`;
  const html = `${env.webUrl()}/${repo.path}/pull/${pr.number}`;
  const owner = simpleUser(env, accountFor(env, repo.owner));
  const author = userById(env, pr.authorId);
  const assignees = pr.assigneeIds.map((id) => userById(env, id)).filter((u) => u !== null);
  const side = (ref: string, sha: string) => ({
    label: `${repo.owner}:${ref}`,
    ref,
    sha,
    user: owner,
    repo: repository(env, repo),
  });
  const body: Record<string, unknown> = {
    url: `${api}/pulls/${pr.number}`,
    id: pr.id,
    node_id: nodeId("011:PullRequest", pr.id),
    html_url: html,
    diff_url: `${html}.diff`,
    patch_url: `${html}.patch`,
    issue_url: `${api}/issues/${pr.number}`,
    commits_url: `${api}/pulls/${pr.number}/commits`,
    review_comments_url: `${api}/pulls/${pr.number}/comments`,
    review_comment_url: `${api}/pulls/comments{/number}`,
    comments_url: `${api}/issues/${pr.number}/comments`,
    statuses_url: `${api}/statuses/${pr.headSha}`,
    number: pr.number,
    state: pr.state === "open" ? "open" : "closed",
    locked: false,
    title: pr.title,
    user: author,
    body: pr.body,
    labels: pr.labels.map((name) => labelObject(env, repo, name)),
    milestone: null,
    active_lock_reason: null,
    created_at: iso(pr.createdAt),
    updated_at: iso(pr.updatedAt),
    closed_at: iso(pr.closedAt),
    merged_at: pr.state === "merged" ? iso(pr.closedAt) : null,
    merge_commit_sha: null,
    assignee: assignees[0] ?? null,
    assignees,
    requested_reviewers: (pr.requestedReviewerIds ?? []).map((id) => userById(env, id)).filter((u) => u !== null),
    requested_teams: [],
    head: side(pr.head, pr.headSha),
    base: side(pr.base, pr.baseSha),
    _links: {
      self: { href: `${api}/pulls/${pr.number}` },
      html: { href: html },
      issue: { href: `${api}/issues/${pr.number}` },
      comments: { href: `${api}/issues/${pr.number}/comments` },
      review_comments: { href: `${api}/pulls/${pr.number}/comments` },
      review_comment: { href: `${api}/pulls/comments{/number}` },
      commits: { href: `${api}/pulls/${pr.number}/commits` },
      statuses: { href: `${api}/statuses/${pr.headSha}` },
    },
    author_association: association(repo, pr.authorId, env),
    auto_merge: null,
    draft: pr.draft,
  };
  if (!extras) return body;
  const count = (kind: Comment["kind"]) =>
    env.store.comments.filter((c) => c.repoId === repo.id && c.number === pr.number && c.kind === kind && !isPendingComment(env, c)).length;
  return {
    ...body,
    merged: pr.state === "merged",
    mergeable: pr.state === "open" ? true : null,
    rebaseable: pr.state === "open" ? true : null,
    mergeable_state: pr.state === "open" ? "clean" : "unknown",
    merged_by: null,
    comments: count("issue"),
    review_comments: count("review"),
    maintainer_can_modify: false,
    commits: extras.commits,
    additions: extras.additions,
    deletions: extras.deletions,
    changed_files: extras.changedFiles,
  };
}

/** A pull request as the issues list and the issue search show it: an issue with a `pull_request` key. */
export function pullAsIssue(env: GhEnv, repo: Repo, p: PullRequest): Record<string, unknown> {
  const pr = pullRequest(env, repo, p);
  const issue = issueObject(env, repo, { ...p, state: p.state === "open" ? "open" : "closed", stateReason: null, closedById: null });
  return { ...issue, pull_request: { url: pr.url, html_url: pr.html_url, diff_url: pr.diff_url, patch_url: pr.patch_url, merged_at: pr.merged_at } };
}
