import type { ToolName } from "@/lib/agents/capabilities";
import { getProvider, type ProviderId } from "@/lib/providers";
import type { BackendContext, ScmBackend } from "./backend";
import { ToolFailure } from "./tool-error";

/**
 * Providers answer 404 both for an item that does not exist and for one the token may not see, and
 * the provider mapping reads every 404 as `repository_permission_denied` ("ask a maintainer for
 * access"). For a tool that names a pull request or issue by number that sends the agent the wrong
 * way when it merely got the number wrong. This asks the backend once more, only after such a
 * refusal: when the repository itself is readable and the numbered item is not there, the answer
 * is `scm_item_not_found`. Anything else (no answer, the repository unreadable too) keeps the refusal.
 */

/** The tools whose `number` names a pull request (GitLab: merge request), and those naming an issue. */
const NUMBERED: Partial<Record<ToolName, "pull" | "issue">> = {
  get_pull_request: "pull",
  update_pull_request: "pull",
  list_pull_request_files: "pull",
  get_pull_request_checks: "pull",
  list_pull_request_comments: "pull",
  list_reviews: "pull",
  list_review_threads: "pull",
  add_review_comment: "pull",
  reply_to_review_thread: "pull",
  resolve_review_thread: "pull",
  submit_review: "pull",
  get_issue: "issue",
  list_issue_comments: "issue",
  update_issue: "issue",
  comment_on_issue: "issue",
};

/** What the item is called on the provider, as the agent reads it: "pull request #3", "merge request !3", "issue #3". */
export function itemName(provider: ProviderId, kind: "pull" | "issue", n: number): string {
  if (kind === "issue") return `${getProvider(provider).issueName.one} #${n}`;
  const { one, numberPrefix } = getProvider(provider).pullRequestName;
  return `${one} ${numberPrefix}${n}`;
}

/** `failure`, or `scm_item_not_found` when it was a 404 for a number the repository does not have. */
export async function notFoundInstead(failure: ToolFailure, probe: { tool: ToolName; input: Record<string, unknown>; provider: ProviderId; backend: ScmBackend; ctx: BackendContext }): Promise<ToolFailure> {
  const kind = NUMBERED[probe.tool];
  const n = probe.input.number;
  if (failure.code !== "repository_permission_denied" || !kind || typeof n !== "number" || probe.ctx.signal.aborted) return failure;
  const missing = await probe.backend.itemMissing(probe.ctx, kind, n).catch(() => false);
  if (!missing) return failure;
  return new ToolFailure("scm_item_not_found", `${probe.ctx.repository} on ${probe.ctx.host} has no ${itemName(probe.provider, kind, n)}. Nothing was changed.`);
}
