import { describe, expect, it } from "vitest";
import { classifyGitFailure, formatStage, latestCloneStage } from "./clone-progress";

describe("latestCloneStage", () => {
  it("reads the latest phase and percentage of git's carriage-return progress, server phases included", () => {
    expect(latestCloneStage("remote: Enumerating objects: 2003, done.\nremote: Counting objects:  45% (902/2003)\r")).toEqual({ stage: "counting_objects", percent: 45 });
    expect(latestCloneStage("Receiving objects:  10% (200/2003)\rReceiving objects:  57% (1142/2003), 1.2 MiB | 2 MiB/s\r")).toEqual({ stage: "receiving_objects", percent: 57 });
    expect(latestCloneStage("Receiving objects: 100% (2003/2003), done.\nResolving deltas:   0% (0/3)\r")).toEqual({ stage: "resolving_deltas", percent: 0 });
    expect(latestCloneStage("Updating files:  80% (1600/2000)\r")).toEqual({ stage: "checking_out", percent: 80 });
    expect(latestCloneStage("Cloning into '/tmp/x'...\n")).toBeNull();
  });

  it("formats stages the way the environments page reads them", () => {
    expect(formatStage({ stage: "receiving_objects", percent: 45 })).toBe("receiving_objects: 45%");
    expect(formatStage({ stage: "cloning", percent: null })).toBe("cloning");
  });
});

describe("classifyGitFailure", () => {
  it("names what went wrong in catalogue terms, retryable only when trying again can help", () => {
    expect(classifyGitFailure("remote: Repository not found.\nfatal: repository 'http://h/a/b/' not found\n")).toMatchObject({ code: "repository_not_found", retryable: false });
    expect(classifyGitFailure("warning: Could not find remote branch dev to clone.\nfatal: Remote branch dev not found in upstream origin\n")).toMatchObject({
      code: "repository_not_found",
      message: "The repository has no branch dev.",
    });
    expect(classifyGitFailure("fatal: Authentication failed for 'http://h/a/b/'\n")).toMatchObject({ code: "credential_needs_reauth", retryable: false });
    expect(classifyGitFailure("scm runner: cannot get this environment's credentials: the runner is not running.\nfatal: credential helper '!f' told us to quit\n")).toMatchObject({ code: "credential_needs_reauth" });
    expect(classifyGitFailure("fatal: unable to access 'http://h/a/b/': The requested URL returned error: 403\n")).toMatchObject({ code: "repository_permission_denied" });
    expect(classifyGitFailure("fatal: unable to access 'http://h/a/b/': Failed to connect to h port 443: Connection refused\n")).toMatchObject({ code: "host_unreachable", retryable: true });
    expect(classifyGitFailure("fatal: unable to access 'http://h/a/b/': The requested URL returned error: 502\n")).toMatchObject({ code: "provider_error", retryable: true });
    expect(classifyGitFailure("fatal: something new\n")).toMatchObject({ code: "provider_error", retryable: false });
  });
});
