import { describe, expect, it } from "vitest";
import { diffAuditValues } from "./audit-diff";

describe("diffAuditValues", () => {
  it("lists only the keys whose value changed", () => {
    expect(diffAuditValues({ mode: "all", issues: true, groups: ["a"] }, { mode: "disabled", issues: true, groups: ["a"] })).toEqual([{ key: "mode", before: "all", after: "disabled" }]);
  });

  it("lists every key of a created or removed thing, with the missing side null", () => {
    expect(diffAuditValues(null, { name: "r1", shared: false })).toEqual([
      { key: "name", before: null, after: "r1" },
      { key: "shared", before: null, after: "false" },
    ]);
    expect(diffAuditValues({ name: "r1" }, null)).toEqual([{ key: "name", before: "r1", after: null }]);
  });

  it("treats a key added or dropped as a change and shows structured values as JSON", () => {
    expect(diffAuditValues({ scopes: ["repo"] }, { scopes: ["repo", "read:org"], login: "octocat" })).toEqual([
      { key: "scopes", before: '["repo"]', after: '["repo","read:org"]' },
      { key: "login", before: null, after: "octocat" },
    ]);
  });

  it("has nothing to show when neither side is an object", () => {
    expect(diffAuditValues(null, null)).toEqual([]);
    expect(diffAuditValues("x", [1])).toEqual([]);
  });
});
