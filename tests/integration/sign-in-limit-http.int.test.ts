import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import crypto from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SIGN_IN_CLIENT_FAILURES } from "@/lib/users/verify-sign-in";
import { copyStandaloneBuild, startStandalone, type StandaloneServer } from "@/tests/helpers/standalone-server";

/**
 * Regression: the sign-in limit counted per email only, so one client could try any number of
 * emails. Through the production server, with a forged X-Forwarded-For that changes at every
 * attempt, the client is still one client and is refused past its budget.
 */
describe("sign-in limits through the production server", () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "scm-sign-in-limit-"));
  let server: StandaloneServer;

  beforeAll(async () => {
    if (!copyStandaloneBuild(path.join(root, "app")).current) console.warn("sign-in limits: the production build is older than the sources; `npm run build` to test the current code");
    server = await startStandalone(path.join(root, "app"), {
      DATA_DIR: path.join(root, "data"),
      PUBLIC_BASE_URL: "http://localhost:3000",
      AUTH_SECRET: crypto.randomBytes(32).toString("hex"),
    });
  }, 240_000);

  afterAll(async () => {
    await server?.close();
    fs.rmSync(root, { recursive: true, force: true });
  });

  async function attempt(email: string, forwardedFor: string): Promise<string | null> {
    const csrf = await fetch(`${server.url}/api/auth/csrf`);
    const { csrfToken } = (await csrf.json()) as { csrfToken: string };
    const cookie = csrf.headers.getSetCookie().map((c) => c.split(";")[0]).join("; ");
    const res = await fetch(`${server.url}/api/auth/callback/credentials`, {
      method: "POST",
      redirect: "manual",
      headers: { cookie, "content-type": "application/x-www-form-urlencoded", "x-forwarded-for": forwardedFor },
      body: new URLSearchParams({ csrfToken, email, password: "Spring2026!!" }),
    });
    return new URL(res.headers.get("location") ?? "/", server.url).searchParams.get("code");
  }

  it("refuses one client spraying many emails, whatever X-Forwarded-For it sends", async () => {
    const codes: (string | null)[] = [];
    for (let i = 0; i <= SIGN_IN_CLIENT_FAILURES; i++) codes.push(await attempt(`spray-${i}@example.test`, `203.0.113.${i + 1}`));
    expect(codes.slice(0, SIGN_IN_CLIENT_FAILURES)).toEqual(Array(SIGN_IN_CLIENT_FAILURES).fill("invalid_credentials"));
    expect(codes.at(-1)).toBe("rate_limited");
  });
});
