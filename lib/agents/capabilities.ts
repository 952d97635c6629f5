/** What an agent can do through a provider's API, each switchable by admins. */
export const capabilities = ["pull_requests", "issues", "review_comments"] as const;
export type Capability = (typeof capabilities)[number];

export const capabilityLabels: Record<Capability, { label: string; description: string }> = {
  pull_requests: { label: "Pull requests", description: "Open, read and list pull requests (merge requests on GitLab)." },
  issues: { label: "Issues", description: "Create, update, list and comment on issues." },
  review_comments: { label: "Review comments", description: "Comment on a line of a pull request's diff and submit general reviews." },
};

/** Each agent tool and the capability it needs. */
export const toolCapabilities = {
  create_pull_request: "pull_requests",
  get_pull_request: "pull_requests",
  list_pull_requests: "pull_requests",
  create_issue: "issues",
  update_issue: "issues",
  list_issues: "issues",
  comment_on_issue: "issues",
  add_review_comment: "review_comments",
  submit_review: "review_comments",
} as const satisfies Record<string, Capability>;
export type ToolName = keyof typeof toolCapabilities;

export function isToolName(value: unknown): value is ToolName {
  return typeof value === "string" && Object.hasOwn(toolCapabilities, value);
}
