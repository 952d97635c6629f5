import { describe, expect, it } from "vitest";
import { repoUrlExample } from "./repo-url-example";

describe("repoUrlExample", () => {
  // Regression: the repository field suggested github.com to people offered GitLab only.
  it("uses a host the person is offered, in its provider's path shape", () => {
    expect(repoUrlExample([{ baseUrl: "https://gitlab.example.com", provider: "gitlab" }])).toBe("https://gitlab.example.com/group/project");
    expect(repoUrlExample([{ baseUrl: "https://dev.azure.com/", provider: "azure_devops" }, { baseUrl: "https://github.com", provider: "github" }])).toBe("https://dev.azure.com/organization/project/_git/repository");
    expect(repoUrlExample([{ baseUrl: "http://127.0.0.1:4010", provider: "bitbucket" }])).toBe("http://127.0.0.1:4010/workspace/repository");
  });

  it("names no real host when none is offered", () => {
    expect(repoUrlExample([])).toBe("https://git.example.com/owner/repository");
  });
});
