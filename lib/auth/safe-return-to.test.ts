import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { safeReturnTo } from "./safe-return-to";

describe("safeReturnTo", () => {
  it("keeps relative paths of this app", () => {
    expect(safeReturnTo("/settings/members?q=ada#top")).toBe("/settings/members?q=ada#top");
  });

  it.each(["//evil.example", "https://evil.example/", "/\\evil.example", "javascript:alert(1)", "settings", "/\t/evil.example", "", null, 42])(
    "falls back for %s",
    (value) => {
      expect(safeReturnTo(value)).toBe("/settings");
    },
  );

  it("never returns anything that leaves the app's origin", () => {
    fc.assert(
      fc.property(fc.string(), (s) => {
        const out = safeReturnTo(s);
        return out.startsWith("/") && !out.startsWith("//") && new URL(out, "http://app.invalid").origin === "http://app.invalid";
      }),
    );
  });
});
