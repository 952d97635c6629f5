import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { classifyAddress, refusedAddress } from "./address";
import { checkHost, LOOPBACK_REFUSED, PRIVATE_REFUSED } from "./host";

const strict = { allowLoopback: false };
const dev = { allowLoopback: true };

describe("checkHost", () => {
  it.each([
    ["github.com", "github.com", "https://github.com"],
    ["GitHub.Example.COM", "github.example.com", "https://github.example.com"],
    ["https://gitlab.example.com/", "gitlab.example.com", "https://gitlab.example.com"],
    ["gitlab.example.com:8443", "gitlab.example.com:8443", "https://gitlab.example.com:8443"],
    ["github.com.", "github.com", "https://github.com"],
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

  it("refuses private network addresses unless the integration allows them, on the field that allows them", () => {
    for (const input of ["10.1.2.3", "172.16.0.1", "192.168.1.10:8443", "100.64.0.1", "[fd12::1]", "[::ffff:10.0.0.1]"]) {
      expect(checkHost(input, strict), input).toEqual({ ok: false, reason: PRIVATE_REFUSED, field: "allowPrivateHosts" });
      expect(checkHost(input, { ...strict, allowPrivate: true }).ok, input).toBe(true);
    }
  });

  it("keeps refusing metadata and link-local addresses when private networks are allowed", () => {
    for (const input of ["169.254.169.254", "[fe80::1]", "100.100.100.200", "[fd00:ec2::254]", "[::ffff:169.254.169.254]", "[64:ff9b::a9fe:a9fe]", "0.0.0.0"]) {
      expect(checkHost(input, { allowLoopback: true, allowPrivate: true }).ok, input).toBe(false);
    }
  });

  it("says what would allow a refused loopback host", () => {
    expect(checkHost("localhost", strict)).toEqual({ ok: false, reason: LOOPBACK_REFUSED });
    expect(checkHost("127.0.0.1:8443", strict)).toEqual({ ok: false, reason: LOOPBACK_REFUSED });
  });
});

describe("classifyAddress", () => {
  it.each([
    ["8.8.8.8", "public"],
    ["140.82.112.3", "public"],
    ["2606:4700::1111", "public"],
    ["127.0.0.1", "loopback"],
    ["127.255.0.9", "loopback"],
    ["::1", "loopback"],
    ["::ffff:127.0.0.1", "loopback"],
    ["::ffff:7f00:1", "loopback"],
    ["169.254.169.254", "link-local"],
    ["fe80::1%eth0", "link-local"],
    ["fd00:ec2::254", "metadata"],
    ["100.100.100.200", "metadata"],
    ["64:ff9b::169.254.169.254", "link-local"],
    ["2002:a9fe:a9fe::1", "link-local"],
    ["::169.254.169.254", "link-local"],
    ["10.0.0.1", "private"],
    ["172.31.255.255", "private"],
    ["172.32.0.1", "public"],
    ["192.168.0.1", "private"],
    ["100.64.0.1", "private"],
    ["fd12:3456::1", "private"],
    ["0.0.0.0", "unspecified"],
    ["::", "unspecified"],
    ["224.0.0.1", "multicast"],
    ["ff02::1", "multicast"],
    ["240.0.0.1", "reserved"],
    ["not-an-ip", "reserved"],
  ])("%s is %s", (ip, kind) => {
    expect(classifyAddress(ip)).toBe(kind);
  });

  it("refuses by policy: loopback for the sandbox, private per integration, the rest never", () => {
    expect(refusedAddress("127.0.0.1", { allowLoopback: false, allowPrivate: true })).toBe("loopback");
    expect(refusedAddress("127.0.0.1", { allowLoopback: true, allowPrivate: false })).toBeNull();
    expect(refusedAddress("10.2.3.4", { allowLoopback: true, allowPrivate: false })).toBe("private");
    expect(refusedAddress("10.2.3.4", { allowLoopback: false, allowPrivate: true })).toBeNull();
    expect(refusedAddress("169.254.169.254", { allowLoopback: true, allowPrivate: true })).toBe("link-local");
    expect(refusedAddress("8.8.4.4", { allowLoopback: false, allowPrivate: false })).toBeNull();
  });
});
