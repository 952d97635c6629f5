import { describe, expect, it } from "vitest";
import { parseEventFilters } from "./schemas";

const now = new Date("2026-01-10T12:00:00Z");

describe("parseEventFilters", () => {
  it("defaults to the last 7 days and keeps the fields that parse", () => {
    const { filters, errors } = parseEventFilters({ email: " ada@", host: "GitHub.com", code: "operation_aborted", failures: "1" }, now);
    expect(filters).toMatchObject({ email: "ada@", host: "github.com", code: "operation_aborted", failuresOnly: true, range: "7d", to: now });
    expect(filters.from.toISOString()).toBe("2026-01-03T12:00:00.000Z");
    expect(errors).toEqual({});
  });

  it("drops and reports what does not parse instead of failing the page", () => {
    const { filters, errors } = parseEventFilters({ runner: "not-a-uuid", code: "no_such_code", range: "forever" }, now);
    expect(filters.runnerId).toBeUndefined();
    expect(filters.code).toBeUndefined();
    expect(filters.range).toBe("7d");
    expect(Object.keys(errors).sort()).toEqual(["code", "runner"]);
  });

  it("reads a custom range as UTC, in order, within a year", () => {
    const { filters } = parseEventFilters({ range: "custom", from: "2026-01-09T10:00", to: "2026-01-08T09:30" }, now);
    expect(filters.from.toISOString()).toBe("2026-01-08T09:30:00.000Z");
    expect(filters.to.toISOString()).toBe("2026-01-09T10:00:00.000Z");
    const wide = parseEventFilters({ range: "custom", from: "2020-01-01T00:00", to: "2026-01-01T00:00" }, now).filters;
    expect(wide.to.getTime() - wide.from.getTime()).toBe(366 * 86_400_000);
    expect(parseEventFilters({ range: "custom", from: "yesterday" }, now).errors).toEqual({ from: "Not a date and time" });
  });
});
