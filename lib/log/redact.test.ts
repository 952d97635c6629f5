import fc from "fast-check";
import { afterEach, describe, expect, it } from "vitest";
import { log, setLogSink } from "./logger";
import { REDACTED, redact, redactString } from "./redact";

const canaries = [
  "ghp_" + "A".repeat(36),
  "github_pat_" + "B".repeat(60),
  "gho_" + "C".repeat(36),
  "glpat-" + "D".repeat(20),
  "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U",
  "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNo",
];

describe("redaction", () => {
  let restore: ReturnType<typeof setLogSink> | undefined;
  afterEach(() => {
    if (restore) setLogSink(restore);
  });

  it("replaces values under secret-named keys at any depth", () => {
    const out = redact({ user: "ada", password: "hunter2", nested: { accessToken: "x", clientSecret: "y", list: [{ authorization: "Bearer z" }] }, ok: true });
    expect(out).toEqual({ user: "ada", password: REDACTED, nested: { accessToken: REDACTED, clientSecret: REDACTED, list: [{ authorization: REDACTED }] }, ok: true });
  });

  it.each(canaries)("masks secret-shaped strings anywhere: %s", (secret) => {
    const text = `failed with ${secret} in the middle`;
    expect(redactString(text)).not.toContain(secret);
    expect(JSON.stringify(redact({ message: text, list: [text] }))).not.toContain(secret);
  });

  it("masks credentials embedded in URLs", () => {
    expect(redactString("cloning https://x-access-token:abc123@github.com/o/r.git")).toBe(`cloning https://${REDACTED}@github.com/o/r.git`);
  });

  it("masks GitHub tokens embedded in any text", () => {
    fc.assert(
      fc.property(fc.string(), fc.stringMatching(/^[A-Za-z0-9]{36}$/), fc.string(), (before, body, after) => {
        const token = `ghp_${body}`;
        return !redactString(`${before} ${token} ${after}`).includes(token);
      }),
    );
  });

  it("never lets the logger write a canary secret", () => {
    const lines: string[] = [];
    restore = setLogSink((l) => lines.push(l));
    for (const secret of canaries) {
      log.error("provider.failed", { detail: `token ${secret}`, token: secret, error: new Error(`bad ${secret}`) });
    }
    expect(lines).toHaveLength(canaries.length);
    for (const secret of canaries) expect(lines.join("\n")).not.toContain(secret);
    expect(JSON.parse(lines[0]!)).toMatchObject({ level: "error", event: "provider.failed" });
  });
});
