import { describe, expect, it } from "vitest";
import { connectedUsersSentence, countOf } from "./count";

// The integration page said "0 users are connected"; count phrases now agree with their number.
describe("countOf and connectedUsersSentence", () => {
  it("puts the noun in the number of the count", () => {
    expect(countOf(0, "pull request")).toBe("0 pull requests");
    expect(countOf(1, "pull request")).toBe("1 pull request");
    expect(countOf(2, "repository", "repositories")).toBe("2 repositories");
  });
  it("says no one rather than 0 users", () => {
    expect(connectedUsersSentence(0)).toBe("No one is connected yet.");
    expect(connectedUsersSentence(1)).toBe("1 user is connected.");
    expect(connectedUsersSentence(4)).toBe("4 users are connected.");
  });
});
