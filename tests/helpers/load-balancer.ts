import { createServer, request as httpRequest, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { performance } from "node:perf_hooks";
import zlib from "node:zlib";

/** Wall-clock milliseconds with sub-millisecond resolution, comparable with the app's (same host). */
export const wallClockMs = () => performance.timeOrigin + performance.now();

/** One request the load balancer passed on, and what came back. */
export type Exchange = {
  seq: number;
  /** The upstream that served it (a key of `upstreams`). */
  upstream: string;
  method: string;
  /** Path and query. */
  url: string;
  /** Whether it was a server action (Next's `next-action` header). */
  serverAction: boolean;
  /** Wall clock when the request arrived, and when the answer was fully passed back (null while open). */
  startedAt: number;
  endedAt: number | null;
  status: number | null;
  location: string | null;
  /** Names of the cookies the answer set. */
  setCookies: string[];
  /** The answer's body (decompressed), for requests `recordBody` selected (null otherwise or while open). */
  body: string | null;
  /** The client went away before the answer was complete. */
  aborted: boolean;
};

/** A recorded body as text, whatever compression the app chose. */
function decode(body: Buffer, encoding: string | undefined): string {
  if (encoding === "gzip") return zlib.gunzipSync(body).toString("utf8");
  if (encoding === "br") return zlib.brotliDecompressSync(body).toString("utf8");
  if (encoding === "deflate") return zlib.inflateSync(body).toString("utf8");
  return body.toString("utf8");
}

export type RouteRequest = { method: string; url: string; headers: IncomingHttpHeaders };

export type LoadBalancer = {
  /** `http://localhost:PORT`: what the replicas' PUBLIC_BASE_URL and the browser use. */
  url: string;
  /** Picks the upstream of each request; replace it to steer traffic. */
  route: (req: RouteRequest) => string;
  exchanges: Exchange[];
  /** Resolves with the first exchange (past or future) that matches once it has ended. */
  waitFor: (match: (e: Exchange) => boolean, timeoutMs?: number) => Promise<Exchange>;
  close: () => Promise<void>;
};

/**
 * A small HTTP load balancer on loopback in front of several plane replicas, as a real one would
 * sit: it keeps the client's Host header (so the app sees one public host, whatever replica
 * answers), adds X-Forwarded-*, streams answers through, and drops the upstream request when the
 * client hangs up. Every exchange is recorded (which replica, when, what status), so a test can
 * say which replica served what.
 */
export async function startLoadBalancer(opts: {
  upstreams: Record<string, string>;
  route: (req: RouteRequest) => string;
  recordBody?: (req: RouteRequest) => boolean;
}): Promise<LoadBalancer> {
  const exchanges: Exchange[] = [];
  const sockets = new Set<Socket>();
  const listeners = new Set<() => void>();
  const notify = () => {
    for (const l of [...listeners]) l();
  };
  let seq = 0;

  const balancer: LoadBalancer = {
    url: "",
    route: opts.route,
    exchanges,
    waitFor: (match, timeoutMs = 30_000) =>
      new Promise((resolve, reject) => {
        const check = () => {
          const found = exchanges.find((e) => e.endedAt !== null && match(e));
          if (!found) return;
          done();
          resolve(found);
        };
        const timer = setTimeout(() => {
          done();
          reject(new Error(`no matching exchange at the load balancer within ${timeoutMs} ms; seen:\n${exchanges.map((e) => `${e.upstream} ${e.method} ${e.url} ${e.status}`).join("\n")}`));
        }, timeoutMs);
        const done = () => {
          clearTimeout(timer);
          listeners.delete(check);
        };
        listeners.add(check);
        check();
      }),
    close: async () => {},
  };

  const server: Server = createServer((req, res) => {
    const routed: RouteRequest = { method: req.method ?? "GET", url: req.url ?? "/", headers: req.headers };
    const upstream = balancer.route(routed);
    const target = opts.upstreams[upstream];
    const exchange: Exchange = {
      seq: ++seq,
      upstream,
      method: routed.method,
      url: routed.url,
      serverAction: typeof req.headers["next-action"] === "string",
      startedAt: wallClockMs(),
      endedAt: null,
      status: null,
      location: null,
      setCookies: [],
      body: null,
      aborted: false,
    };
    exchanges.push(exchange);
    if (!target) {
      res.writeHead(502).end(`no upstream ${upstream}`);
      return;
    }
    const keepBody = opts.recordBody?.(routed) ?? false;
    const host = req.headers.host ?? "";
    const headers = { ...req.headers, "x-forwarded-host": host, "x-forwarded-proto": "http", "x-forwarded-for": req.socket.remoteAddress ?? "127.0.0.1" };
    const up = httpRequest(new URL(routed.url, target), { method: routed.method, headers }, (answer) => {
      exchange.status = answer.statusCode ?? 502;
      exchange.location = typeof answer.headers.location === "string" ? answer.headers.location : null;
      exchange.setCookies = (answer.headers["set-cookie"] ?? []).map((c) => c.split("=")[0]!.trim());
      res.writeHead(exchange.status, answer.headers);
      const chunks: Buffer[] = [];
      answer.on("data", (chunk: Buffer) => {
        if (keepBody) chunks.push(chunk);
        res.write(chunk);
      });
      answer.on("end", () => {
        res.end(() => {
          exchange.body = keepBody ? decode(Buffer.concat(chunks), answer.headers["content-encoding"]) : null;
          exchange.endedAt = wallClockMs();
          notify();
        });
      });
      answer.on("error", () => res.destroy());
    });
    up.on("error", () => {
      if (!res.headersSent) res.writeHead(502);
      res.end();
      exchange.status ??= 502;
      exchange.endedAt ??= wallClockMs();
      notify();
    });
    res.on("close", () => {
      if (exchange.endedAt === null) {
        exchange.aborted = true;
        up.destroy();
      }
    });
    req.pipe(up);
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  // localhost, not 127.0.0.1: Next rewrites 127.0.0.1 to localhost, and cookies are per host.
  balancer.url = `http://localhost:${(server.address() as AddressInfo).port}`;
  balancer.close = () =>
    new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy();
      server.close(() => resolve());
    });
  return balancer;
}
