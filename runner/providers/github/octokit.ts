import { Octokit } from "@octokit/rest";
import { USER_AGENT } from "../../version";
import { boundedFetch, wrappedFailure, type BackendContext } from "../../agent-tools/backend";
import { failureFromAnswer, safeProviderText } from "../../agent-tools/provider-failure";
import { ToolFailure } from "../../agent-tools/tool-error";

/** Octokit logs every 4xx itself; these are answers the tools report, not events to log. */
const quiet = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };

/**
 * The owner's Octokit on the runner's bounded fetch. `octokit.graphql` goes through the same fetch,
 * to `https://api.github.com/graphql`, or `${base}/api/graphql` for an Enterprise Server whose REST
 * base is `${base}/api/v3` (Octokit derives it).
 */
export function client(ctx: BackendContext): Octokit {
  return new Octokit({ auth: ctx.token, baseUrl: ctx.apiUrl, userAgent: USER_AGENT, log: quiet, request: { fetch: boundedFetch(ctx) } });
}

export type Where = { owner: string; repo: string };

export function ownerAndName(ctx: BackendContext): Where {
  const [owner, repo, ...rest] = ctx.repository.split("/");
  if (!owner || !repo || rest.length > 0) {
    throw new ToolFailure("validation_failed", "A GitHub repository is named owner/name.", { fieldErrors: { repository: ['Expected "owner/name".'] } });
  }
  return { owner, repo };
}

type OctokitFailure = { status?: number; response?: { status: number; headers: Record<string, string | number | undefined>; data?: unknown } };
type GraphqlErrors = { name?: string; errors?: { type?: string; message?: string; path?: unknown[] }[] };

/** A GraphQL answer's errors (HTTP 200 with `errors`), or null when `e` is something else. */
export function graphqlErrors(e: unknown): { type: string | null; message: string; path: unknown[] }[] | null {
  const failure = e as GraphqlErrors | null;
  if (failure?.name !== "GraphqlResponseError" || !Array.isArray(failure.errors)) return null;
  return failure.errors.map((x) => ({ type: typeof x.type === "string" ? x.type : null, message: typeof x.message === "string" ? x.message : "", path: Array.isArray(x.path) ? x.path : [] }));
}

/**
 * Turns whatever Octokit threw into the tools' typed failure. GraphQL answers its refusals as 200
 * with `errors`: NOT_FOUND and FORBIDDEN read as REST's 404 and 403 would.
 */
export function mapFailure(ctx: BackendContext, e: unknown): ToolFailure {
  const own = wrappedFailure(e);
  if (own) return own;
  const errors = graphqlErrors(e);
  if (errors) {
    const first = errors[0];
    if (first?.type === "NOT_FOUND" || first?.type === "FORBIDDEN") {
      return failureFromAnswer({ status: first.type === "FORBIDDEN" ? 403 : 404, headers: new Headers(), contentType: "application/json", body: {} }, { host: ctx.host, repository: ctx.repository, token: ctx.token });
    }
    const reason = safeProviderText(first?.message, ctx.token);
    return new ToolFailure("provider_error", `${ctx.host}'s GraphQL API refused the request${reason ? `: ${reason}` : "."} Nothing was changed.`);
  }
  const response = (e as OctokitFailure | null)?.response;
  if (!response) return new ToolFailure("provider_error", `The call to ${ctx.host} failed before an answer was read.`);
  const headers = new Headers();
  for (const [key, value] of Object.entries(response.headers ?? {})) if (value !== undefined) headers.set(key, String(value));
  const answer = { status: response.status, headers, contentType: headers.get("content-type") ?? "", body: response.data };
  return failureFromAnswer(answer, { host: ctx.host, repository: ctx.repository, token: ctx.token });
}

/** Runs one Octokit call, mapping its failure. */
export async function call<T>(ctx: BackendContext, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    throw mapFailure(ctx, e);
  }
}

/** The HTTP status of an Octokit failure, for the few places where a 404 means something precise. */
export function statusOf(e: unknown): number | undefined {
  return (e as OctokitFailure | null)?.response?.status;
}

/**
 * A later step of a multi-step write failed: what the earlier steps already changed is said first,
 * so the agent does not redo or undo them blindly.
 */
export function afterApplied(failure: ToolFailure, applied: string[]): ToolFailure {
  if (applied.length === 0) return failure;
  return new ToolFailure(failure.code, `${applied.join(", ")} ${applied.length === 1 ? "was" : "were"} already changed; then: ${failure.message}`, {
    fieldErrors: failure.fieldErrors,
    retryAfterSeconds: failure.retryAfterSeconds,
  });
}
