import type { ScmBackend } from "../../agent-tools/backend";
import { issueTools } from "./issues";
import { pullRequestTools } from "./pull-requests";
import { itemMissing, repositoryTools } from "./repository-tools";
import { reviewCommentTools } from "./review-comments";
import { reviewTools } from "./reviews";
import { bitbucketToolNotes } from "./tool-notes";

/**
 * The agent tools on Bitbucket Cloud's REST API 2.0, acting with the environment owner's OAuth
 * token, or API token with the account email it was connected with: pull requests, their comments
 * and review threads, approvals and requests for changes standing in for reviews, build statuses
 * as checks, issues where the repository's issue tracker is on, components standing in for labels,
 * and the workspace's members as assignable users.
 */
export const bitbucketBackend: ScmBackend = {
  ...pullRequestTools,
  ...reviewCommentTools,
  ...reviewTools,
  ...issueTools,
  ...repositoryTools,
  itemMissing,
  toolNotes: bitbucketToolNotes,
};
