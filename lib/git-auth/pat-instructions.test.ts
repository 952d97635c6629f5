import { describe, expect, it } from "vitest";
import { getProvider } from "../providers";
import { customPatScopes, patInstructions } from "./pat-instructions";

describe("patInstructions", () => {
  it("derives the label, the creation link and each scope's reason from the registry", () => {
    const github = getProvider("github");
    const pat = patInstructions({ provider: "github", location: { host: "github.com", baseUrl: "https://github.com" } });
    expect(pat.label).toBe(github.patLabel);
    expect(pat.scopes).toEqual(github.patScopes);
    expect(pat.creationUrl).toBe(github.patCreationUrl(github.endpoints({ host: "github.com", baseUrl: "https://github.com" }), github.patScopes.map((s) => s.scope)));
    expect(pat.needsUsername).toBe(false);
    expect(patInstructions({ provider: "bitbucket", location: { host: "bitbucket.org", baseUrl: "https://bitbucket.org" } }).needsUsername).toBe(true);
  });

  it("uses the configured scopes, with a generic reason for one the provider does not describe", () => {
    const pat = patInstructions({ provider: "github", location: { host: "github.com", baseUrl: "https://github.com" }, patScopes: ["repo", "workflow"] });
    expect(pat.scopes.map((s) => s.scope)).toEqual(["repo", "workflow"]);
    expect(pat.scopes[1]!.reason).toBe("Required by your organization's configuration.");
    expect(pat.creationUrl).toContain("scopes=repo%2Cworkflow");
  });
});

describe("customPatScopes", () => {
  it("is null for none or the provider's defaults, else the configured scopes", () => {
    expect(customPatScopes("github", [])).toBeNull();
    expect(customPatScopes("github", getProvider("github").patScopes.map((s) => s.scope))).toBeNull();
    expect(customPatScopes("github", ["repo"])).toEqual(["repo"]);
  });
});
