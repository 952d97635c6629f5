import { boundedFetchText, DEFAULT_TIMEOUT_MS, networkCode, NoAnswerError } from "../net/http";
import { asObject, isRateLimited, mediaType, retryAfterSeconds, sharedFailure } from "./answer";
import { ProviderError, safeIdentifier } from "./provider-error";

export { DEFAULT_TIMEOUT_MS, isRateLimited, retryAfterSeconds };

/** Provider answers are read up to this size: enough for any identity or error body. */
const MAX_BODY_BYTES = 256 * 1024;

/** A provider's HTTP answer, read and parsed. */
export type HttpAnswer = {
  status: number;
  headers: Headers;
  contentType: string;
  /** The parsed body: JSON, or an object of a form-encoded body; undefined otherwise. */
  body: unknown;
};

export type SendInit = {
  method?: "GET" | "POST" | "DELETE";
  headers?: Record<string, string>;
  /** A form (sent urlencoded) or a JSON value. */
  form?: Record<string, string>;
  json?: unknown;
  timeoutMs?: number;
  /** Larger bodies than the default are read for listings (a page of 100 repositories). */
  maxBodyBytes?: number;
};

function parseBody(text: string, contentType: string): unknown {
  if (!text) return undefined;
  if (contentType.includes("application/x-www-form-urlencoded")) return Object.fromEntries(new URLSearchParams(text));
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/**
 * One request to a provider. Never follows redirects (a sign-in redirect is an answer, and
 * following could leave the host with credentials), reads a bounded body, and bounds the request
 * by `timeoutMs` and the caller's `signal`. No answer at all (DNS, refused, reset, TLS, timeout)
 * is `host_unreachable`, retryable; when the caller's signal fires, its reason is thrown as is,
 * so a job's deadline ends the job as aborted rather than as a provider failure.
 */
export async function send(url: string, init: SendInit, signal: AbortSignal): Promise<HttpAnswer> {
  const timeoutMs = init.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const headers: Record<string, string> = { ...init.headers };
  let body: string | undefined;
  if (init.form) {
    headers["content-type"] = "application/x-www-form-urlencoded";
    body = new URLSearchParams(init.form).toString();
  } else if (init.json !== undefined) {
    headers["content-type"] = "application/json";
    body = JSON.stringify(init.json);
  }
  try {
    const { response, text } = await boundedFetchText(url, { method: init.method ?? "GET", headers, body, timeoutMs, signal }, init.maxBodyBytes ?? MAX_BODY_BYTES);
    const contentType = (response.headers.get("content-type") ?? "").toLowerCase();
    return { status: response.status, headers: response.headers, contentType, body: parseBody(text, contentType) };
  } catch (e) {
    if (signal.aborted || !(e instanceof NoAnswerError)) throw e;
    const host = hostOf(url);
    if (e.refusal) throw new ProviderError("host_address_refused", e.refusal.message, { detail: { providerError: e.refusal.code, addressClass: e.refusal.kind } });
    if (e.timedOut) {
      throw new ProviderError("host_unreachable", `${host} did not answer within ${Math.ceil(timeoutMs / 1000)} s.`, {
        retryable: true,
        detail: { providerError: "TIMEOUT" },
      });
    }
    const code = networkCode(e.cause);
    throw new ProviderError("host_unreachable", `The runner could not connect to ${host} (${code}).`, {
      retryable: true,
      detail: { providerError: safeIdentifier(code) },
    });
  }
}

/** A JSON object body, or null. */
export function objectBody(answer: HttpAnswer): Record<string, unknown> | null {
  return asObject(answer.body);
}

/** HTTP Basic credentials. */
export function basicAuth(username: string, password: string): string {
  return `Basic ${Buffer.from(`${username}:${password}`, "utf8").toString("base64")}`;
}

/**
 * The failures every provider shares: rate limits and server errors (both retryable). Returns
 * null when the answer needs the provider's own reading.
 */
export function commonFailure(answer: HttpAnswer, host: string, providerError: string | null = null): ProviderError | null {
  const shared = sharedFailure(answer);
  if (shared?.kind === "rate_limited") {
    const wait = shared.retryAfterSeconds;
    const when = wait === undefined ? "later" : `in ${wait} s`;
    return new ProviderError("rate_limited", `${host} is rate-limiting this account; the runner will try again ${when}.`, {
      retryable: true,
      detail: { status: answer.status, providerError, ...(wait === undefined ? {} : { retryAfterSeconds: wait }) },
    });
  }
  if (shared?.kind === "server_error") {
    return new ProviderError("provider_error", `${host} answered with a server error (HTTP ${answer.status}).`, {
      retryable: true,
      detail: { status: answer.status, providerError },
    });
  }
  return null;
}

/** The answer is not the provider's API at all (an HTML page, a proxy, a wrong path). */
export function unexpectedAnswer(answer: HttpAnswer, host: string, providerError: string | null = null): ProviderError {
  const type = mediaType(answer.contentType) || "no content type";
  return new ProviderError("api_unexpected_response", `${host} answered HTTP ${answer.status} (${type}), not like the provider's API.`, {
    detail: { status: answer.status, providerError },
  });
}

/** The host part of a URL, for messages. */
export function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return "the provider";
  }
}

/**
 * Refuses a token that cannot be a token (empty, spaces, control or non-ASCII characters) before
 * it is put in a header, where fetch would fail in a way that looks like a network error.
 */
export function assertTokenShape(token: string, field = "token"): void {
  if (!/^[\x21-\x7e]{1,4096}$/.test(token)) {
    const message = token.trim() === "" ? "Paste the token." : "This is not a token: it contains spaces or characters no token has.";
    throw new ProviderError("pat_invalid", message, { fieldErrors: { [field]: [message] } });
  }
}
