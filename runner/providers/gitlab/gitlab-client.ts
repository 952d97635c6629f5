import { Gitlab } from "@gitbeaker/rest";
import { createRequesterFn, type FormattedResponse, type RequestOptions } from "@gitbeaker/requester-utils";
import { boundedFetch, type BackendContext } from "../../agent-tools/backend";
import { failureFromAnswer } from "../../agent-tools/provider-failure";

/**
 * A gitbeaker client whose requests go through the tools' own request handler. gitbeaker's default
 * handler retries 429s ten times within a quarter of a second and then throws an error without the
 * status or Retry-After; an agent needs `rate_limited` with when to retry instead, and one request
 * bounded by the call's timeout and cancellation.
 */
export function gitlabClient(ctx: BackendContext) {
  const send = boundedFetch(ctx);
  const requesterFn = createRequesterFn(
    async (_service, options) => options,
    async (endpoint, raw) => {
      const options = (raw ?? {}) as RequestOptions;
      const base = options.prefixUrl ?? `${ctx.apiUrl}/`;
      const url = new URL(endpoint, base.endsWith("/") ? base : `${base}/`);
      url.search = options.searchParams ?? "";
      const response = await send(url, { method: options.method, headers: options.headers, body: options.body, redirect: "manual" });
      const contentType = (response.headers.get("content-type") ?? "").toLowerCase();
      const text = await response.text();
      let body: unknown = text;
      if (contentType.includes("json")) {
        try {
          body = text ? JSON.parse(text) : null;
        } catch {
          body = null;
        }
      }
      if (response.status < 200 || response.status >= 300) {
        throw failureFromAnswer({ status: response.status, headers: response.headers, contentType, body }, { host: ctx.host, repository: ctx.repository, token: ctx.token });
      }
      return { body: (response.status === 204 ? null : body) as FormattedResponse["body"], headers: Object.fromEntries(response.headers.entries()), status: response.status };
    },
  );
  // gitbeaker appends /api/v4 to `host` itself. A bearer token works for OAuth tokens and PATs alike
  // (PRIVATE-TOKEN would not carry an OAuth token).
  return new Gitlab({ host: ctx.apiUrl.replace(/\/api\/v4$/, ""), oauthToken: ctx.token, requesterFn });
}
