import { describe, expect, it } from "vitest";
import { ssoEmailVerified } from "./sso-email-verified";

// Regression: `email_verified !== false` counted a profile without the claim as verified.
describe("ssoEmailVerified", () => {
  it.each([
    [{ email_verified: true }, true],
    [{ email_verified: "true" }, true],
    [{ email_verified: false }, false],
    [{ email_verified: "false" }, false],
    [{}, false],
    [{ email_verified: null }, false],
    [{ email_verified: 1 }, false],
    [null, false],
    [undefined, false],
  ])("%j counts as verified: %s", (profile, verified) => {
    expect(ssoEmailVerified(profile, false)).toBe(verified);
  });

  it("trusts a missing claim only when told to, and never an explicit false", () => {
    expect(ssoEmailVerified({}, true)).toBe(true);
    expect(ssoEmailVerified({ email_verified: false }, true)).toBe(false);
    expect(ssoEmailVerified({ email_verified: "false" }, true)).toBe(false);
  });
});
