import http from "node:http";
import { performance } from "node:perf_hooks";
import zlib from "node:zlib";

export type TimedResponse = {
  status: number;
  headers: http.IncomingHttpHeaders;
  /** Decoded body (gunzipped when the server compressed it). */
  body: string;
  /** Bytes on the wire. */
  wireBytes: number;
  /** Request written → response headers received. */
  ttfbMs: number;
  /** Request written → last byte received. */
  totalMs: number;
};

/**
 * A minimal HTTP/1.1 client for one loopback origin: one kept-alive connection (like a browser
 * tab), a cookie jar, and per-request timings taken with `performance.now()`.
 */
export class HttpClient {
  readonly cookies = new Map<string, string>();
  private readonly agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  private readonly url: URL;

  constructor(baseUrl: string) {
    this.url = new URL(baseUrl);
    if (this.url.protocol !== "http:") throw new Error("HttpClient only speaks plain HTTP on loopback");
  }

  cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; ");
  }

  private storeCookies(setCookie: string[] | undefined): void {
    for (const raw of setCookie ?? []) {
      const [pair = "", ...attrs] = raw.split(";");
      const eq = pair.indexOf("=");
      if (eq <= 0) continue;
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      const expired = attrs.some((a) => {
        const [k = "", v = ""] = a.split("=").map((x) => x.trim());
        if (k.toLowerCase() === "max-age") return Number(v) <= 0;
        if (k.toLowerCase() === "expires") return Date.parse(v) < Date.now();
        return false;
      });
      if (expired || value === "") this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  request(
    method: "GET" | "POST",
    path: string,
    opts: { headers?: Record<string, string>; body?: string; timeoutMs?: number } = {},
  ): Promise<TimedResponse> {
    return new Promise((resolve, reject) => {
      const headers: Record<string, string> = { "accept-encoding": "gzip", ...opts.headers };
      const cookie = this.cookieHeader();
      if (cookie) headers.cookie = cookie;
      if (opts.body !== undefined) headers["content-length"] = String(Buffer.byteLength(opts.body));
      const t0 = performance.now();
      let ttfb = 0;
      const req = http.request(
        { host: this.url.hostname, port: this.url.port, path, method, headers, agent: this.agent },
        (res) => {
          ttfb = performance.now() - t0;
          const chunks: Buffer[] = [];
          res.on("data", (c: Buffer) => chunks.push(c));
          res.on("error", reject);
          res.on("end", () => {
            const totalMs = performance.now() - t0;
            this.storeCookies(res.headers["set-cookie"]);
            const raw = Buffer.concat(chunks);
            let body: string;
            try {
              const enc = res.headers["content-encoding"];
              body = (enc === "gzip" ? zlib.gunzipSync(raw) : enc === "br" ? zlib.brotliDecompressSync(raw) : raw).toString("utf8");
            } catch (e) {
              reject(e);
              return;
            }
            resolve({ status: res.statusCode ?? 0, headers: res.headers, body, wireBytes: raw.length, ttfbMs: ttfb, totalMs });
          });
        },
      );
      req.setTimeout(opts.timeoutMs ?? 30_000, () => req.destroy(new Error(`${method} ${path} timed out`)));
      req.on("error", reject);
      req.end(opts.body);
    });
  }

  get(path: string, headers?: Record<string, string>): Promise<TimedResponse> {
    return this.request("GET", path, { headers });
  }

  close(): void {
    this.agent.destroy();
  }
}

/**
 * Signs in with email and password over HTTP, the way next-auth's client does: GET the CSRF
 * token (it also sets the CSRF cookie), then POST the credentials callback. Leaves the session
 * cookie (`authjs.session-token`, possibly chunked) in the client's jar.
 */
export async function signInWithCredentials(
  client: HttpClient,
  opts: { baseUrl: string; email: string; password: string; callbackPath: string },
): Promise<void> {
  const csrf = await client.get("/api/auth/csrf", { accept: "application/json" });
  if (csrf.status !== 200) throw new Error(`GET /api/auth/csrf answered ${csrf.status}: ${csrf.body.slice(0, 300)}`);
  const { csrfToken } = JSON.parse(csrf.body) as { csrfToken?: string };
  if (!csrfToken) throw new Error("GET /api/auth/csrf returned no csrfToken");
  const form = new URLSearchParams({
    csrfToken,
    email: opts.email,
    password: opts.password,
    callbackUrl: `${opts.baseUrl}${opts.callbackPath}`,
    redirect: "false",
  });
  const res = await client.request("POST", "/api/auth/callback/credentials", {
    headers: { "content-type": "application/x-www-form-urlencoded", "x-auth-return-redirect": "1", accept: "application/json" },
    body: form.toString(),
  });
  const hasSession = [...client.cookies.keys()].some((k) => k.startsWith("authjs.session-token"));
  if (!hasSession) {
    const where = res.headers.location ?? res.body.slice(0, 300);
    throw new Error(`sign-in as ${opts.email} failed: ${res.status} ${where}`);
  }
}
