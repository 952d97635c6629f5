import { isIP } from "node:net";
import type { CustomFetchOptions } from "oauth4webapi";
import { classifyAddress } from "@/lib/providers/address";
import { send, type HttpAnswer } from "./http";

/** Statuses whose Response may not carry a body. */
const NULL_BODY_STATUSES = new Set([204, 205, 304]);
/** Headers that describe the bytes on the wire, not the body handed on (already decoded and read). */
const WIRE_HEADERS = new Set(["content-length", "content-encoding", "transfer-encoding"]);

/**
 * The token endpoint's `fetch` for oauth4webapi, and what it saw. Every request goes through the
 * runner's one provider request (`send`: the egress address check, no redirects, the per-request
 * timeout, the caller's signal, a bounded body), so a refused address, a timeout or a lost
 * connection is already the catalogue's `ProviderError` when it reaches oauth4webapi, which passes
 * it on unchanged. `answer` keeps the status, headers and parsed body of the answer, because
 * oauth4webapi's errors do not carry everything the mapping needs (Retry-After, GitHub's
 * 200-with-`error` answers, Entra's AADSTS numbers).
 */
export type TokenEndpointTransport = {
  fetch: (url: string, init: CustomFetchOptions<"POST", URLSearchParams>) => Promise<Response>;
  /** The last answer received, or null when no answer came. */
  readonly answer: HttpAnswer | null;
};

export function tokenEndpointTransport(opts: { signal: AbortSignal; timeoutMs?: number }): TokenEndpointTransport {
  let answer: HttpAnswer | null = null;
  return {
    get answer() {
      return answer;
    },
    fetch: async (url, init) => {
      // `send` encodes the form and sets its content type itself.
      const headers = Object.fromEntries(Object.entries(init.headers).filter(([name]) => name.toLowerCase() !== "content-type"));
      answer = await send(url, { method: "POST", headers, form: Object.fromEntries(init.body), timeoutMs: opts.timeoutMs }, opts.signal);
      return responseFor(answer);
    },
  };
}

/**
 * The answer as the Response oauth4webapi reads. A JSON object loses `id_token`: the runner never
 * uses one (it learns the account from the provider's API), and oauth4webapi validates any ID token
 * it is given (issuer, audience, times) even on the plain OAuth 2.0 path, which Microsoft Entra ID's
 * multi-tenant endpoints (`organizations`, `common`) cannot pass, their tokens naming the user's own
 * tenant as issuer. Anything else that is not JSON reaches oauth4webapi as an empty body, so it
 * fails as a non-conforming answer and the mapping reads `answer` instead.
 */
function responseFor(answer: HttpAnswer): Response {
  const headers = new Headers([...answer.headers].filter(([name]) => !WIRE_HEADERS.has(name.toLowerCase())));
  let body: string | null = null;
  if (answer.body && typeof answer.body === "object" && !Array.isArray(answer.body)) {
    const { id_token: _unused, ...rest } = answer.body as Record<string, unknown>;
    body = JSON.stringify(rest);
    // A form-encoded answer (GitHub without `Accept: application/json`) was parsed into fields by `send`.
    headers.set("content-type", "application/json");
  } else if (answer.body !== undefined) {
    body = JSON.stringify(answer.body);
  }
  return new Response(NULL_BODY_STATUSES.has(answer.status) ? null : body, { status: answer.status, headers });
}

/**
 * Whether the token endpoint may be plain HTTP: only on a loopback host (the provider sandbox), as
 * the plane accepts plain HTTP hosts only on loopback (lib/providers/host.ts). Whether loopback may
 * be reached at all is the egress policy's to say (SCM_ALLOW_LOOPBACK_HOSTS), with its own message.
 * Everywhere else oauth4webapi refuses the request before anything is resolved or sent: a client
 * secret or a code never crosses the network in clear.
 */
export function allowsPlainHttp(tokenUrl: string): boolean {
  let url: URL;
  try {
    url = new URL(tokenUrl);
  } catch {
    return false;
  }
  if (url.protocol !== "http:") return false;
  const hostname = url.hostname.replace(/\.$/, "").toLowerCase();
  const bare = hostname.replace(/^\[|\]$/g, "");
  if (hostname === "localhost" || hostname.endsWith(".localhost")) return true;
  return isIP(bare) !== 0 && classifyAddress(bare) === "loopback";
}
