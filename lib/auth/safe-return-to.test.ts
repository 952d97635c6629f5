import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { safeReturnTo } from "./safe-return-to";

const BASE = "http://app.invalid";

/** What a browser does with the result as a Location header on this app's origin. */
const landsOnApp = (out: string) => out.startsWith("/") && !out.startsWith("//") && !out.includes("\\") && new URL(out, BASE).origin === BASE;

describe("safeReturnTo", () => {
  it("keeps relative paths of this app", () => {
    expect(safeReturnTo("/settings/members?q=ada#top")).toBe("/settings/members?q=ada#top");
    expect(safeReturnTo("/api/scm/oauth/callback/abc?state=s&code=c")).toBe("/api/scm/oauth/callback/abc?state=s&code=c");
    expect(safeReturnTo("/settings/../environments")).toBe("/environments");
  });

  it.each(["//evil.example", "https://evil.example/", "/\\evil.example", "javascript:alert(1)", "settings", "/\t/evil.example", "", null, 42])(
    "falls back for %s",
    (value) => {
      expect(safeReturnTo(value)).toBe("/settings");
    },
  );

  // Regression: the raw string was checked, then the normalised pathname returned, so dot segments
  // turned into "//evil.example" after the check (sign-in and the OAuth callback both redirected off-site).
  it.each([
    "/.//evil.example/phish",
    decodeURIComponent("%2F.%2F%2Fevil.example%2Fphish"),
    "/%2e//evil.example",
    "/%2E//evil.example",
    "/.%2e//evil.example",
    "/x/..//evil.example",
    "/.//x//evil.example/path",
    "/a/b/../..//evil.example",
    "/%2e%2e//evil.example",
  ])("falls back for the dot-segment bypass %s", (value) => {
    const out = safeReturnTo(value);
    expect(out).toBe("/settings");
  });

  const segment = fc.constantFrom("", ".", "..", "%2e", "%2E", ".%2e", "%2e.", "%2e%2e", "evil.example", "x", "%2f", "%2F", "%5c", "\\", "@", ":", "%00", "%09", "\t", "\n");
  const scheme = fc.constantFrom("", "http:", "https:", "javascript:", "data:", "HTTP:", "//", "/\\", "\\\\", "\\/");
  const crafted = fc
    .tuple(scheme, fc.array(segment, { maxLength: 8 }), fc.constantFrom("", "?next=//evil.example", "#//evil.example"))
    .map(([s, segs, tail]) => `${s}/${segs.join("/")}${tail}`);
  const encodedOnce = crafted.map((s) => encodeURIComponent(s));

  it("never returns anything that leaves the app's origin, for any string", () => {
    fc.assert(fc.property(fc.string(), (s) => landsOnApp(safeReturnTo(s))));
  });

  it("never returns anything that leaves the app's origin, for dot segments, encodings, backslashes and schemes", () => {
    fc.assert(
      fc.property(fc.oneof(crafted, encodedOnce, crafted.map(decodeURIComponentSafe)), (s) => {
        const out = safeReturnTo(s);
        return landsOnApp(out) && safeReturnTo(out) === out;
      }),
      { numRuns: 5000 },
    );
  });
});

function decodeURIComponentSafe(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
