import type { Ctx } from "./http/server";
import type { SandboxStore } from "./store";
import type { Fault, ProviderId } from "./types";

/** How a provider answers an injected status or SSO fault, in its own error format. */
export interface FaultResponder {
  status(ctx: Ctx, status: number, fault: Fault): void;
  sso(ctx: Ctx, fault: Fault): void;
}

/** Whether a fault applies to a request on one provider host. */
export function faultMatches(fault: Fault, provider: ProviderId, host: string, method: string, path: string): boolean {
  if (fault.provider !== provider) return false;
  if (fault.host !== null && fault.host !== host) return false;
  if (fault.method !== null && fault.method.toUpperCase() !== method) return false;
  if (fault.pathPrefix !== null && !path.startsWith(fault.pathPrefix)) return false;
  if (fault.pathRegex !== null && !new RegExp(fault.pathRegex).test(path)) return false;
  return true;
}

function consume(store: SandboxStore, fault: Fault): void {
  fault.hits += 1;
  if (fault.remaining === null) return;
  fault.remaining -= 1;
  if (fault.remaining <= 0) {
    const index = store.faults.indexOf(fault);
    if (index >= 0) store.faults.splice(index, 1);
  }
}

function sleepUnlessClosed(ctx: Ctx, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      ctx.res.off("close", onClose);
      resolve(true);
    }, ms);
    const onClose = () => {
      if (!ctx.res.writableEnded) {
        clearTimeout(timer);
        resolve(false);
      }
    };
    ctx.res.on("close", onClose);
  });
}

/** Standard rate-limit headers for a 403/429 fault (GitHub's names; other providers ignore them). */
export function rateLimitHeaders(fault: Fault): Record<string, string> {
  const retryAfter = fault.retryAfterSeconds ?? 60;
  return {
    "Retry-After": String(retryAfter),
    "x-ratelimit-limit": "5000",
    "x-ratelimit-remaining": "0",
    "x-ratelimit-used": "5000",
    "x-ratelimit-reset": String(Math.floor(Date.now() / 1000) + retryAfter),
    "x-ratelimit-resource": "core",
  };
}

/**
 * Applies the faults matching this request, in the order they were added: latencies add up,
 * `expire_tokens` marks the request, and the first terminal fault (hang, status, SSO, unreachable)
 * decides the answer.
 */
export async function applyFaults(
  store: SandboxStore,
  provider: ProviderId,
  host: string,
  ctx: Ctx,
  responder: FaultResponder,
): Promise<"continue" | "handled"> {
  const matching = store.faults.filter((fault) => faultMatches(fault, provider, host, ctx.method, ctx.path));
  for (const fault of matching) {
    consume(store, fault);
    ctx.fault = fault;
    switch (fault.kind) {
      case "latency": {
        const alive = await sleepUnlessClosed(ctx, fault.latencyMs);
        if (!alive) return "handled";
        break;
      }
      case "expire_tokens":
        ctx.expireTokens = true;
        break;
      case "hang":
        logUnanswered(store, provider, host, ctx, fault);
        // Never answer; the socket stays open until the client gives up (or the sandbox closes).
        return "handled";
      case "unreachable":
        logUnanswered(store, provider, host, ctx, fault);
        ctx.req.socket.destroy();
        return "handled";
      case "status":
        ctx.forcedHeaders = fault.headers;
        responder.status(ctx, fault.status ?? 500, fault);
        return "handled";
      case "sso_required":
        responder.sso(ctx, fault);
        return "handled";
    }
  }
  return "continue";
}

function logUnanswered(store: SandboxStore, provider: ProviderId, host: string, ctx: Ctx, fault: Fault): void {
  store.logRequest({
    at: Date.now(),
    provider,
    host,
    method: ctx.method,
    path: ctx.path,
    status: 0,
    durationMs: 0,
    fault: fault.kind,
  });
}
