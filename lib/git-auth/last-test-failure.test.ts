import { describe, expect, it } from "vitest";
import { lastTestFailureCode } from "./last-test-failure";

describe("lastTestFailureCode", () => {
  it("is null unless the last test failed", () => {
    expect(lastTestFailureCode(null)).toBeNull();
    expect(lastTestFailureCode(undefined)).toBeNull();
  });

  it("says why: the job's error, else the first failed check's, else provider_error", () => {
    expect(lastTestFailureCode({ errorCode: "runner_offline", checks: [] })).toBe("runner_offline");
    expect(lastTestFailureCode({ errorCode: null, checks: [{ id: "reachable", ok: true, code: null }, { id: "api", ok: false, code: "host_unreachable" }] })).toBe("host_unreachable");
    expect(lastTestFailureCode({ errorCode: "not-a-code", checks: "garbage" })).toBe("provider_error");
    expect(lastTestFailureCode("garbage")).toBe("provider_error");
  });
});
