import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { checkHost } from "../providers/host";
import { baseUrlForPreview, hostForSealing } from "./seal-host";

// The browser seals the client secret for the host it computes; the server stores the host
// `checkHost` computes. They must agree, or the runner would refuse every secret for that host.
describe("hostForSealing", () => {
  it("names the provider's SaaS host for cloud deployments", () => {
    expect(hostForSealing("github", "cloud", "ignored")).toBe("github.com");
    expect(hostForSealing("azure_devops", "cloud", "")).toBe("dev.azure.com");
  });

  it("normalizes like the server for hosts people type", () => {
    for (const raw of ["GitHub.Example.com", "github.example.com.", "https://git.example.com:443", "https://git.example.com:8443/", "http://127.0.0.1:4101", "git.example.com:22", "[::1]:8080"]) {
      const checked = checkHost(raw, { allowLoopback: true });
      expect(checked.ok, raw).toBe(true);
      if (checked.ok) {
        expect(hostForSealing("github", "self_hosted", raw), raw).toBe(checked.host);
        expect(baseUrlForPreview("github", "self_hosted", raw), raw).toBe(checked.baseUrl);
      }
    }
  });

  it("agrees with checkHost on every host checkHost accepts", () => {
    const label = fc.stringMatching(/^[a-z0-9]([a-z0-9-]{0,8}[a-z0-9])?$/);
    const host = fc.tuple(fc.array(label, { minLength: 2, maxLength: 4 }), fc.option(fc.integer({ min: 1, max: 65535 })), fc.boolean(), fc.boolean());
    fc.assert(
      fc.property(host, ([labels, port, upper, scheme]) => {
        let raw = labels.join(".") + (port === null ? "" : `:${port}`);
        if (upper) raw = raw.toUpperCase();
        if (scheme) raw = `https://${raw}`;
        const checked = checkHost(raw, { allowLoopback: true });
        if (!checked.ok) return;
        expect(hostForSealing("gitlab", "self_hosted", raw)).toBe(checked.host);
      }),
    );
  });
});
