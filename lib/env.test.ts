import { describe, expect, it } from "vitest";
import { EnvError, parseEnv } from "./env";

describe("parseEnv", () => {
  it("gives working defaults for an empty environment (embedded database, localhost)", () => {
    const env = parseEnv({});
    expect(env.DATABASE_URL).toBeUndefined();
    expect(env.PUBLIC_BASE_URL).toBe("http://localhost:3000");
    expect(env.dataDir).toMatch(/\.data$/);
    expect(env.oidc).toBeNull();
    expect(env.LOG_LEVEL).toBe("info");
  });

  it("treats empty strings as unset", () => {
    expect(parseEnv({ DATABASE_URL: "", OIDC_ISSUER: "" }).DATABASE_URL).toBeUndefined();
  });

  it("accepts a postgres URL and strips a trailing slash from the public URL", () => {
    const env = parseEnv({ DATABASE_URL: "postgres://u@db:5432/app", PUBLIC_BASE_URL: "https://scm.example.com/" });
    expect(env.DATABASE_URL).toBe("postgres://u@db:5432/app");
    expect(env.PUBLIC_BASE_URL).toBe("https://scm.example.com");
  });

  it("names every bad variable in one error", () => {
    let error: EnvError | undefined;
    try {
      parseEnv({ DATABASE_URL: "mysql://x", PUBLIC_BASE_URL: "ftp://x", LOG_LEVEL: "loud", AUTH_SECRET: "short" });
    } catch (e) {
      error = e as EnvError;
    }
    expect(error).toBeInstanceOf(EnvError);
    expect(error!.problems.join("\n")).toMatch(/DATABASE_URL: must be a postgres/);
    expect(error!.problems.join("\n")).toMatch(/PUBLIC_BASE_URL: must be an http\(s\) URL/);
    expect(error!.problems.join("\n")).toMatch(/LOG_LEVEL/);
    expect(error!.problems.join("\n")).toMatch(/AUTH_SECRET: must be at least 32 characters/);
  });

  it("refuses a public URL with credentials in it", () => {
    expect(() => parseEnv({ PUBLIC_BASE_URL: "https://user:pw@example.com" })).toThrow(/PUBLIC_BASE_URL/);
  });

  describe("single sign-on", () => {
    const full = { OIDC_ISSUER: "https://idp.example.com/realms/acme", OIDC_CLIENT_ID: "scm", OIDC_CLIENT_SECRET: "s3cret" };

    it("is configured when issuer, client id and secret are all set", () => {
      const env = parseEnv({ ...full, OIDC_DISPLAY_NAME: "Acme SSO", OIDC_AUTO_PROVISION: "true", OIDC_DEFAULT_ROLE: "support" });
      expect(env.oidc).toEqual({
        issuer: "https://idp.example.com/realms/acme",
        clientId: "scm",
        clientSecret: "s3cret",
        name: "Acme SSO",
        autoProvision: true,
        trustUnverifiedEmails: false,
        defaultRole: "support",
      });
    });

    it("trusts ID tokens without email_verified only when OIDC_TRUST_UNVERIFIED_EMAILS says so", () => {
      expect(parseEnv({ ...full, OIDC_TRUST_UNVERIFIED_EMAILS: "true" }).oidc).toMatchObject({ trustUnverifiedEmails: true });
    });

    it("defaults to no auto-provisioning and the member role", () => {
      expect(parseEnv(full).oidc).toMatchObject({ autoProvision: false, defaultRole: "member", name: "Single sign-on" });
    });

    it("refuses a partial configuration, saying which variables go together", () => {
      expect(() => parseEnv({ OIDC_ISSUER: full.OIDC_ISSUER })).toThrow(/OIDC_ISSUER, OIDC_CLIENT_ID and OIDC_CLIENT_SECRET together/);
    });

    it("refuses admin as the auto-provisioned role", () => {
      expect(() => parseEnv({ ...full, OIDC_DEFAULT_ROLE: "admin" })).toThrow(/OIDC_DEFAULT_ROLE/);
    });

    it("refuses a non-http issuer and a bad boolean", () => {
      expect(() => parseEnv({ ...full, OIDC_ISSUER: "idp.example.com" })).toThrow(/OIDC_ISSUER/);
      expect(() => parseEnv({ ...full, OIDC_AUTO_PROVISION: "yes" })).toThrow(/OIDC_AUTO_PROVISION/);
    });
  });
});

describe("E2E_SEED_SECRET", () => {
  it("is accepted only with a loopback public URL", () => {
    const secret = "s".repeat(32);
    expect(parseEnv({ E2E_SEED_SECRET: secret, PUBLIC_BASE_URL: "http://localhost:3210" }).E2E_SEED_SECRET).toBe(secret);
    expect(() => parseEnv({ E2E_SEED_SECRET: secret, PUBLIC_BASE_URL: "https://scm.example.com" })).toThrow(/loopback/);
  });
});
