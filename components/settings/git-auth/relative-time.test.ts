import { describe, expect, it } from "vitest";
import { formatDateTime as formatAbsolute } from "@/components/ui/format-time";
import { formatRelative } from "./relative-time";

describe("formatRelative", () => {
  const now = "2030-01-10T12:00:00.000Z";
  it("says past and future times in words, against the server's clock", () => {
    expect(formatRelative("2030-01-10T11:59:40.000Z", now)).toBe("just now");
    expect(formatRelative("2030-01-10T11:55:00.000Z", now)).toBe("5 minutes ago");
    expect(formatRelative("2030-01-10T11:00:00.000Z", now)).toBe("1 hour ago");
    expect(formatRelative("2030-01-12T12:10:00.000Z", now)).toBe("in 2 days");
    expect(formatRelative("2030-01-10T12:01:00.000Z", now)).toBe("in 1 minute");
  });

  it("gives the absolute time in UTC, the same on server and browser", () => {
    expect(formatAbsolute("2030-01-10T12:00:00.000Z")).toBe("Jan 10, 2030, 12:00 PM UTC");
  });
});
