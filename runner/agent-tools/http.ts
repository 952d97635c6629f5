import crypto from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { StreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/streamableHttp.js";
import { sameSecret } from "@/lib/crypto/same-secret";
import { errorCatalogue } from "@/lib/errors/catalogue";
import { log } from "@/runner/log";

/** Where the tools listen: the MCP endpoint's URL (loopback) and how to stop it. */
export type AgentToolsHttp = { url: string; close: () => Promise<void> };

export type AgentToolsHttpOptions = {
  /** Builds the environment's tools server; called once per request (the transport is stateless). */
  createServer: () => McpServer;
  /** The environment's bearer token (`createEnvironmentToken`). */
  token: string;
  /** 0 (default) picks a free port. */
  port?: number;
};

/** The MCP endpoint's path. */
export const MCP_PATH = "/mcp";
const MAX_BODY_BYTES = 1024 * 1024;

/** A fresh per-environment token: 256 random bits, base64url. Hand it to that environment's agent only. */
export function createEnvironmentToken(): string {
  return crypto.randomBytes(32).toString("base64url");
}

function bearer(header: string | undefined): string {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? "");
  return match?.[1] ?? "";
}

function refuse(res: ServerResponse, status: number, code: "environment_token_invalid" | "forbidden" | "not_found", message: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { "content-type": "application/json", "cache-control": "no-store", ...headers });
  res.end(JSON.stringify({ error: { code, title: errorCatalogue[code].title, message } }));
}

/**
 * Browsers can be made to send requests to loopback (DNS rebinding, a page's fetch): only requests
 * addressed to this loopback port by name, and from no web origin other than loopback, are served.
 */
function fromLoopback(req: IncomingMessage, port: number): boolean {
  const allowed = new Set([`127.0.0.1:${port}`, `localhost:${port}`]);
  if (!allowed.has((req.headers.host ?? "").toLowerCase())) return false;
  const origin = req.headers.origin;
  if (!origin) return true;
  try {
    return allowed.has(new URL(origin).host.toLowerCase());
  } catch {
    return false;
  }
}

async function serveMcp(req: IncomingMessage, res: ServerResponse, createMcpServer: () => McpServer): Promise<void> {
  const server = createMcpServer();
  const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true, maxRequestBodySize: MAX_BODY_BYTES });
  res.on("close", () => {
    void transport.close();
    void server.close();
  });
  await server.connect(transport);
  await transport.handleRequest(req, res);
}

/**
 * Serves one environment's tools over MCP streamable HTTP on 127.0.0.1, stateless (every POST is
 * a complete exchange, so nothing is held between calls and a restart loses nothing). Each request
 * must carry `Authorization: Bearer <the environment's token>`; anything else, including another
 * environment's token, is 401 `environment_token_invalid` before any tool code runs.
 */
export async function startAgentToolsHttp(opts: AgentToolsHttpOptions): Promise<AgentToolsHttp> {
  if (opts.token.length < 32) throw new Error("The environment token is too short; use createEnvironmentToken().");
  const sockets = new Set<Socket>();
  let port = 0;
  const http = createServer((req, res) => {
    const path = new URL(req.url ?? "/", "http://loopback").pathname;
    if (!fromLoopback(req, port)) return refuse(res, 403, "forbidden", "Only loopback requests addressed to 127.0.0.1 or localhost are served.");
    if (!sameSecret(opts.token, bearer(req.headers.authorization))) {
      return refuse(res, 401, "environment_token_invalid", "Send this environment's agent tools token as a bearer token.", { "www-authenticate": 'Bearer realm="agent-tools"' });
    }
    if (path !== MCP_PATH) return refuse(res, 404, "not_found", `The MCP endpoint is ${MCP_PATH}.`);
    if (req.method !== "POST") {
      // Stateless: no server-initiated stream to resume and no session to delete.
      res.writeHead(405, { allow: "POST", "content-type": "application/json" }).end(JSON.stringify({ jsonrpc: "2.0", error: { code: -32000, message: "Method not allowed." }, id: null }));
      return;
    }
    serveMcp(req, res, opts.createServer).catch((e: unknown) => {
      log.error("agent_tools.http_failed", { error: e instanceof Error ? e.name : typeof e });
      if (!res.headersSent) res.writeHead(500, { "content-type": "application/json" });
      res.end(JSON.stringify({ jsonrpc: "2.0", error: { code: -32603, message: "Internal error" }, id: null }));
    });
  });
  http.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    http.once("error", reject);
    http.listen(opts.port ?? 0, "127.0.0.1", () => resolve());
  });
  port = (http.address() as AddressInfo).port;
  let closing: Promise<void> | null = null;
  return {
    url: `http://127.0.0.1:${port}${MCP_PATH}`,
    close: () =>
      (closing ??= new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        http.close(() => resolve());
      })),
  };
}
