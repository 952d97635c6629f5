import { AppError } from "@/lib/errors/app-error";
import type { ErrorCode } from "@/lib/errors/catalogue";

/**
 * What support staff see about a provider failure: the HTTP status (null when no answer came),
 * the provider's own error identifier (an OAuth `error`, an AADSTS number, a network errno), and
 * for rate limits how long to wait. Never a token, a secret or a raw response body.
 */
export type ProviderErrorDetail = {
  status: number | null;
  providerError: string | null;
  retryAfterSeconds?: number;
  /** A provider page that resolves the problem (GitHub's SAML authorization page). */
  helpUrl?: string;
  /** A refused address's class (`link-local`, `private`, ...) for `host_address_refused`. */
  addressClass?: string;
};

/**
 * A provider call failed in a way the product names: a catalogue `code`, whether trying again
 * later can help (`retryable`), per-field messages for the form that submitted the credential,
 * and a redacted `detail` for Diagnostics. `message` is user-safe and written by this library,
 * never copied from the provider.
 */
export class ProviderError extends AppError {
  readonly retryable: boolean;
  readonly detail: ProviderErrorDetail;

  constructor(
    code: ErrorCode,
    message: string,
    opts: { retryable?: boolean; fieldErrors?: Record<string, string[]>; detail?: Partial<ProviderErrorDetail> } = {},
  ) {
    super(code, { message, fieldErrors: opts.fieldErrors });
    this.name = "ProviderError";
    this.retryable = opts.retryable ?? false;
    this.detail = { status: opts.detail?.status ?? null, providerError: opts.detail?.providerError ?? null, ...withoutNulls(opts.detail) };
  }
}

function withoutNulls(detail: Partial<ProviderErrorDetail> | undefined): Partial<ProviderErrorDetail> {
  const out: Partial<ProviderErrorDetail> = {};
  if (detail?.retryAfterSeconds !== undefined) out.retryAfterSeconds = detail.retryAfterSeconds;
  if (detail?.helpUrl !== undefined) out.helpUrl = detail.helpUrl;
  if (detail?.addressClass !== undefined) out.addressClass = detail.addressClass;
  return out;
}

export function isProviderError(e: unknown): e is ProviderError {
  return e instanceof ProviderError;
}

/**
 * An identifier a provider put in an error answer, kept only when it looks like one (`invalid_grant`,
 * `AADSTS70008`, `Bad credentials`) and contains none of the call's secrets: a hostile or broken
 * server could echo what it was sent, and this text is stored for Diagnostics.
 */
export function safeIdentifier(value: unknown, secrets: readonly string[] = []): string | null {
  if (typeof value !== "string") return null;
  const text = value.trim();
  if (!/^[A-Za-z0-9_.:/ -]{1,80}$/.test(text)) return null;
  // Anything token-shaped (a long unbroken run of letters and digits) is not an error code.
  if (/[A-Za-z0-9_-]{33,}/.test(text)) return null;
  if (secrets.some((s) => s.length >= 4 && text.includes(s))) return null;
  return text;
}
