import { createServer, request as httpRequest, type Server } from "node:http";
import type { AddressInfo, Socket } from "node:net";

/**
 * A pass-through HTTP proxy between the runner and the runner API that records every response
 * body (to prove no secret is ever in one) and can go away and come back on the same port (to
 * make the management plane unreachable for a while).
 */
export type RecordingProxy = {
  url: string;
  /** Every response body sent to the runner so far. */
  responses: string[];
  /** Stops listening and drops open connections (held long-polls included). */
  pause: () => Promise<void>;
  /** Listens again on the same port. */
  resume: () => Promise<void>;
  close: () => Promise<void>;
};

/** Starts the proxy on a loopback port in front of `target`. */
export async function startRecordingProxy(target: string): Promise<RecordingProxy> {
  const responses: string[] = [];
  const sockets = new Set<Socket>();
  let server: Server | null = null;
  let port = 0;

  const listen = async () => {
    const s = createServer((req, res) => {
      const upstream = httpRequest(new URL(req.url ?? "/", target), { method: req.method, headers: req.headers }, (up) => {
        const chunks: Buffer[] = [];
        up.on("data", (c: Buffer) => chunks.push(c));
        up.on("end", () => {
          const body = Buffer.concat(chunks);
          responses.push(body.toString("utf8"));
          res.writeHead(up.statusCode ?? 502, up.headers);
          res.end(body);
        });
      });
      upstream.on("error", () => {
        if (!res.headersSent) res.writeHead(502);
        res.end();
      });
      res.on("close", () => upstream.destroy());
      req.pipe(upstream);
    });
    s.on("connection", (socket) => {
      sockets.add(socket);
      socket.on("close", () => sockets.delete(socket));
    });
    await new Promise<void>((resolve) => s.listen(port, "127.0.0.1", resolve));
    port = (s.address() as AddressInfo).port;
    server = s;
  };
  const pause = async () => {
    const s = server;
    server = null;
    if (!s) return;
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) => s.close(() => resolve()));
  };

  await listen();
  return { url: `http://127.0.0.1:${port}`, responses, pause, resume: listen, close: pause };
}
