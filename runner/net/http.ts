import { USER_AGENT } from "../version";
import { egressFetch, egressRefusal, type EgressRefusedError } from "./egress";
import { errnoCode } from "@/lib/errors/cause-chain";

/** Longest one provider request may take unless the caller says otherwise. */
export const DEFAULT_TIMEOUT_MS = 10_000;

/** One request to a provider: what to send, how long it may take, and the caller's cancellation. */
export type BoundedRequest = {
  method?: string;
  headers?: HeadersInit;
  body?: RequestInit["body"];
  /** Longest this one request may take; running out is a `NoAnswerError` with `timedOut`. */
  timeoutMs?: number;
  /** The caller's deadline or cancellation: when it fires, its reason is thrown as is. */
  signal: AbortSignal;
  /** Another signal to honour (a client library's own), reported like a lost connection. */
  extraSignal?: AbortSignal | null;
};

/**
 * No HTTP answer came: the runner's address check refused the host (`refusal`), the per-request
 * timeout ran out (`timedOut`), or the connection failed (DNS, refused, reset, TLS: `cause`).
 * Carries no URL, header or body, so it is safe to describe.
 */
export class NoAnswerError extends Error {
  readonly refusal: EgressRefusedError | null;
  readonly timedOut: boolean;
  readonly timeoutMs: number;

  constructor(opts: { cause: unknown; refusal: EgressRefusedError | null; timedOut: boolean; timeoutMs: number }) {
    super(opts.refusal ? "The runner's address check refused the host." : opts.timedOut ? "The host did not answer in time." : "The connection failed.", { cause: opts.cause });
    this.name = "NoAnswerError";
    this.refusal = opts.refusal;
    this.timedOut = opts.timedOut;
    this.timeoutMs = opts.timeoutMs;
  }
}

async function attempt<T>(url: string | URL | Request, init: BoundedRequest, read: (response: Response) => Promise<T>): Promise<T> {
  const timeoutMs = init.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const timeout = AbortSignal.timeout(timeoutMs);
  const headers = new Headers(init.headers);
  if (!headers.has("user-agent")) headers.set("user-agent", USER_AGENT);
  init.signal.throwIfAborted();
  const signals = [init.signal, timeout, ...(init.extraSignal ? [init.extraSignal] : [])];
  try {
    // A plain record: egressFetch hands it to undici's own fetch, whose Headers class is not Node's.
    const response = await egressFetch(url, { method: init.method ?? "GET", headers: Object.fromEntries(headers), body: init.body, redirect: "manual", signal: AbortSignal.any(signals) });
    return await read(response);
  } catch (e) {
    if (init.signal.aborted) throw init.signal.reason;
    throw new NoAnswerError({ cause: e, refusal: egressRefusal(e), timedOut: timeout.aborted, timeoutMs });
  }
}

/**
 * The runner's one way to call a provider, through the runner's address check (`egressFetch`):
 * never follows a redirect (a sign-in redirect is an answer, and following could leave the host
 * with credentials), sends the runner's user agent unless the caller names its own, and bounds the
 * request by `timeoutMs` and the caller's `signal`. When the caller's signal fires, its reason is
 * thrown as is (a job's deadline ends the job as aborted, not as a provider failure); any other
 * failure to get an answer is a `NoAnswerError`. The body is the caller's to read (client libraries).
 */
export function boundedFetch(url: string | URL | Request, init: BoundedRequest): Promise<Response> {
  return attempt(url, init, async (response) => response);
}

/**
 * `boundedFetch`, reading the body up to `maxBytes` within the same bounds: a body that stops
 * arriving is a `NoAnswerError` too.
 */
export function boundedFetchText(url: string | URL | Request, init: BoundedRequest, maxBytes: number): Promise<{ response: Response; text: string }> {
  return attempt(url, init, async (response) => ({ response, text: await readLimited(response, maxBytes) }));
}

/** Reads a body up to `maxBytes` (the rest is discarded unread), as UTF-8 text. */
export async function readLimited(response: Response, maxBytes: number): Promise<string> {
  if (!response.body) return "";
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      size += value.byteLength;
      if (size >= maxBytes) break;
    }
  } finally {
    await reader.cancel().catch(() => {});
  }
  return Buffer.concat(chunks).subarray(0, maxBytes).toString("utf8");
}

/** The errno-style code of a failed connection (undici wraps the socket error as `cause`), or `NETWORK`. */
export function networkCode(e: unknown): string {
  return errnoCode(e) ?? "NETWORK";
}
