import http from "node:http";

/** The header the plane's HTTP server writes with the client's address; a client's own value is replaced. */
export const CLIENT_ADDRESS_HEADER = "x-scm-client-address";

/**
 * The client's address for one request: the connection's peer, or, behind `trustedProxies`
 * reverse proxies that each append to X-Forwarded-For, the entry the outermost trusted proxy saw.
 * Entries a client wrote itself (to the left) are never used, so rotating a forged
 * X-Forwarded-For does not make a new client.
 */
export function clientAddressOf(opts: { peer: string | undefined; forwardedFor: string | string[] | undefined; trustedProxies: number }): string {
  const forwarded = (Array.isArray(opts.forwardedFor) ? opts.forwardedFor.join(",") : (opts.forwardedFor ?? ""))
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  const chain = [...forwarded, opts.peer ?? "unknown"];
  const index = Math.max(0, chain.length - 1 - Math.max(0, opts.trustedProxies));
  return (chain[index] ?? "unknown").slice(0, 100);
}

let installed = false;

/**
 * Makes the plane's Node HTTP server write `CLIENT_ADDRESS_HEADER` on every request before Next
 * sees it. Next itself only fills X-Forwarded-For when the client sent none, so that header alone
 * cannot tell a client from a forger. Called once at start (instrumentation).
 */
export function installClientAddressHeader(opts: { trustedProxies: number }): void {
  if (installed) return;
  installed = true;
  const emit = http.Server.prototype.emit as (this: http.Server, event: string | symbol, ...args: unknown[]) => boolean;
  http.Server.prototype.emit = function (this: http.Server, event: string | symbol, ...args: unknown[]) {
    if (event === "request") {
      const req = args[0] as http.IncomingMessage;
      req.headers[CLIENT_ADDRESS_HEADER] = clientAddressOf({
        peer: req.socket?.remoteAddress,
        forwardedFor: req.headers["x-forwarded-for"],
        trustedProxies: opts.trustedProxies,
      });
    }
    return emit.call(this, event, ...args);
  } as typeof http.Server.prototype.emit;
}

/**
 * The client address for rate limits, from request headers: what `installClientAddressHeader`
 * wrote, or "unknown" where it is not installed (every such request then shares one budget).
 */
export function clientAddressFromHeaders(headers: { get(name: string): string | null }): string {
  return headers.get(CLIENT_ADDRESS_HEADER) || "unknown";
}
