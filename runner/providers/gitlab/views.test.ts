import { describe, expect, it } from "vitest";
import { checkState } from "./checks";
import { fileItem } from "./merge-requests";
import { threadItem } from "./reviews";
import { draftTitle, isConversationNote, mergeRequestDetail } from "./views";

describe("GitLab's answers as the tools report them", () => {
  it("marks drafts with GitLab's title prefix, whichever one it had", () => {
    expect(draftTitle("Fix it", true)).toBe("Draft: Fix it");
    expect(draftTitle("Draft: Fix it", true)).toBe("Draft: Fix it");
    for (const title of ["Draft: Fix it", "draft:Fix it", "[Draft] Fix it", "(draft) Fix it"]) expect(draftTitle(title, false)).toBe("Fix it");
  });

  it("maps job and status states, a job allowed to fail and a manual one to neutral", () => {
    expect(["created", "pending", "running", "preparing", "waiting_for_resource", "scheduled"].map((s) => checkState(s))).toEqual(Array(6).fill("pending"));
    expect([checkState("success"), checkState("failed"), checkState("failed", true), checkState("canceled"), checkState("skipped"), checkState("manual")]).toEqual([
      "success",
      "failure",
      "neutral",
      "cancelled",
      "skipped",
      "neutral",
    ]);
  });

  it("counts a file's lines in GitLab's diff text, which has no file headers", () => {
    expect(fileItem({ old_path: "a.ts", new_path: "a.ts", diff: "@@ -1,2 +1,2 @@\n-old\n+new\n same\n" })).toEqual({
      path: "a.ts",
      previousPath: null,
      status: "modified",
      additions: 1,
      deletions: 1,
      patch: "@@ -1,2 +1,2 @@\n-old\n+new\n same\n",
      patchTruncated: false,
    });
    expect(fileItem({ old_path: "a", new_path: "b", diff: "", renamed_file: true })).toMatchObject({ status: "renamed", previousPath: "a", additions: 0, deletions: 0, patch: null });
    expect(fileItem({ old_path: "big", new_path: "big", diff: "", too_large: true, new_file: true })).toMatchObject({ status: "added", additions: null, deletions: null });
    expect(fileItem({ old_path: "x", new_path: "x", diff: `@@ -0,0 +1 @@\n+${"y".repeat(5_000)}\n`, new_file: true })).toMatchObject({ patchTruncated: true });
  });

  it("reads a diff discussion as a thread: its side, line, resolved state and whether it is outdated", () => {
    const note = (id: number, body: string, extra: Record<string, unknown> = {}) => ({ id, body, author: { username: "rev" }, created_at: "2026-01-01T00:00:00.000Z", type: "DiffNote", resolvable: true, ...extra });
    const thread = threadItem("https://gl.test/g/p/-/merge_requests/1", "head2", {
      id: "d".repeat(40),
      notes: [note(1, "Old line?", { resolved: true, position: { old_path: "a.ts", new_path: "a.ts", old_line: 4, new_line: null, head_sha: "head1" } }), note(2, "Yes.", { resolved: true }), note(3, "resolved", { system: true })],
    });
    expect(thread).toEqual({
      id: "d".repeat(40),
      resolved: true,
      outdated: true,
      path: "a.ts",
      line: 4,
      side: "LEFT",
      comments: [
        { id: "1", author: "rev", body: "Old line?", createdAt: "2026-01-01T00:00:00.000Z", url: "https://gl.test/g/p/-/merge_requests/1#note_1" },
        { id: "2", author: "rev", body: "Yes.", createdAt: "2026-01-01T00:00:00.000Z", url: "https://gl.test/g/p/-/merge_requests/1#note_2" },
      ],
      url: "https://gl.test/g/p/-/merge_requests/1#note_1",
    });
    expect(threadItem("u", "head1", { id: "e", notes: [note(4, "New?", { resolved: false, position: { new_path: "b.ts", new_line: 2, head_sha: "head1" } })] })).toMatchObject({ resolved: false, outdated: false, side: "RIGHT", line: 2, path: "b.ts" });
  });

  it("keeps only people's comments that are not on the diff as the conversation", () => {
    expect(isConversationNote({ id: 1, body: "Thanks" })).toBe(true);
    expect(isConversationNote({ id: 2, body: "closed", system: true })).toBe(false);
    expect(isConversationNote({ id: 3, body: "On a line", type: "DiffNote", position: { new_path: "a", new_line: 1 } })).toBe(false);
  });

  it("reads a merge request: locked is still open, an empty description is none", () => {
    const mr = mergeRequestDetail({ iid: 3, title: "T", state: "locked", source_branch: "s", target_branch: "main", web_url: "u", description: "", reviewers: [{ username: "r" }], draft: true });
    expect(mr).toMatchObject({ number: 3, state: "open", draft: true, body: null, reviewers: ["r"], assignees: [], labels: [] });
  });
});
