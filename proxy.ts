import { NextResponse, type NextRequest } from "next/server";
import { AppError, errorBody } from "@/lib/errors/app-error";

/**
 * Every page gets a Content-Security-Policy with a fresh script nonce (Next puts it on its own
 * scripts; 'strict-dynamic' lets those load their chunks; 'wasm-unsafe-eval' is for libsodium,
 * which seals secrets in the browser). A POST to a page from another site (a cross-site server
 * action call) is refused here with 403 `cross_site_request`, before Next would answer 500.
 * Route handlers (/api) check their own callers.
 */
export function proxy(request: NextRequest) {
  if (request.method === "POST" && isCrossSite(request)) {
    return NextResponse.json(errorBody(new AppError("cross_site_request")), { status: 403, headers: { "Cache-Control": "no-store" } });
  }
  const nonce = Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString("base64");
  const csp = contentSecurityPolicy(nonce);
  const headers = new Headers(request.headers);
  headers.set("x-nonce", nonce);
  headers.set("content-security-policy", csp);
  const response = NextResponse.next({ request: { headers } });
  response.headers.set("Content-Security-Policy", csp);
  return response;
}

function contentSecurityPolicy(nonce: string): string {
  const dev = process.env.NODE_ENV === "development";
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic' 'wasm-unsafe-eval'${dev ? " 'unsafe-eval'" : ""}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "frame-ancestors 'none'",
  ].join("; ");
}

/** The same test as the server actions' own (lib/actions/run-action.ts): the browser's Origin must be this host. */
function isCrossSite(request: NextRequest): boolean {
  if (request.headers.get("sec-fetch-site") === "cross-site") return true;
  const origin = request.headers.get("origin");
  if (!origin) return false;
  const host = request.headers.get("x-forwarded-host") ?? request.headers.get("host");
  try {
    return new URL(origin).host !== host;
  } catch {
    return true; // "null" (an opaque origin) and anything unparseable
  }
}

export const config = {
  matcher: [{ source: "/((?!api/|_next/static|_next/image|favicon.ico).*)" }],
};
