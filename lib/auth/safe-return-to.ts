/**
 * Accepts only a relative path of this app as a post-sign-in destination ("/settings/x?y"),
 * never another origin ("//evil.example", "https://...", "/\\evil"), falling back to `fallback`.
 */
export function safeReturnTo(value: unknown, fallback = "/settings"): string {
  if (typeof value !== "string" || value.length > 512) return fallback;
  if (!value.startsWith("/") || value.startsWith("//") || value.startsWith("/\\")) return fallback;
  if (/[\u0000-\u001f\\]/.test(value)) return fallback;
  try {
    const url = new URL(value, "http://app.invalid");
    if (url.origin !== "http://app.invalid") return fallback;
    return url.pathname + url.search + url.hash;
  } catch {
    return fallback;
  }
}
