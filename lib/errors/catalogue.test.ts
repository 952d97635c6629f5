import { describe, expect, it } from "vitest";
import { AppError, errorBody } from "./app-error";
import { describeCode, describeCodes, describeError, errorCatalogue, errorCodes, isErrorCode } from "./catalogue";

describe("error catalogue", () => {
  it("gives every code a status, a title, an explanation and a remedy", () => {
    for (const code of errorCodes) {
      const entry = describeError(code);
      expect(code).toMatch(/^[a-z]+(_[a-z]+)*$/);
      expect(entry.status).toBeGreaterThanOrEqual(400);
      expect(entry.status).toBeLessThan(600);
      expect(entry.title.length).toBeGreaterThan(3);
      expect(entry.explanation).toMatch(/\.$/);
      expect(entry.remedy).toMatch(/\.$/);
    }
  });

  it("carries the known Ona message and its remedy", () => {
    expect(errorCatalogue.operation_aborted.title).toBe("Failed to create provider - Aborted: operation cancelled");
    expect(errorCatalogue.operation_aborted.remedy).toMatch(/OAuth/);
  });

  it("recognises codes and nothing else", () => {
    expect(isErrorCode("last_admin")).toBe(true);
    expect(isErrorCode("toString")).toBe(false);
    expect(isErrorCode(42)).toBe(false);
  });

  it("builds user-safe errors whose body never includes the cause", () => {
    const e = new AppError("not_found", { cause: new Error("relation users: secret-ish detail") });
    expect(e.status).toBe(404);
    expect(e.message).toBe("Not found");
    expect(JSON.stringify(errorBody(e))).not.toContain("secret-ish");
    expect(errorBody(new AppError("validation_failed", { fieldErrors: { email: ["bad"] } }))).toEqual({
      error: { code: "validation_failed", message: "Some fields need attention", entry: describeCode("validation_failed").entry, fieldErrors: { email: ["bad"] } },
    });
  });

  it("describes codes for the browser without their status, unknown ones as internal_error", () => {
    expect(describeCode("pat_missing_scopes")).toEqual({ code: "pat_missing_scopes", entry: { title: errorCatalogue.pat_missing_scopes.title, explanation: errorCatalogue.pat_missing_scopes.explanation, remedy: errorCatalogue.pat_missing_scopes.remedy } });
    expect(describeCode("no_such_code")).toEqual({ code: "internal_error", entry: describeCode("internal_error").entry });
    expect(Object.keys(describeCodes(["not_found", null, undefined, "not_found", "forbidden"]))).toEqual(["not_found", "forbidden"]);
  });
});
