import type { ScmBackend } from "../../agent-tools/backend";

/** Where the tools work differently on GitLab, as their descriptions say it. */
export const gitlabToolNotes: ScmBackend["toolNotes"] = {
  update_pull_request: 'On GitLab, draft is the "Draft:" prefix of the title.',
  list_reviews: "On GitLab, approvals and reviewers' review states stand in for reviews.",
  submit_review:
    "On GitLab, APPROVE approves; REQUEST_CHANGES posts the body and inline comments as comments and withdraws the owner's approval (GitLab has no request-changes state); inline comments are published together as one batch of draft notes.",
  get_pull_request_checks: "On GitLab, the jobs of the head commit's latest pipeline, plus external commit statuses.",
};
