import type { ToolName } from "@/lib/agents/capabilities";
import { getProvider, type ProviderId } from "@/lib/providers";
import { ToolFailure } from "./tool-error";
import { toolDescriptions } from "./tool-schemas";

/**
 * The last step before a failure reaches the agent: the provider mapping's answer rewritten where
 * it would mislead a model. A write that failed after it was sent says the change may exist; the
 * provider's field-less reasons join the message instead of sitting under a made-up field; and
 * GitLab's Ruby-hash validation text is summarised.
 */

/** How an agent checks whether a write that may have happened did, per write tool. */
const CHECK_FIRST: Partial<Record<ToolName, { what: string; check: string }>> = {
  create_pull_request: { what: "the pull request", check: "list_pull_requests with this head branch" },
  create_issue: { what: "the issue", check: "list_issues" },
  update_issue: { what: "the change to the issue", check: "get_issue" },
  comment_on_issue: { what: "the comment", check: "get_issue (or list_issue_comments)" },
  add_review_comment: { what: "the review comment", check: "list_review_threads" },
  submit_review: { what: "the review", check: "list_reviews" },
  update_pull_request: { what: "the change to the pull request", check: "get_pull_request" },
  reply_to_review_thread: { what: "the reply", check: "list_review_threads" },
  resolve_review_thread: { what: "the thread's new state", check: "list_review_threads" },
};

/** GitLab's `Note {:line_code=>["can't be blank", …]}`: the attribute and its reasons, in words. */
function summariseRubyHash(text: string): string {
  return text.replace(/(?:\d{3} Bad request - )?(\w+) \{(.*)\}/, (_all, model: string, inner: string) => {
    const parts: string[] = [];
    for (const m of inner.matchAll(/:(\w+)=>\[([^\]]*)\]/g)) {
      const reasons = [...m[2]!.matchAll(/"([^"]*)"/g)].map((r) => r[1]);
      parts.push(`${m[1]!.replace(/_/g, " ")} ${reasons.join(" and ")}`);
    }
    if (parts.length === 0) return `the ${model.toLowerCase()} was not valid`;
    const summary = `the ${model.toLowerCase()}'s ${parts.join("; ")}`;
    return /line.code/.test(inner) ? `${summary} (the line is not part of the merge request's diff, or the side or commit does not match it)` : summary;
  });
}

function fold(failure: ToolFailure): ToolFailure {
  const { provider: reasons, ...fields } = failure.fieldErrors ?? {};
  const hash = /\w+ \{:\w+=>/.test(failure.message);
  if (!reasons && !hash) return failure;
  let message = hash ? summariseRubyHash(failure.message) : failure.message;
  if (reasons?.length) message = `${message.replace(/[.:]\s*$/, "")}: ${reasons.join("; ")}.`;
  const rest = Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, v.map((m) => (/\w+ \{:\w+=>/.test(m) ? summariseRubyHash(m) : m))]));
  return new ToolFailure(failure.code, message, { fieldErrors: Object.keys(rest).length > 0 ? rest : undefined, retryAfterSeconds: failure.retryAfterSeconds });
}

/**
 * A write whose request reached the provider and got a server error (or no answer in time): the
 * change may or may not exist, so the agent is told to look before it retries rather than "try
 * again", which invites duplicates.
 */
function uncertainWrite(failure: ToolFailure, tool: ToolName, provider: ProviderId, host: string): ToolFailure {
  if (toolDescriptions[tool].readOnly) return failure;
  const serverError = failure.code === "provider_error" ? /HTTP (5\d\d)/.exec(failure.message) : null;
  const timedOut = failure.code === "host_unreachable" && /did not answer in time/.test(failure.message);
  if (!serverError && !timedOut) return failure;
  const { what, check } = CHECK_FIRST[tool] ?? { what: "the change", check: "the current state" };
  const name = getProvider(provider).name;
  const answered = serverError ? `${name} answered ${serverError[1]} after the request was sent` : `${host} did not answer in time after the request was sent`;
  return new ToolFailure(failure.code, `${answered}: ${what} may or may not exist. Check ${check} before retrying, so it is not made twice.`, {
    retryAfterSeconds: failure.retryAfterSeconds,
  });
}

/** The failure as the agent gets it. */
export function forAgent(failure: ToolFailure, ctx: { tool: ToolName; provider: ProviderId; host: string }): ToolFailure {
  return uncertainWrite(fold(failure), ctx.tool, ctx.provider, ctx.host);
}

/** A call the client cancelled: whether the provider may have seen it depends on how far it got. */
export function cancelled(tool: ToolName, providerCalled: boolean): ToolFailure {
  if (!providerCalled) return new ToolFailure("operation_cancelled", "The call was cancelled by the client before the provider was called. Nothing was done.");
  const write = !toolDescriptions[tool].readOnly;
  const check = CHECK_FIRST[tool];
  return new ToolFailure(
    "operation_cancelled",
    write
      ? `The call was cancelled by the client after the request to the provider was started: ${check?.what ?? "the change"} may or may not exist. Check ${check?.check ?? "the current state"} before retrying.`
      : "The call was cancelled by the client while the provider was being read. Nothing was changed; call it again when needed.",
  );
}
