/**
 * Redaction for anything that leaves the process (logs, audit rows, support bundles):
 * values under secret-named keys are replaced, and secret-shaped strings are masked wherever
 * they appear, so a token pasted into the wrong field still never reaches a log.
 *
 * Which keys are secret. A key is cut into lower-cased segments at `_`, `-`, `.`, spaces and
 * camelCase boundaries (`accessToken`, `access_token`, `ACCESS-TOKEN` → `access`, `token`; digits
 * are dropped). It names a secret when
 *   - one of its segments is a secret word (`password`, `passwd`, `pass`, `pwd`, `passphrase`,
 *     `secret`, `token`, `authorization`, `cookie`, `credential`, `verifier`, `session`, `hash`,
 *     `sealed`, `pat`, their plurals), or it holds a secret phrase (`private key`, `api key`,
 *     `access key`, `secret key`, `signing key`, `auth code`, `authorization code`, `oauth code`,
 *     `device code`, `recovery code`), or it is exactly `code` (an OAuth authorization code);
 *   - and its last segment is not a fact *about* the secret: `id`, `count`, `scopes`, `kind`,
 *     `source`, `expires`/`at`, `enabled`, `stored`, … (see METADATA). A session's id is itself a
 *     bearer value, so `sessionId` stays secret.
 * Whole segments only: `path`, `passed`, `bypass`, `compatible`, `dispatch` name no secret, and
 * `tokenId`, `tokenCount`, `patScopes`, `tokenExpiresAt`, `secretStored` are facts about one.
 *
 * What is replaced. Under a secret key, strings and arrays are replaced; booleans, numbers and null
 * are kept (`pat: 3` counts tokens, `secretStored: true` says one exists; no secret of this product
 * is a number); an object is kept only for its metadata keys (`pat: { enabled, scopes }`).
 */
export const REDACTED = "[REDACTED]";

const SECRET_WORDS = new Set([
  "password", "passwords", "passwd", "pass", "pwd", "passphrase",
  "secret", "secrets", "token", "tokens", "authorization", "cookie", "cookies",
  "credential", "credentials", "verifier", "session", "sessions", "hash", "sealed", "pat", "pats",
]);
/** Two-segment phrases that name a secret though neither word does alone. */
const SECRET_PHRASES = [
  ["private", "key"], ["api", "key"], ["access", "key"], ["secret", "key"], ["signing", "key"],
  ["auth", "code"], ["authorization", "code"], ["oauth", "code"], ["device", "code"], ["recovery", "code"],
];
/** Last segments that describe a secret rather than hold it. */
const METADATA = new Set([
  "id", "ids", "count", "counts", "scope", "scopes", "kind", "type", "source", "sources", "name", "names",
  "expires", "expiry", "expiration", "at", "length", "hint", "url", "uri", "enabled", "disabled",
  "stored", "present", "required", "set", "replaced", "revoked", "expired", "refreshable", "valid",
  "invalid", "status", "error", "reason", "generation", "version", "fingerprint", "method", "methods",
  "ttl", "age", "login", "label", "algorithm", "rotated", "used",
]);
/** Secret words whose `id` is the bearer value itself. */
const BEARER_IDS = new Set(["session", "sessions"]);

/** The lower-cased segments of a key: `x-GitHub_accessToken2` → `x`, `git`, `hub`, `access`, `token`. */
export function keySegments(key: string): string[] {
  return (key.match(/[A-Z]+(?![a-z])|[A-Z]?[a-z]+/g) ?? []).map((s) => s.toLowerCase());
}

function namesSecret(segments: string[]): boolean {
  if (segments.length === 1 && segments[0] === "code") return true;
  for (let i = 0; i < segments.length; i++) {
    if (SECRET_WORDS.has(segments[i]!)) return true;
    if (SECRET_PHRASES.some(([a, b]) => segments[i] === a && segments[i + 1] === b)) return true;
  }
  return false;
}

function isMetadata(segments: string[]): boolean {
  const last = segments.at(-1);
  if (last === undefined || !METADATA.has(last)) return false;
  const before = segments.at(-2);
  return !((last === "id" || last === "ids") && before !== undefined && BEARER_IDS.has(before));
}

/** Whether a value under `key` is a secret to replace (see the rule above). */
export function isSecretKey(key: string): boolean {
  const segments = keySegments(key);
  return namesSecret(segments) && !isMetadata(segments);
}

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

/** A value under the secret key cut into `parent`: only what its own metadata keys hold survives. */
function redactSecret(value: unknown, parent: string[], depth: number): unknown {
  if (depth > 8) return REDACTED;
  if (value === null || value === undefined || typeof value === "boolean" || typeof value === "number") return value;
  if (typeof value !== "object" || Array.isArray(value) || value instanceof Date || value instanceof Error) return REDACTED;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    const segments = [...parent, ...keySegments(k)];
    out[k] = isMetadata(segments) ? redact(v, depth + 1) : redactSecret(v, segments, depth + 1);
  }
  return out;
}

/** Deep copy of `value` with values under secret keys replaced and secret-shaped strings masked. */
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
    out[k] = isSecretKey(k) ? redactSecret(v, keySegments(k), depth + 1) : redact(v, depth + 1);
  }
  return out as T;
}
