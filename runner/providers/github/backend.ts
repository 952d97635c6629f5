import type { ScmBackend } from "../../agent-tools/backend";
import { commentOnIssue, createIssue, getIssue, listIssueComments, listIssues, searchIssues, updateIssue } from "./issues";
import { createPullRequest, getPullRequest, getPullRequestChecks, listPullRequestComments, listPullRequestFiles, listPullRequests, searchPullRequests, updatePullRequest } from "./pulls";
import { getMe, itemMissing, listAssignableUsers, listLabels } from "./repository";
import { addReviewComment, listReviews, listReviewThreads, replyToReviewThread, resolveReviewThread, submitReview } from "./reviews";

/**
 * GitHub and GitHub Enterprise Server: REST through `@octokit/rest`, and GraphQL where GitHub has
 * no REST endpoint (review threads and their resolution, draft ↔ ready), both on the runner's
 * bounded fetch with the owner's token.
 */
export const githubBackend: ScmBackend = {
  create_pull_request: createPullRequest,
  get_pull_request: getPullRequest,
  list_pull_requests: listPullRequests,
  search_pull_requests: searchPullRequests,
  update_pull_request: updatePullRequest,
  list_pull_request_files: listPullRequestFiles,
  get_pull_request_checks: getPullRequestChecks,
  list_pull_request_comments: listPullRequestComments,
  create_issue: createIssue,
  get_issue: getIssue,
  list_issue_comments: listIssueComments,
  update_issue: updateIssue,
  list_issues: listIssues,
  search_issues: searchIssues,
  comment_on_issue: commentOnIssue,
  list_reviews: listReviews,
  list_review_threads: listReviewThreads,
  add_review_comment: addReviewComment,
  reply_to_review_thread: replyToReviewThread,
  resolve_review_thread: resolveReviewThread,
  submit_review: submitReview,
  get_me: getMe,
  list_labels: listLabels,
  list_assignable_users: listAssignableUsers,
  itemMissing,
};
