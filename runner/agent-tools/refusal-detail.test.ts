import { describe, expect, it } from "vitest";
import { refusalDetailSchema } from "@/lib/agents/refusal-reason";
import { refusalDetailOf } from "./refusal-detail";
import { ToolFailure } from "./tool-error";

describe("refusalDetailOf", () => {
  it("names the failed fields, never their messages or values", () => {
    const failure = new ToolFailure("validation_failed", "The arguments do not match", { fieldErrors: { number: ["Expected number, received string"], "labels.0": ["Too long"], arguments: ['1 unknown field ("token")'] } });
    expect(refusalDetailOf(failure)).toBe("number, labels.0");
  });

  it("leaves out names that are not plain schema names, and says nothing when none is left", () => {
    expect(refusalDetailOf(new ToolFailure("validation_failed", "x", { fieldErrors: { [`${"a".repeat(64)}…`]: ["x"] } }))).toBeUndefined();
    expect(refusalDetailOf(new ToolFailure("validation_failed", "x"))).toBeUndefined();
  });

  it("is always what the plane accepts", () => {
    const many = Object.fromEntries(Array.from({ length: 20 }, (_, n) => [`${"f".repeat(60)}${n}`, ["x"]]));
    const detail = refusalDetailOf(new ToolFailure("validation_failed", "x", { fieldErrors: many }));
    expect(refusalDetailSchema.safeParse(detail).success).toBe(true);
  });
});
