import fc from "fast-check";
import { afterEach, describe, expect, it } from "vitest";
import { log, setLogSink } from "./logger";
import { REDACTED, isSecretKey, redact, redactString } from "./redact";

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

describe("secret keys: whole segments only", () => {
  const secretKeys = [
    "password", "Password", "passwd", "newPassword", "password2", "passwordConfirm", "smtp_pass", "passphrase",
    "token", "accessToken", "access_token", "ACCESS-TOKEN", "refreshToken", "refresh_token_sealed", "tokenSealed", "tokens",
    "secret", "clientSecret", "client-secret", "client_secret", "webhookSecret",
    "authorization", "Authorization", "proxy-authorization", "cookie", "set-cookie", "Cookie",
    "credential", "credentials", "gitCredentials", "codeVerifier", "pkce_verifier", "session", "sessionId", "session_token",
    "pat", "pats", "stateHash", "passwordHash", "privateKey", "private_key", "apiKey", "x-api-key", "secretKey",
    "code", "authCode", "authorization_code", "GITHUB_TOKEN", "X-GitHub-Token", "OAuthToken",
  ];
  const innocentKeys = [
    "path", "pathname", "passed", "bypass", "compatible", "dispatch", "pattern", "tokenId", "tokenIds", "tokenCount",
    "patScopes", "patEnabled", "tokenExpiresAt", "token_expires_at", "secretStored", "tokenSource", "tokenKind",
    "errorCode", "code_challenge_method", "keyId", "publicKey", "host", "user", "authMethod", "passCount",
  ];

  it.each(secretKeys)("%s is secret", (key) => {
    expect(isSecretKey(key)).toBe(true);
    expect(redact({ [key]: "hunter2-value" })).toEqual({ [key]: REDACTED });
  });

  it.each(innocentKeys)("%s is kept", (key) => {
    expect(isSecretKey(key)).toBe(false);
    expect(redact({ [key]: "/api/runner/v1/jobs" })).toEqual({ [key]: "/api/runner/v1/jobs" });
  });

  it("keeps counts, flags and metadata under a secret key, never the secret itself", () => {
    expect(redact({ disconnected: { oauth: 3, pat: 0 }, pat: { enabled: true, scopes: ["repo"], value: "x" }, token: { value: "y", id: "t1" }, secret: ["a", "b"] })).toEqual({
      disconnected: { oauth: 3, pat: 0 },
      pat: { enabled: true, scopes: ["repo"], value: REDACTED },
      token: { value: REDACTED, id: "t1" },
      secret: REDACTED,
    });
    expect(redact({ session: { id: "s1", expiresAt: "2030-01-01" } })).toEqual({ session: { id: REDACTED, expiresAt: "2030-01-01" } });
  });

  it("keeps strings that only look innocent of a secret shape", () => {
    for (const text of ["token expired", "the password was wrong", "https://github.com/o/r.git", "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0", "Bearer"]) {
      expect(redactString(text)).toBe(text);
    }
    const circular: Record<string, unknown> = {};
    circular.token = circular;
    expect(() => redact({ pat: circular })).not.toThrow();
  });
});
