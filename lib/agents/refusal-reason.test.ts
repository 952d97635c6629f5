import { describe, expect, it } from "vitest";
import { describeRefusalReason, formatRefusalReason, parseRefusalReason, refusalDetailSchema } from "./refusal-reason";

describe("refusal reasons", () => {
  it("stores the reason and the runner's detail in one text, and reads them back", () => {
    expect(formatRefusalReason("capability_off")).toBe("capability_off");
    expect(formatRefusalReason("validation_failed", "number, body")).toBe("validation_failed: number, body");
    expect(parseRefusalReason("validation_failed: number, body")).toEqual({ reason: "validation_failed", detail: "number, body" });
    expect(parseRefusalReason("not_in_allowed_group")).toEqual({ reason: "not_in_allowed_group", detail: null });
  });

  it("says each reason in words, and nothing for none or an unknown one", () => {
    expect(describeRefusalReason("capability_off", "review_comments")).toBe("The Reviews capability is switched off");
    expect(describeRefusalReason("capability_off", "repository")).toBe("The tool's capability is switched off");
    expect(describeRefusalReason("validation_failed: cursor", "issues")).toBe("Arguments did not match: cursor");
    expect(describeRefusalReason(null, "issues")).toBeNull();
    expect(describeRefusalReason("something_newer", "issues")).toBeNull();
  });

  it("accepts field names only as the runner's detail", () => {
    for (const ok of ["number", "number, body", "labels.0, assignees.1"]) expect(refusalDetailSchema.safeParse(ok).success, ok).toBe(true);
    for (const bad of ["", "a,b", "body=secret", "ghp_x y", "a, ", "x".repeat(65)]) expect(refusalDetailSchema.safeParse(bad).success, bad).toBe(false);
  });
});
