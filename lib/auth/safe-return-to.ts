const BASE = "http://app.invalid";

/**
 * Accepts only a relative path of this app as a post-sign-in destination ("/settings/x?y"),
 * never another origin ("//evil.example", "https://...", "/\\evil"), falling back to `fallback`.
 *
 * The check applies to the normalised result, not only to the raw string: URL parsing resolves
 * dot segments (also percent-encoded ones), so "/.//evil.example" or "/%2e//evil.example" become
 * "//evil.example", which a browser reads as another host.
 */
export function safeReturnTo(value: unknown, fallback = "/settings"): string {
  if (typeof value !== "string" || value.length > 512) return fallback;
  if (!isAppPath(value)) return fallback;
  try {
    const url = new URL(value, BASE);
    if (url.origin !== BASE) return fallback;
    const out = url.pathname + url.search + url.hash;
    // The result must itself be an app path that parses back to the same place.
    if (!isAppPath(out)) return fallback;
    const again = new URL(out, BASE);
    if (again.origin !== BASE || again.pathname + again.search + again.hash !== out) return fallback;
    return out;
  } catch {
    return fallback;
  }
}

/** A path starting with exactly one "/", with no backslash and no control character anywhere. */
function isAppPath(value: string): boolean {
  if (!value.startsWith("/") || value.startsWith("//")) return false;
  return !/[\u0000-\u001f\u007f\\]/.test(value);
}
