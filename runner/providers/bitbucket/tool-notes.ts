import { ISSUE_TOOLS, type ScmBackend } from "../../agent-tools/backend";

const issues = "On Bitbucket, only where the repository's issue tracker is on; an issue has one assignee, and a label is its component.";

/** Where the tools work differently on Bitbucket Cloud, as their descriptions say it. */
export const bitbucketToolNotes: ScmBackend["toolNotes"] = {
  ...Object.fromEntries(ISSUE_TOOLS.map((t) => [t, issues])),
  update_pull_request: "On Bitbucket, closing declines the pull request, and a declined pull request cannot be reopened.",
  list_reviews: "On Bitbucket, approvals and requests for changes stand in for reviews.",
  submit_review: "On Bitbucket, APPROVE approves, REQUEST_CHANGES requests changes, and the body and inline comments are posted as comments.",
  get_pull_request_checks: "On Bitbucket, the build statuses of the head commit.",
  list_labels: "On Bitbucket, the issue tracker's components (Bitbucket issues have no labels).",
  list_assignable_users: "On Bitbucket, the workspace's members.",
};
