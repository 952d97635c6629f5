import { ISSUE_TOOLS, type ScmBackend } from "../../agent-tools/backend";

const workItems = "On Azure DevOps these are work items: the number is the work item ID, labels are tags, there is one assignee, and descriptions are HTML.";

/** Where the tools work differently on Azure DevOps, as their descriptions say it. */
export const azureDevopsToolNotes: ScmBackend["toolNotes"] = {
  ...Object.fromEntries(ISSUE_TOOLS.map((t) => [t, workItems])),
  list_reviews: "On Azure DevOps, reviewers' votes stand in for reviews (10 approved, 5 approved with suggestions, -5 waiting for the author, -10 rejected).",
  submit_review: "On Azure DevOps, APPROVE votes 10; REQUEST_CHANGES votes -5 (waiting for the author) and posts the body as a thread; COMMENT posts it as a thread.",
  search_pull_requests: "Azure DevOps has no text search for pull requests: the tool reads up to 1,000 of them and matches titles and descriptions itself.",
  get_pull_request_checks: "On Azure DevOps, the pull request's statuses and its branch policy evaluations.",
  list_pull_request_files: "Azure DevOps gives no patch or line counts: those are null.",
  list_labels: "On Azure DevOps, the project's work item tags.",
  list_assignable_users: "On Azure DevOps, the members of the project's default team; a user name is the account part of the sign-in address (the whole address is taken too).",
};
