/**
 * Redaction for anything that leaves the process (logs, audit rows, support bundles):
 * values under secret-named keys are replaced, and secret-shaped strings are masked wherever
 * they appear, so a token pasted into the wrong field still never reaches a log.
 */
export const REDACTED = "[REDACTED]";

const SECRET_KEY =
  /(pass(word)?|secret|token|authorization|cookie|credential|private[_-]?key|api[_-]?key|pat|session|verifier|^code$|hash)/i;

const SECRET_VALUE_PATTERNS: RegExp[] = [
  /\b(gh[pousr]_[A-Za-z0-9]{16,})\b/g, // GitHub classic, OAuth, user-to-server, server, refresh
  /\bgithub_pat_[A-Za-z0-9_]{20,}\b/g, // GitHub fine-grained
  /\bglpat-[A-Za-z0-9_-]{16,}\b/g, // GitLab PAT
  /\bgl(oas|rt|ft|dt|ptt|cbt|soat)-[A-Za-z0-9_-]{16,}\b/g, // other GitLab token kinds
  /\bATBB[A-Za-z0-9_-]{16,}\b/g, // Bitbucket app password
  /\bATATT[A-Za-z0-9_=-]{16,}\b/g, // Atlassian API token
  /\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\b/g, // JWT
  /\b(Bearer|Basic|token)\s+[A-Za-z0-9._~+/=-]{8,}/gi, // Authorization header values
  /(\/\/)[^/\s:@]+:[^/\s@]+@/g, // credentials in URLs
  /\$argon2(id|i|d)\$[^\s"]+/g, // password hashes
];

/** Masks secret-shaped substrings in a string. */
export function redactString(value: string): string {
  let out = value;
  for (const re of SECRET_VALUE_PATTERNS) {
    out = out.replace(re, (m, ...groups) => (typeof groups[0] === "string" && groups[0] === "//" ? `//${REDACTED}@` : REDACTED));
  }
  return out;
}

/** Deep copy of `value` with secret keys replaced and secret-shaped strings masked. */
export function redact<T>(value: T, depth = 0): T {
  if (depth > 8) return REDACTED as T;
  if (typeof value === "string") return redactString(value) as T;
  if (value === null || typeof value !== "object") return value;
  if (value instanceof Date) return value;
  if (value instanceof Error) {
    return { name: value.name, message: redactString(value.message) } as T;
  }
  if (Array.isArray(value)) return value.map((v) => redact(v, depth + 1)) as T;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    out[k] = SECRET_KEY.test(k) && v !== null && v !== undefined && typeof v !== "boolean" ? REDACTED : redact(v, depth + 1);
  }
  return out as T;
}
