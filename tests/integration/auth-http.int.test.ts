import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import crypto from "node:crypto";
import http from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SIGN_IN_CLIENT_FAILURES } from "@/lib/users/verify-sign-in";
import { copyStandaloneBuild, startStandalone, type StandaloneServer } from "@/tests/helpers/standalone-server";

const PUBLIC_BASE_URL = "https://scm.example.test";

/** Sign-in through the production server, as an attacker at the HTTP level would try it. */
describe("sign-in through the production server", () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "scm-sign-in-limit-"));
  let server: StandaloneServer;

  beforeAll(async () => {
    if (!copyStandaloneBuild(path.join(root, "app")).current) console.warn("sign-in limits: the production build is older than the sources; `npm run build` to test the current code");
    server = await startStandalone(path.join(root, "app"), {
      DATA_DIR: path.join(root, "data"),
      PUBLIC_BASE_URL,
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

  /** A GET with headers fetch would not let us set (Host). */
  function get(pathname: string, headers: Record<string, string>): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
    return new Promise((resolve, reject) => {
      const req = http.request(new URL(pathname, server.url), { headers }, (res) => {
        let body = "";
        res.on("data", (c: Buffer) => (body += c.toString("utf8")));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      });
      req.on("error", reject);
      req.end();
    });
  }

  // Regression: `trustHost: true` let Auth.js build its URLs from the request's Host and
  // X-Forwarded-Host, so a forged header put sign-in and callback URLs on another site.
  it("builds every auth URL from PUBLIC_BASE_URL, whatever Host or X-Forwarded-Host a request forges", async () => {
    const forged = { host: "evil.example", "x-forwarded-host": "evil.example", "x-forwarded-proto": "http" };
    const providers = await get("/api/auth/providers", forged);
    expect(providers.status).toBe(200);
    const urls = Object.values(JSON.parse(providers.body) as Record<string, { signinUrl: string; callbackUrl: string }>).flatMap((p) => [p.signinUrl, p.callbackUrl]);
    expect(urls.length).toBeGreaterThan(0);
    for (const url of urls) expect(url.startsWith(`${PUBLIC_BASE_URL}/api/auth/`), url).toBe(true);
    // PUBLIC_BASE_URL is https: the cookies are Secure whatever X-Forwarded-Proto says.
    const csrf = await get("/api/auth/csrf", forged);
    const cookies = [csrf.headers["set-cookie"] ?? []].flat();
    expect(cookies.length).toBeGreaterThan(0);
    for (const cookie of cookies) expect(cookie, cookie.split("=")[0]).toMatch(/;\s*Secure/i);
    const signIn = await get("/api/auth/signin", forged);
    expect(signIn.headers.location ?? "").not.toContain("evil.example");
    expect(signIn.body).not.toContain("evil.example");
  });

  // Regression: a server-action call from another site reached Next's own origin check, which
  // answered 500 "Invalid Server Actions request"; and no Content-Security-Policy was sent.
  it("refuses a cross-site server-action call with 403 cross_site_request, and sends a nonce CSP with every page", async () => {
    for (const origin of ["https://evil.example", "null"]) {
      const res = await fetch(`${server.url}/login`, {
        method: "POST",
        redirect: "manual",
        headers: { origin, "next-action": "0".repeat(42), "content-type": "text/plain;charset=UTF-8" },
        body: "[]",
      });
      expect(res.status, origin).toBe(403);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe("cross_site_request");
    }
    const pages = await Promise.all(["/login", "/setup", "/no-such-page"].map((p) => fetch(`${server.url}${p}`, { redirect: "manual" })));
    const nonces = new Set<string>();
    for (const page of pages) {
      const csp = page.headers.get("content-security-policy") ?? "";
      expect(csp).toMatch(/script-src 'self' 'nonce-[A-Za-z0-9+/=]{16,}' 'strict-dynamic'/);
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).not.toContain("unsafe-inline' 'unsafe-eval");
      nonces.add(/'nonce-([^']+)'/.exec(csp)![1]!);
    }
    expect(nonces.size).toBe(pages.length);
  });

  // Regression: the sign-in limit counted per email only, so one client could try any number of
  // emails. With a forged X-Forwarded-For that changes at every attempt, the client is still one
  // client and is refused past its budget.
  it("refuses one client spraying many emails, whatever X-Forwarded-For it sends", async () => {
    const codes: (string | null)[] = [];
    for (let i = 0; i <= SIGN_IN_CLIENT_FAILURES; i++) codes.push(await attempt(`spray-${i}@example.test`, `203.0.113.${i + 1}`));
    expect(codes.slice(0, SIGN_IN_CLIENT_FAILURES)).toEqual(Array(SIGN_IN_CLIENT_FAILURES).fill("invalid_credentials"));
    expect(codes.at(-1)).toBe("rate_limited");
  });
});
