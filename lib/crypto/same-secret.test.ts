import { describe, expect, it } from "vitest";
import { sameSecret } from "./same-secret";

describe("sameSecret", () => {
  it("is true for the same secret only, whatever the lengths", () => {
    expect(sameSecret("s3cret-value", "s3cret-value")).toBe(true);
    expect(sameSecret("s3cret-value", "s3cret-valuf")).toBe(false);
    expect(sameSecret("s3cret-value", "s3cret")).toBe(false);
    expect(sameSecret("s3cret-value", "")).toBe(false);
    expect(sameSecret("é", "é")).toBe(true);
  });
});
