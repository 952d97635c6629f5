import { describe, expect, it } from "vitest";
import { describeNetworkError } from "./net-error";
import { normalizePlaneUrl } from "./plane-client";
import { reconnectDelayMs } from "./worker";

const fetchFailed = (code: string) => Object.assign(new TypeError("fetch failed"), { cause: Object.assign(new Error(`connect ${code} 10.0.0.1:443`), { code }) });

describe("describeNetworkError", () => {
  it.each([
    ["ENOTFOUND", /does not resolve/],
    ["ECONNREFUSED", /refused/],
    ["UND_ERR_SOCKET", /closed before an answer/],
    ["UND_ERR_CONNECT_TIMEOUT", /timed out/],
    ["DEPTH_ZERO_SELF_SIGNED_CERT", /TLS connection failed \(DEPTH_ZERO_SELF_SIGNED_CERT\)/],
    ["ERR_TLS_CERT_ALTNAME_INVALID", /TLS/],
    ["EWHATEVER", /connection failed \(EWHATEVER\)/],
  ])("explains %s without echoing the raw error", (code, message) => {
    const described = describeNetworkError(fetchFailed(code));
    expect(described.code).toBe(code);
    expect(described.message).toMatch(message);
    expect(described.message).not.toContain("10.0.0.1");
  });

  it("names the per-request timeout", () => {
    expect(describeNetworkError(new DOMException("t", "TimeoutError"), 10_000)).toEqual({ code: "TIMEOUT", message: "The host did not answer within 10 s." });
  });
});

describe("normalizePlaneUrl", () => {
  it.each([
    ["https://plane.example.com", "https://plane.example.com"],
    ["https://plane.example.com/", "https://plane.example.com"],
    ["https://plane.example.com/api/runner/v1/", "https://plane.example.com"],
    ["http://localhost:3000/prefix/api/runner/v1", "http://localhost:3000/prefix"],
  ])("%s → %s", (input, expected) => {
    expect(normalizePlaneUrl(input)).toBe(expected);
  });

  it("refuses other schemes and credentials", () => {
    expect(() => normalizePlaneUrl("ftp://plane.example.com")).toThrow(/http/);
    expect(() => normalizePlaneUrl("https://user:pw@plane.example.com")).toThrow(/credentials/);
  });
});

describe("reconnectDelayMs", () => {
  it("backs off from about half a second to at most 30 s", () => {
    expect(reconnectDelayMs(1)).toBeGreaterThanOrEqual(400);
    expect(reconnectDelayMs(1)).toBeLessThanOrEqual(600);
    expect(reconnectDelayMs(4)).toBeGreaterThanOrEqual(3_200);
    for (let i = 1; i < 40; i++) expect(reconnectDelayMs(i)).toBeLessThanOrEqual(36_000);
  });
});
