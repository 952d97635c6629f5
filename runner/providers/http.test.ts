import { describe, expect, it } from "vitest";
import { assertTokenShape, commonFailure, isRateLimited, retryAfterSeconds, type HttpAnswer } from "./http";
import { ProviderError, safeIdentifier } from "./provider-error";

function answer(status: number, headers: Record<string, string> = {}, body: unknown = {}): HttpAnswer {
  return { status, headers: new Headers(headers), contentType: "application/json", body };
}

describe("rate limits", () => {
  const now = Date.parse("2026-01-01T00:00:00Z");

  it("reads Retry-After as seconds or a date, else the reset time", () => {
    expect(retryAfterSeconds(new Headers({ "retry-after": "42" }), now)).toBe(42);
    expect(retryAfterSeconds(new Headers({ "retry-after": "Thu, 01 Jan 2026 00:01:00 GMT" }), now)).toBe(60);
    expect(retryAfterSeconds(new Headers({ "x-ratelimit-reset": String(now / 1000 + 90) }), now)).toBe(90);
    expect(retryAfterSeconds(new Headers({ "ratelimit-reset": "15" }), now)).toBe(15);
    expect(retryAfterSeconds(new Headers(), now)).toBeUndefined();
  });

  it("treats 429, and 403 with an exhausted quota or a Retry-After, as rate limits; a plain 403 is not", () => {
    expect(isRateLimited(answer(429))).toBe(true);
    expect(isRateLimited(answer(403, { "x-ratelimit-remaining": "0" }))).toBe(true);
    expect(isRateLimited(answer(403, { "retry-after": "60" }))).toBe(true);
    expect(isRateLimited(answer(403, { "x-ratelimit-remaining": "4999" }))).toBe(false);
    expect(isRateLimited(answer(401))).toBe(false);
  });

  it("maps rate limits and server errors to retryable errors with the wait in detail", () => {
    expect(commonFailure(answer(429, { "retry-after": "9" }), "h")).toMatchObject({ code: "rate_limited", retryable: true, detail: { status: 429, retryAfterSeconds: 9 } });
    expect(commonFailure(answer(503), "h")).toMatchObject({ code: "provider_error", retryable: true, detail: { status: 503 } });
    expect(commonFailure(answer(404), "h")).toBeNull();
  });
});

describe("what may be stored about a failure", () => {
  it("keeps a refused address's class for Diagnostics (it was dropped when the error was built)", () => {
    const refused = new ProviderError("host_address_refused", "refused", { detail: { providerError: "link_local", addressClass: "link-local" } });
    expect(refused.detail).toEqual({ status: null, providerError: "link_local", addressClass: "link-local" });
  });

  it("keeps error identifiers, drops token-shaped or echoed text", () => {
    expect(safeIdentifier("invalid_grant AADSTS70008")).toBe("invalid_grant AADSTS70008");
    expect(safeIdentifier("Bad credentials")).toBe("Bad credentials");
    expect(safeIdentifier(`ghp_${"a".repeat(36)}`)).toBeNull();
    expect(safeIdentifier("token is hunter22", ["hunter22"])).toBeNull();
    expect(safeIdentifier("<html>")).toBeNull();
    expect(safeIdentifier(42)).toBeNull();
  });

  it("refuses strings that cannot be tokens before they reach a header", () => {
    for (const bad of ["", "   ", "ghp_abc def", "tok\r\nX-Injected: 1", "tökén"]) {
      expect(() => assertTokenShape(bad), JSON.stringify(bad)).toThrow(ProviderError);
    }
    expect(() => assertTokenShape("glpat-abc_DEF-123")).not.toThrow();
  });
});
