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
    const { filters, errors } = parseEventFilters({ runner: "r".repeat(101), code: "no_such_code", range: "forever" }, now);
    expect(filters.runnerId).toBeUndefined();
    expect(filters.runnerName).toBeUndefined();
    expect(filters.code).toBeUndefined();
    expect(filters.range).toBe("7d");
    expect(Object.keys(errors).sort()).toEqual(["code", "runner"]);
  });

  it("reads the runner field as a name, or as an id from links made before it took names", () => {
    expect(parseEventFilters({ runner: " build-eu-1 " }, now).filters).toMatchObject({ runnerName: "build-eu-1" });
    expect(parseEventFilters({ runner: "7F8C1C5E-8F3A-4C1B-9D55-0B6F1F3B2A10" }, now).filters).toMatchObject({ runnerId: "7f8c1c5e-8f3a-4c1b-9d55-0b6f1f3b2a10" });
    expect(parseEventFilters({ runner: "build-eu-1" }, now).errors).toEqual({});
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
