import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { applyFaults, type FaultResponder } from "../faults";
import type { SandboxStore } from "../store";
import type { Fault, ProviderId } from "../types";

const MAX_BODY = 10 * 1024 * 1024;

/** Thrown by handlers to answer with a prepared response. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
    readonly headers: Record<string, string> = {},
  ) {
    super(`HTTP ${status}`);
  }
}

export interface Ctx {
  req: IncomingMessage;
  res: ServerResponse;
  method: string;
  url: URL;
  /** Raw pathname, percent-encoding kept. */
  path: string;
  query: URLSearchParams;
  params: Record<string, string>;
  /** This host's external base URL, e.g. `http://127.0.0.1:4100`. */
  baseUrl: string;
  /** Set by the `expire_tokens` fault. */
  expireTokens: boolean;
  fault: Fault | null;
  /** Headers applied over whatever the handler sets (a `status` fault's own headers). */
  forcedHeaders: Record<string, string>;
  readBody(): Promise<Buffer>;
  /** JSON body; throws HttpError(400) from the host's `badJson` on malformed JSON. */
  jsonBody(): Promise<unknown>;
  /** Form-encoded or JSON body flattened to strings (OAuth endpoints accept both). */
  bodyParams(): Promise<Record<string, string>>;
  json(status: number, body: unknown, headers?: Record<string, string>): void;
  html(status: number, html: string, headers?: Record<string, string>): void;
  text(status: number, text: string, headers?: Record<string, string>): void;
  redirect(location: string, status?: number): void;
  empty(status: number, headers?: Record<string, string>): void;
  header(name: string, value: string): void;
}

export interface HostOptions {
  provider: ProviderId | "admin";
  /** Which of the provider's hosts this is: `api`, `web`, `vssps`, `entra`, `admin`. */
  host: string;
  store: SandboxStore;
  handle: (ctx: Ctx) => Promise<void>;
  faults?: FaultResponder;
  /** Whether requests go to the request log (the admin host keeps out of it). */
  logRequests?: boolean;
  /** Called for every JSON response (the GitHub OpenAPI validator hooks in here). */
  onJson?: (ctx: Ctx, status: number, body: unknown) => void;
  /** Answer for an unexpected exception. */
  onError?: (ctx: Ctx, error: unknown) => void;
  badJson?: () => HttpError;
}

export interface Host {
  server: Server;
  url: string;
  close(): Promise<void>;
}

function flatten(value: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (value && typeof value === "object" && !Array.isArray(value)) {
    for (const [key, inner] of Object.entries(value)) {
      if (inner === undefined || inner === null) continue;
      out[key] = typeof inner === "string" ? inner : Array.isArray(inner) ? inner.join(" ") : String(inner);
    }
  }
  return out;
}

function createCtx(req: IncomingMessage, res: ServerResponse, baseUrl: string, opts: HostOptions): Ctx {
  const url = new URL(req.url ?? "/", baseUrl);
  let bodyPromise: Promise<Buffer> | null = null;
  const ctx: Ctx = {
    req,
    res,
    method: (req.method ?? "GET").toUpperCase(),
    url,
    path: url.pathname,
    query: url.searchParams,
    params: {},
    baseUrl,
    expireTokens: false,
    fault: null,
    forcedHeaders: {},
    readBody() {
      bodyPromise ??= new Promise<Buffer>((resolve, reject) => {
        const chunks: Buffer[] = [];
        let size = 0;
        req.on("data", (chunk: Buffer) => {
          size += chunk.length;
          if (size > MAX_BODY) {
            reject(new HttpError(413, { message: "Payload too large" }));
            req.destroy();
            return;
          }
          chunks.push(chunk);
        });
        req.on("end", () => resolve(Buffer.concat(chunks)));
        req.on("error", reject);
      });
      return bodyPromise;
    },
    async jsonBody() {
      const raw = (await ctx.readBody()).toString("utf8");
      if (raw.trim() === "") return {};
      try {
        return JSON.parse(raw) as unknown;
      } catch {
        throw opts.badJson?.() ?? new HttpError(400, { message: "Problems parsing JSON" });
      }
    },
    async bodyParams() {
      const type = String(req.headers["content-type"] ?? "");
      const raw = (await ctx.readBody()).toString("utf8");
      if (type.includes("application/json")) {
        try {
          return flatten(JSON.parse(raw || "{}"));
        } catch {
          return {};
        }
      }
      return Object.fromEntries(new URLSearchParams(raw));
    },
    json(status, body, headers = {}) {
      opts.onJson?.(ctx, status, body);
      send(res, ctx.forcedHeaders, status, JSON.stringify(body), { "Content-Type": "application/json; charset=utf-8", ...headers });
    },
    html(status, html, headers = {}) {
      send(res, ctx.forcedHeaders, status, html, { "Content-Type": "text/html; charset=utf-8", ...headers });
    },
    text(status, text, headers = {}) {
      send(res, ctx.forcedHeaders, status, text, { "Content-Type": "text/plain; charset=utf-8", ...headers });
    },
    redirect(location, status = 302) {
      send(res, ctx.forcedHeaders, status, "", { Location: location });
    },
    empty(status, headers = {}) {
      send(res, ctx.forcedHeaders, status, "", headers);
    },
    header(name, value) {
      if (!res.headersSent) res.setHeader(name, value);
    },
  };
  return ctx;
}

function send(
  res: ServerResponse,
  forced: Record<string, string>,
  status: number,
  body: string | Buffer,
  headers: Record<string, string>,
): void {
  if (res.headersSent || res.destroyed) return;
  for (const [name, value] of Object.entries({ ...headers, ...forced })) res.setHeader(name, value);
  if (status !== 204 && status !== 304) res.setHeader("Content-Length", Buffer.byteLength(body));
  res.statusCode = status;
  res.end(status === 204 || status === 304 ? undefined : body);
}

/** Starts one loopback HTTP host with request logging, fault injection and error handling. */
export async function startHost(opts: HostOptions, listenHost: string, port = 0): Promise<Host> {
  let baseUrl = "";
  const server = createServer((req, res) => {
    const started = Date.now();
    const ctx = createCtx(req, res, baseUrl, opts);
    res.on("finish", () => {
      if (opts.logRequests === false || opts.provider === "admin") return;
      opts.store.logRequest({
        at: started,
        provider: opts.provider,
        host: opts.host,
        method: ctx.method,
        path: ctx.path,
        status: res.statusCode,
        durationMs: Date.now() - started,
        fault: ctx.fault?.kind ?? null,
      });
    });
    void run(ctx);
  });
  async function run(ctx: Ctx): Promise<void> {
    try {
      if (opts.provider !== "admin" && opts.faults) {
        const outcome = await applyFaults(opts.store, opts.provider, opts.host, ctx, opts.faults);
        if (outcome === "handled") return;
      }
      await opts.handle(ctx);
    } catch (error) {
      if (error instanceof HttpError) {
        ctx.json(error.status, error.body, error.headers);
        return;
      }
      if (opts.onError) opts.onError(ctx, error);
      else ctx.json(500, { message: "Internal error" });
    }
  }
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, listenHost, () => resolve());
  });
  const address = server.address() as AddressInfo;
  const shownHost = listenHost.includes(":") ? `[${listenHost}]` : listenHost;
  baseUrl = `http://${shownHost}:${address.port}`;
  return {
    server,
    url: baseUrl,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
