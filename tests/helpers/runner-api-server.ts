import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Database } from "@/db/client";
import { handleRunnerRequest } from "@/lib/runners/api/handle-runner-request";
import { RUNNER_API_PATH } from "@/lib/runners/protocol";

export type RunnerApiServer = { url: string; close: () => Promise<void> };

function toRequest(req: IncomingMessage, base: string, body: Buffer, signal: AbortSignal): Request {
  const headers = new Headers();
  for (const [k, v] of Object.entries(req.headers)) if (typeof v === "string") headers.set(k, v);
  return new Request(new URL(req.url ?? "/", base), {
    method: req.method,
    headers,
    body: req.method === "GET" || req.method === "HEAD" ? undefined : new Uint8Array(body),
    signal,
  });
}

/**
 * Serves the runner API (the same handler as the Next.js route) on a loopback port, for tests that
 * run a real runner process or raw HTTP against it without building the app.
 */
export async function startRunnerApiServer(database: Pick<Database, "db" | "listen">, opts: { localBootstrapSecret?: string; leaseSeconds?: number } = {}): Promise<RunnerApiServer> {
  const sockets = new Set<import("node:net").Socket>();
  let base = "";
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const controller = new AbortController();
      res.on("close", () => controller.abort());
      const url = new URL(req.url ?? "/", base);
      if (!url.pathname.startsWith(`${RUNNER_API_PATH}/`)) {
        res.writeHead(404).end();
        return;
      }
      const path = url.pathname.slice(RUNNER_API_PATH.length + 1).split("/").filter(Boolean);
      void handleRunnerRequest(toRequest(req, base, Buffer.concat(chunks), controller.signal), path, { database, localBootstrapSecret: opts.localBootstrapSecret, leaseSeconds: opts.leaseSeconds })
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
