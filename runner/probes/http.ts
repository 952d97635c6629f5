import type { ErrorCode } from "@/lib/errors/catalogue";
import { describeNetworkError, type NetworkFailure } from "../net-error";
import { boundedFetchText, NoAnswerError } from "../net/http";
import { asObject, mediaType } from "../providers/answer";

/** Longest a single provider request may take; the job's own deadline may cut it shorter. */
export const PROBE_TIMEOUT_MS = 10_000;
/** Provider answers are read up to this size: enough for any JSON error or status body. */
const MAX_BODY_BYTES = 64 * 1024;

/** An HTTP answer (any status). */
export type ProbeAnswer = {
  ok: true;
  status: number;
  headers: Headers;
  /** The parsed JSON body, or undefined when the body is not JSON. */
  json: unknown;
  contentType: string;
};

/** An answer, or why none came. */
export type ProbeResult = ProbeAnswer | ({ ok: false } & NetworkFailure);

/**
 * One HTTP request to a provider, for Save & Test: never follows redirects (an answer is an
 * answer; following could leave the host), reads a bounded body, and turns every failure to get an
 * answer (DNS, refused, reset, TLS, per-request timeout) into a described NetworkFailure. When the
 * job's `signal` aborts, its reason is thrown instead, so the job ends as aborted, not unreachable.
 */
export async function probe(url: string, init: { method?: "GET" | "POST"; headers?: Record<string, string>; body?: string }, signal: AbortSignal): Promise<ProbeResult> {
  try {
    const { response, text } = await boundedFetchText(url, { method: init.method ?? "GET", headers: init.headers, body: init.body, timeoutMs: PROBE_TIMEOUT_MS, signal }, MAX_BODY_BYTES);
    const contentType = response.headers.get("content-type") ?? "";
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    return { ok: true, status: response.status, headers: response.headers, json, contentType };
  } catch (e) {
    if (signal.aborted || !(e instanceof NoAnswerError)) throw e;
    const failure = describeNetworkError(e.timedOut ? new DOMException("timeout", "TimeoutError") : e.cause, PROBE_TIMEOUT_MS);
    return { ok: false, ...failure };
  }
}

/** A JSON object body, or null. */
export function jsonObject(answer: ProbeAnswer): Record<string, unknown> | null {
  return asObject(answer.json);
}

/** "HTTP 404 (text/html)": how a wrong answer is described to the admin. */
export function describeAnswer(answer: ProbeAnswer): string {
  const type = mediaType(answer.contentType);
  return `HTTP ${answer.status}${type ? ` (${type})` : ""}`;
}

/** The catalogue code of a request that got no answer: refused by the runner's address check, or unreachable. */
export function unreachableCode(failure: NetworkFailure): ErrorCode {
  return failure.code === "EGRESS_REFUSED" ? "host_address_refused" : "host_unreachable";
}
