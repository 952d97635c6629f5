import { REDACTED, redact, redactString } from "../log/redact";

/** Longest string kept in an event's detail; longer ones are cut (provider messages can be pages). */
const MAX_STRING = 300;
/** Keys kept per object, and array items kept: detail is a summary, not a dump. */
const MAX_KEYS = 20;
const MAX_ITEMS = 10;
/** Serialized size past which the detail is replaced by a marker. */
const MAX_BYTES = 4_000;

/**
 * Anything that looks like a credential even when no known prefix gives it away: a long unbroken
 * run of letters, digits, `_` and `+` (opaque OAuth tokens, hex secrets, base64 blobs). Ids we
 * write ourselves (UUIDs, dashes every few characters), error identifiers and URL paths (broken
 * up by `/`) stay below the threshold.
 */
const TOKEN_SHAPED = /[A-Za-z0-9_+]{33,}={0,2}/g;
/** Our own sealed boxes (`sbx1.<keyId>.<box>`): ciphertext has no place in a diagnostic trail either. */
const SEALED_BOX = /\bsbx1\.[A-Za-z0-9_-]+\.[A-Za-z0-9_=-]+/g;

/**
 * A string fit for the trail: known secret shapes redacted (see `redactString`), sealed boxes and
 * any other token-shaped run replaced, control characters dropped, and the length capped.
 */
export function sanitizeText(value: string): string {
  let out = redactString(value).replace(SEALED_BOX, REDACTED).replace(TOKEN_SHAPED, REDACTED);
  out = out.replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, " ");
  return out.length > MAX_STRING ? `${out.slice(0, MAX_STRING - 1)}…` : out;
}

function walk(value: unknown, depth: number): unknown {
  if (value === null || typeof value === "boolean") return value;
  if (typeof value === "number") return Number.isFinite(value) ? value : null;
  if (typeof value === "string") return sanitizeText(value);
  if (value instanceof Date) return value.toISOString();
  if (depth > 3) return REDACTED;
  if (Array.isArray(value)) return value.slice(0, MAX_ITEMS).map((v) => walk(v, depth + 1));
  if (typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>).slice(0, MAX_KEYS)) {
      if (v === undefined) continue;
      out[sanitizeText(k).slice(0, 64)] = walk(v, depth + 1);
    }
    return out;
  }
  return null;
}

/**
 * An event's `detail`, safe to store and to show support staff: values under secret-named keys
 * are replaced (`redact`), token-shaped strings are refused wherever they appear, nesting, keys,
 * items and strings are capped, and an oversized result is replaced by a marker. Never throws.
 */
export function sanitizeDetail(detail: Record<string, unknown> | null | undefined): Record<string, unknown> {
  if (!detail) return {};
  try {
    const cleaned = walk(redact(detail), 0) as Record<string, unknown>;
    return JSON.stringify(cleaned).length > MAX_BYTES ? { truncated: true } : cleaned;
  } catch {
    return { unreadable: true };
  }
}
