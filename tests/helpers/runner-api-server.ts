import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Readable } from "node:stream";
import type { Database } from "@/db/client";
import { handleRunnerRequest } from "@/lib/runners/api/handle-runner-request";
import { RUNNER_API_PATH } from "@/lib/runners/protocol";

export type RunnerApiServer = { url: string; close: () => Promise<void> };

/** The request with its body as a stream, not buffered first: as Next.js hands it to a route. */
function toRequest(req: IncomingMessage, base: string, signal: AbortSignal): Request {
  const headers = new Headers();
  for (const [k, v] of Object.entries(req.headers)) if (typeof v === "string") headers.set(k, v);
  const hasBody = req.method !== "GET" && req.method !== "HEAD";
  return new Request(new URL(req.url ?? "/", base), {
    method: req.method,
    headers,
    body: hasBody ? (Readable.toWeb(req) as ReadableStream<Uint8Array>) : undefined,
    duplex: "half",
    signal,
  } as RequestInit);
}

/**
 * Serves the runner API (the same handler as the Next.js route) on a loopback port, for tests that
 * run a real runner process or raw HTTP against it without building the app.
 */
export async function startRunnerApiServer(database: Pick<Database, "db" | "listen">, opts: { localBootstrapSecret?: string; leaseSeconds?: number } = {}): Promise<RunnerApiServer> {
  const sockets = new Set<import("node:net").Socket>();
  let base = "";
  const server: Server = createServer((req, res) => {
    const controller = new AbortController();
    res.on("close", () => controller.abort());
    const url = new URL(req.url ?? "/", base);
    if (!url.pathname.startsWith(`${RUNNER_API_PATH}/`)) {
      res.writeHead(404).end();
      return;
    }
    const path = url.pathname.slice(RUNNER_API_PATH.length + 1).split("/").filter(Boolean);
    void handleRunnerRequest(toRequest(req, base, controller.signal), path, { database, localBootstrapSecret: opts.localBootstrapSecret, leaseSeconds: opts.leaseSeconds })
      .then(async (response) => {
        const text = await response.text();
        res.writeHead(response.status, Object.fromEntries(response.headers.entries()));
        res.end(text);
      })
      .catch(() => {
        if (!res.headersSent) res.writeHead(500);
        res.end();
      });
  });
  server.on("connection", (s) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: base,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
