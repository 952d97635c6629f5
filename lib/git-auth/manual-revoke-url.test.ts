import { describe, expect, it } from "vitest";
import { getProvider } from "../providers";
import { manualRevokeUrl, revokesAtProvider } from "./manual-revoke-url";

const at = (id: Parameters<typeof getProvider>[0], host: string) => {
  const provider = getProvider(id);
  return { provider, endpoints: provider.endpoints({ host, baseUrl: `https://${host}` }) };
};

describe("manualRevokeUrl", () => {
  it("sends GitHub PAT owners to their token list, not to the new-token form (regression: the disconnect notice linked to /settings/tokens/new)", () => {
    const { provider, endpoints } = at("github", "github.com");
    expect(manualRevokeUrl(provider, endpoints, "pat")).toBe("https://github.com/settings/tokens");
  });

  it("drops the prefilled query of GitLab's token page and uses the web UI for OAuth grants", () => {
    const { provider, endpoints } = at("gitlab", "gitlab.example.com");
    expect(manualRevokeUrl(provider, endpoints, "pat")).toBe("https://gitlab.example.com/-/user_settings/personal_access_tokens");
    expect(manualRevokeUrl(provider, endpoints, "oauth")).toBe("https://gitlab.example.com");
  });
});

describe("revokesAtProvider", () => {
  const withSecret = { oauthEnabled: true, hasClientSecret: true };
  it("is true only for OAuth tokens of providers with a revocation API and a client secret", () => {
    expect(revokesAtProvider(getProvider("github"), withSecret, "oauth")).toBe(true);
    expect(revokesAtProvider(getProvider("github"), withSecret, "pat")).toBe(false);
    expect(revokesAtProvider(getProvider("bitbucket"), withSecret, "oauth")).toBe(false);
    expect(revokesAtProvider(getProvider("gitlab"), { oauthEnabled: false, hasClientSecret: true }, "oauth")).toBe(false);
    expect(revokesAtProvider(getProvider("gitlab"), { oauthEnabled: true, hasClientSecret: false }, "oauth")).toBe(false);
  });
});
