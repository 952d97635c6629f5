import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { sanitizeDetail, sanitizeText } from "./sanitize-detail";

describe("sanitizeDetail", () => {
  it("replaces secret-named keys, known token shapes, sealed boxes and any long opaque run", () => {
    const out = sanitizeDetail({
      token: "anything",
      message: "GitHub refused ghp_abcdefghijklmnopqrstuvwxyz012345 and glpat-abcdefghijklmnopqrst",
      opaque: "a".repeat(40),
      box: "sbx1.key123.ciphertext_AAAAAAAA",
      url: "https://user:pass@example.com/x",
      nested: { authorization: "Bearer abcdefghijkl", providerStatus: 401 },
    });
    expect(out).toEqual({
      token: "[REDACTED]",
      message: "GitHub refused [REDACTED] and [REDACTED]",
      opaque: "[REDACTED]",
      box: "[REDACTED]",
      url: "https://[REDACTED]@example.com/x",
      nested: { authorization: "[REDACTED]", providerStatus: 401 },
    });
  });

  it("keeps what support needs: ids, error identifiers, URLs, numbers and flags", () => {
    const detail = { jobId: "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0", providerError: "Bad credentials", helpUrl: "https://github.com/orgs/acme/sso", providerStatus: 403, retrying: true, cause: "deadline" };
    expect(sanitizeDetail(detail)).toEqual(detail);
  });

  it("caps strings, keys, items and total size, and never throws", () => {
    expect(sanitizeText("x ".repeat(400)).length).toBeLessThanOrEqual(300);
    const many = Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`k${i}`, i]));
    expect(Object.keys(sanitizeDetail(many))).toHaveLength(20);
    expect(sanitizeDetail({ list: Array.from({ length: 50 }, (_, i) => i) }).list).toHaveLength(10);
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    expect(() => sanitizeDetail(circular)).not.toThrow();
  });

  it("never lets a random 40-character token through, wherever it sits in the text", () => {
    fc.assert(
      fc.property(fc.string({ minLength: 0, maxLength: 40 }), fc.stringMatching(/^[A-Za-z0-9]{40}$/), fc.string({ minLength: 0, maxLength: 40 }), (before, token, after) => {
        const out = JSON.stringify(sanitizeDetail({ message: `${before} ${token} ${after}`, [token.slice(0, 10)]: token }));
        expect(out).not.toContain(token);
      }),
    );
  });
});
