import { describe, expect, it } from "vitest";
import { MAX_TOKEN_LENGTH, tokenShapeProblem } from "./token-shape";

describe("tokenShapeProblem", () => {
  it("accepts tokens of every provider's shape", () => {
    expect(tokenShapeProblem("ghp_" + "a".repeat(36))).toBeNull();
    expect(tokenShapeProblem("glpat-abc_DEF-123")).toBeNull();
    expect(tokenShapeProblem("x".repeat(MAX_TOKEN_LENGTH))).toBeNull();
  });

  // Regression: a 10,000-character paste was refused as "contains spaces or characters no token has".
  it("says a token is too long, with its length, before looking at its characters", () => {
    expect(tokenShapeProblem("a".repeat(10_000))).toBe("This is 10,000 characters long; no provider issues tokens over 4,096 characters. Copy the token alone, not the text around it.");
    expect(tokenShapeProblem("a b".repeat(5_000))).toMatch(/^This is 15,000 characters long/);
  });

  it("says when a token contains spaces or line breaks", () => {
    expect(tokenShapeProblem("ghp_abc def")).toBe("The token contains spaces or line breaks. Copy the token alone, without them.");
    expect(tokenShapeProblem("ghp_abc\ndef")).toBe("The token contains spaces or line breaks. Copy the token alone, without them.");
  });

  it("names another character no token has, and where it is", () => {
    expect(tokenShapeProblem("ghp_abcé")).toBe("The token contains “é” (U+00E9) at position 8, which no token has. Copy the token again from the provider.");
    expect(tokenShapeProblem("ab\u0007c")).toContain("the control character U+0007 at position 3");
  });

  it("asks for a token when there is none", () => {
    expect(tokenShapeProblem("")).toBe("Paste the token you created.");
  });
});
