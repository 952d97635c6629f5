/** What an agent can do through a provider's API, each switchable by admins. */
export const capabilities = ["pull_requests", "issues", "review_comments"] as const;
export type Capability = (typeof capabilities)[number];

export const capabilityLabels: Record<Capability, { label: string; description: string }> = {
  pull_requests: { label: "Pull requests", description: "Open, read, search, update and list pull requests (merge requests on GitLab), their changed files, comments and checks." },
  issues: { label: "Issues", description: "Read, search, create, update, list and comment on issues (work items on Azure DevOps)." },
  review_comments: { label: "Reviews", description: "Read reviews and review threads, comment on lines of a pull request's diff, reply to and resolve threads, and submit reviews." },
};

/**
 * What a tool needs from the policy: one of the switchable capabilities, or `repository` for the
 * tools that only say who the owner is and what the repository offers (labels, assignable users),
 * which are allowed whenever the agent tools are allowed at all.
 */
export type ToolCapability = Capability | "repository";

/** Each agent tool and the capability it needs. */
export const toolCapabilities = {
  create_pull_request: "pull_requests",
  get_pull_request: "pull_requests",
  list_pull_requests: "pull_requests",
  search_pull_requests: "pull_requests",
  update_pull_request: "pull_requests",
  list_pull_request_files: "pull_requests",
  get_pull_request_checks: "pull_requests",
  list_pull_request_comments: "pull_requests",
  create_issue: "issues",
  get_issue: "issues",
  list_issue_comments: "issues",
  update_issue: "issues",
  list_issues: "issues",
  search_issues: "issues",
  comment_on_issue: "issues",
  list_reviews: "review_comments",
  list_review_threads: "review_comments",
  add_review_comment: "review_comments",
  reply_to_review_thread: "review_comments",
  resolve_review_thread: "review_comments",
  submit_review: "review_comments",
  get_me: "repository",
  list_labels: "repository",
  list_assignable_users: "repository",
} as const satisfies Record<string, ToolCapability>;
export type ToolName = keyof typeof toolCapabilities;

export function isToolName(value: unknown): value is ToolName {
  return typeof value === "string" && Object.hasOwn(toolCapabilities, value);
}

/** The policy capability a tool is checked against; null for the `repository` tools (the tools as a whole). */
export function policyCapability(tool: ToolName): Capability | null {
  const capability: ToolCapability = toolCapabilities[tool];
  return capability === "repository" ? null : capability;
}
