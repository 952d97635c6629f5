import { describe, expect, it } from "vitest";
import { describeForBrowser } from "./describe-for-browser";
import { errorCatalogue } from "./catalogue";

describe("describeForBrowser", () => {
  it("gives null for no code", () => {
    expect(describeForBrowser(null)).toBeNull();
    expect(describeForBrowser(undefined)).toBeNull();
    expect(describeForBrowser("")).toBeNull();
  });

  it("describes a known code with its title, explanation and remedy, without its HTTP status", () => {
    const { title, explanation, remedy } = errorCatalogue.pat_expired;
    expect(describeForBrowser("pat_expired")).toEqual({ code: "pat_expired", entry: { title, explanation, remedy } });
  });

  it("describes a code the catalogue does not know as internal_error, never echoing it", () => {
    expect(describeForBrowser("<script>alert(1)</script>")?.code).toBe("internal_error");
  });
});
