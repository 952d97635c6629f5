import type { ToolName } from "@/lib/agents/capabilities";
import { getProvider, type ProviderId } from "@/lib/providers";
import { egressFetch } from "../net/egress";
import { ToolFailure } from "./tool-error";

/**
 * Providers answer 404 both for an item that does not exist and for one the token may not see, and
 * the provider mapping reads every 404 as `repository_permission_denied` ("ask a maintainer for
 * access"). For a tool that names a pull request or issue by number that sends the agent the wrong
 * way when it merely got the number wrong. This looks once more, only after such a refusal: when
 * the repository itself is readable and the numbered item answers 404, the answer is
 * `scm_item_not_found`. Anything else (no answer, the repository unreadable too) keeps the refusal.
 *
 * Kept apart so the provider mapping can absorb it once it sees the status and the request.
 */

/** The tools whose `number` names a pull request (GitLab: merge request), and those naming an issue. */
const NUMBERED: Partial<Record<ToolName, "pull" | "issue">> = {
  get_pull_request: "pull",
  add_review_comment: "pull",
  submit_review: "pull",
  update_issue: "issue",
  comment_on_issue: "issue",
};

export type NotFoundProbe = {
  tool: ToolName;
  input: Record<string, unknown>;
  provider: ProviderId;
  apiUrl: string;
  host: string;
  repository: string;
  token: string;
  signal: AbortSignal;
  timeoutMs: number;
};

function urls(p: NotFoundProbe, kind: "pull" | "issue", n: number): { repo: string; item: string; headers: Record<string, string> } | null {
  if (p.provider === "github") {
    const repo = `${p.apiUrl}/repos/${p.repository.split("/").map(encodeURIComponent).join("/")}`;
    return { repo, item: `${repo}/${kind === "pull" ? "pulls" : "issues"}/${n}`, headers: { authorization: `Bearer ${p.token}`, accept: "application/vnd.github+json" } };
  }
  if (p.provider === "gitlab") {
    const repo = `${p.apiUrl}/projects/${encodeURIComponent(p.repository)}`;
    return { repo, item: `${repo}/${kind === "pull" ? "merge_requests" : "issues"}/${n}`, headers: { authorization: `Bearer ${p.token}` } };
  }
  return null;
}

async function status(url: string, headers: Record<string, string>, p: NotFoundProbe): Promise<number | null> {
  try {
    const response = await egressFetch(url, { headers, redirect: "manual", signal: AbortSignal.any([p.signal, AbortSignal.timeout(p.timeoutMs)]) });
    await response.body?.cancel();
    return response.status;
  } catch {
    return null;
  }
}

/** What the item is called on the provider, as the agent reads it: "pull request #3", "merge request !3", "issue #3". */
export function itemName(provider: ProviderId, kind: "pull" | "issue", n: number): string {
  if (kind === "issue") return `issue #${n}`;
  const { one, numberPrefix } = getProvider(provider).pullRequestName;
  return `${one} ${numberPrefix}${n}`;
}

/** `failure`, or `scm_item_not_found` when it was a 404 for a number the repository does not have. */
export async function notFoundInstead(failure: ToolFailure, probe: NotFoundProbe): Promise<ToolFailure> {
  const kind = NUMBERED[probe.tool];
  const n = probe.input.number;
  if (failure.code !== "repository_permission_denied" || !kind || typeof n !== "number" || probe.signal.aborted) return failure;
  const target = urls(probe, kind, n);
  if (!target) return failure;
  if ((await status(target.item, target.headers, probe)) !== 404) return failure;
  if ((await status(target.repo, target.headers, probe)) !== 200) return failure;
  return new ToolFailure("scm_item_not_found", `${probe.repository} on ${probe.host} has no ${itemName(probe.provider, kind, n)}. Nothing was changed.`);
}
