import { describe, expect, it } from "vitest";
import type { BackendContext } from "../../agent-tools/backend";
import { isApiToken, offsetPage, positionOf } from "./api";
import { bitbucketClient } from "./client";
import { checkState, splitDiff } from "./pull-requests";
import { issueItem, pullItem } from "./views";

describe("the Bitbucket backend's readings", () => {
  it("maps build status states to check states", () => {
    expect(["SUCCESSFUL", "FAILED", "INPROGRESS", "STOPPED", "SOMETHING_NEW"].map(checkState)).toEqual(["success", "failure", "pending", "cancelled", "pending"]);
  });

  it("maps pull request and issue states", () => {
    expect(["OPEN", "MERGED", "DECLINED", "SUPERSEDED"].map((state) => pullItem({ id: 1, state }).state)).toEqual(["open", "merged", "closed", "closed"]);
    const states = ["new", "open", "on hold", "submitted", "resolved", "invalid", "duplicate", "wontfix", "closed"];
    expect(states.map((state) => issueItem({ id: 1, state }).state)).toEqual(["open", "open", "open", "open", "closed", "closed", "closed", "closed", "closed"]);
    expect(issueItem({ id: 2, state: "new", component: { name: "backend" }, assignee: { nickname: "ada" }, reporter: { display_name: "Grace" } })).toMatchObject({ labels: ["backend"], assignees: ["ada"], author: "Grace" });
  });

  it("splits a diff per file, each from its first hunk, removed files under their old path", () => {
    const diff = [
      "diff --git a/README.md b/README.md",
      "index 1..2 100644",
      "--- a/README.md",
      "+++ b/README.md",
      "@@ -1 +1 @@",
      "-old",
      "+new",
      "diff --git a/gone.txt b/gone.txt",
      "deleted file mode 100644",
      "--- a/gone.txt",
      "+++ /dev/null",
      "@@ -1 +0,0 @@",
      "-bye",
      "diff --git a/logo.png b/logo.png",
      "Binary files a/logo.png and b/logo.png differ",
      "",
    ].join("\n");
    const patches = splitDiff(diff);
    expect(patches.get("README.md")).toBe("@@ -1 +1 @@\n-old\n+new");
    expect(patches.get("gone.txt")).toBe("@@ -1 +0,0 @@\n-bye");
    expect(patches.has("logo.png")).toBe(false);
  });

  it("keeps the page length in the cursor, and pages read-in-full lists by offset", () => {
    expect(positionOf(undefined, 100)).toEqual({ page: 1, pagelen: 50 });
    expect(positionOf("3:20", 99)).toEqual({ page: 3, pagelen: 20 });
    expect(() => positionOf("nope", 10)).toThrow();
    expect(offsetPage([1, 2, 3, 4, 5], undefined, 2)).toEqual({ items: [1, 2], hasMore: true, nextCursor: "2" });
    expect(offsetPage([1, 2, 3, 4, 5], "4", 2)).toEqual({ items: [5], hasMore: false, nextCursor: null });
    expect(offsetPage([1, 2], "0", 2)).toEqual({ items: [1, 2], hasMore: false, nextCursor: null });
  });

  it("uses a stored API token with the email it was connected with, and has nothing to call with for one connected before it was kept", () => {
    const repo = { host: "bitbucket.org", virtualDirectory: null, repository: "" };
    // As the jobs pass it: the opened credential, which carries more than the interface names.
    const emailed = { source: "pat" as const, login: "ada", patUsername: "ada@example.com" };
    const legacy = { source: "pat" as const, login: "ada", patUsername: null };
    expect(bitbucketClient.storedAccount(emailed, repo)).toEqual({ username: "ada@example.com", organization: null });
    expect(bitbucketClient.storedAccount(legacy, repo)).toBeNull();
    expect(bitbucketClient.storedAccount({ source: "pat", login: "ada" }, repo)).toBeNull();
    expect(bitbucketClient.storedAccount({ source: "oauth", login: "ada" }, repo)).toEqual({ username: "ada", organization: null });
  });

  it("tells an API token from an OAuth token by the connection, and by the token's prefix where the connection is not known", () => {
    const ctx = (token: string, account?: BackendContext["account"]) => ({ token, account }) as BackendContext;
    expect(isApiToken(ctx("opaque", { source: "pat", patUsername: "ada@example.com" }))).toBe(true);
    expect(isApiToken(ctx("ATATT3xFfGF0abc", { source: "oauth", patUsername: null }))).toBe(false);
    expect(isApiToken(ctx("ATATT3xFfGF0abc"))).toBe(true);
    expect(isApiToken(ctx("opaque"))).toBe(false);
  });
});
