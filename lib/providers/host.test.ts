import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { checkHost } from "./host";

const strict = { allowLoopback: false };
const dev = { allowLoopback: true };

describe("checkHost", () => {
  it.each([
    ["github.com", "github.com", "https://github.com"],
    ["GitHub.Example.COM", "github.example.com", "https://github.example.com"],
    ["https://gitlab.example.com/", "gitlab.example.com", "https://gitlab.example.com"],
    ["gitlab.example.com:8443", "gitlab.example.com:8443", "https://gitlab.example.com:8443"],
    ["github.com.", "github.com", "https://github.com"],
    ["10.1.2.3", "10.1.2.3", "https://10.1.2.3"],
    ["bücher.example", "xn--bcher-kva.example", "https://xn--bcher-kva.example"],
  ])("accepts %s", (input, host, baseUrl) => {
    expect(checkHost(input, strict)).toEqual({ ok: true, host, baseUrl, loopback: false });
  });

  it.each([
    "",
    "http://github.com",
    "ftp://github.com",
    "user:pass@github.com",
    "https://token@github.com",
    "github.com/org",
    "https://github.com/api/v3",
    "github.com?x=1",
    "github.com#frag",
    "169.254.169.254",
    "https://169.254.169.254",
    "metadata.google.internal",
    "0.0.0.0",
    "[fe80::1]",
    "[::]",
    "100.100.100.200",
    "intranet",
    "-bad-.example.com",
    "github .com",
    "a\\b.com",
  ])("refuses %j", (input) => {
    expect(checkHost(input, strict).ok).toBe(false);
  });

  it("refuses loopback in any spelling unless allowed", () => {
    for (const input of ["localhost", "127.0.0.1", "http://127.0.0.1:4000", "0x7f.1", "2130706433", "[::1]", "api.localhost", "[::ffff:127.0.0.1]"]) {
      expect(checkHost(input, strict).ok, input).toBe(false);
    }
  });

  it("accepts loopback over plain HTTP when allowed (the provider sandbox)", () => {
    expect(checkHost("http://127.0.0.1:4100", dev)).toEqual({ ok: true, host: "127.0.0.1:4100", baseUrl: "http://127.0.0.1:4100", loopback: true });
  });

  it("never accepts a result with credentials, a path or a non-https public host", () => {
    fc.assert(
      fc.property(fc.webUrl({ withQueryParameters: true, withFragments: true }), fc.string(), (url, junk) => {
        for (const candidate of [url, `${url}${junk}`, junk]) {
          const result = checkHost(candidate, strict);
          if (result.ok) {
            expect(result.baseUrl).toMatch(/^https:\/\/[a-z0-9.:[\]-]+$/);
            expect(result.host).not.toMatch(/[@/?#\s]/);
          }
        }
      }),
      { numRuns: 500 },
    );
  });
});
