import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { resolveRepository } from "./repository";
import { ToolFailure } from "./tool-error";

const github = { host: "github.example.com", provider: "github" as const };
const gitlab = { host: "gitlab.example.com:8443", provider: "gitlab" as const };

function codeOf(fn: () => unknown): string | null {
  try {
    fn();
    return null;
  } catch (e) {
    return e instanceof ToolFailure ? e.code : "thrown";
  }
}

describe("resolveRepository", () => {
  it("takes owner/name, a web URL or a clone URL on the environment's host", () => {
    expect(resolveRepository(undefined, github)).toBeUndefined();
    expect(resolveRepository("acme/app", github)).toBe("acme/app");
    expect(resolveRepository("https://github.example.com/acme/app/pull/3", github)).toBe("acme/app");
    expect(resolveRepository("https://github.example.com/acme/app.git", github)).toBe("acme/app");
    expect(resolveRepository("github.example.com/acme/app", github)).toBe("acme/app");
    expect(resolveRepository("group/sub/app", gitlab)).toBe("group/sub/app");
    expect(resolveRepository("https://gitlab.example.com:8443/group/sub/app/-/merge_requests/1", gitlab)).toBe("group/sub/app");
  });

  it("refuses another host, whatever the spelling", () => {
    expect(codeOf(() => resolveRepository("https://github.com/acme/app", github))).toBe("repository_host_mismatch");
    expect(codeOf(() => resolveRepository("https://gitlab.example.com/group/app", gitlab))).toBe("repository_host_mismatch");
    expect(codeOf(() => resolveRepository("evil.example/acme/app", github))).toBe("repository_host_mismatch");
    expect(codeOf(() => resolveRepository("other:22/acme/app", gitlab))).toBe("repository_host_mismatch");
  });

  it("refuses malformed paths and credentials in URLs", () => {
    for (const bad of ["acme", "acme/app/extra", "../acme/app", "acme/.hidden/x", "acme//app", "acme/app name"]) {
      expect(codeOf(() => resolveRepository(bad, github)), bad).toBe("validation_failed");
    }
    expect(codeOf(() => resolveRepository("https://user:pw@github.example.com/acme/app", github))).toBe("validation_failed");
    expect(codeOf(() => resolveRepository("ftp://github.example.com/acme/app", github))).toBe("validation_failed");
  });

  it("never returns a path that escapes or names another host (property)", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 80 }), (input) => {
        let out: string | undefined;
        try {
          out = resolveRepository(input, gitlab);
        } catch (e) {
          expect(e).toBeInstanceOf(ToolFailure);
          return;
        }
        expect(out!.split("/").every((s) => s !== "" && s !== "." && s !== ".." && !s.includes(":"))).toBe(true);
      }),
    );
  });
});
