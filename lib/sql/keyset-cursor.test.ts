import { describe, expect, it } from "vitest";
import { decodeKeysetCursor, encodeKeysetCursor } from "./keyset-cursor";

const id = "3f2a1b4c-5d6e-4f70-8a9b-0c1d2e3f4a5b";

describe("keyset cursor", () => {
  it("round-trips a time to the microsecond and an id", () => {
    const cursor = { at: "2026-12-07T13:55:02.123456Z", id };
    expect(decodeKeysetCursor(encodeKeysetCursor(cursor))).toEqual(cursor);
  });

  // Regression: a well-shaped but impossible time reached PostgreSQL's cast and failed the page.
  it.each(["2026-13-45T00:00:00.000000Z", "2026-02-30T00:00:00.000000Z", "2026-12-07T25:00:00.000000Z"])("refuses the impossible time %s", (at) => {
    expect(decodeKeysetCursor(`${at}_${id}`)).toBeUndefined();
  });

  it.each(["", "yesterday", `2026-12-07T13:55:02.123Z_${id}`, "2026-12-07T13:55:02.123456Z_not-a-uuid", `2026-12-07T13:55:02.123456Z_${id}'--`])("refuses %j", (value) => {
    expect(decodeKeysetCursor(value)).toBeUndefined();
  });
});
