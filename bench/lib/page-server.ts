import crypto from "node:crypto";
import { HttpClient, signInWithCredentials, type TimedResponse } from "./http";
import type { Measurement } from "./measure";
import { QueryLog } from "./queries";
import type { Scope } from "./scope";
import { startNextServer, type RunningServer } from "./server";
import { ms } from "./stats";

/**
 * `next start` for timing pages: on the benchmark's fresh database (`appEnv`), with every SQL
 * statement logged so requests can be counted, and a way to get signed-in clients (one kept-alive
 * connection each, closed with the scope).
 */
export async function startPageServer(opts: { root: string; scope: Scope; log: (m: string) => void; appEnv: Record<string, string> }): Promise<{
  server: RunningServer;
  queries: QueryLog;
  signIn: (user: { email: string; password: string; callbackPath: string }) => Promise<HttpClient>;
}> {
  const server = await startNextServer({
    root: opts.root,
    scope: opts.scope,
    log: opts.log,
    env: { ...opts.appEnv, AUTH_SECRET: crypto.randomBytes(32).toString("base64url"), LOG_QUERIES: "1", LOG_LEVEL: "info" },
  });
  const signIn = async (user: { email: string; password: string; callbackPath: string }) => {
    const client = new HttpClient(server.baseUrl);
    opts.scope.add(`close the HTTP client of ${user.email}`, () => client.close());
    await signInWithCredentials(client, { baseUrl: server.baseUrl, ...user });
    return client;
  };
  return { server, queries: new QueryLog(server), signIn };
}

/** A response check for `measureRequests`: a 200 HTML page containing every one of `expect`. */
export function pageCheck(expect: string[]): (res: TimedResponse) => string | null {
  return (res) => {
    if (res.status !== 200) return `status ${res.status}${res.headers.location ? ` → ${res.headers.location}` : ""}`;
    if (!String(res.headers["content-type"] ?? "").includes("text/html")) return `content-type ${res.headers["content-type"]}`;
    const missing = expect.filter((e) => !res.body.includes(e));
    if (missing.length > 0) return `the page lacks ${missing.map((m) => JSON.stringify(m)).join(", ")} (signed out, or an error page?)`;
    return null;
  };
}

/** "median … · p95 … · SQL n (max m) · n=samples" for a table row. */
export function timingLine(m: Measurement): string {
  const q = m.queries ? ` · SQL ${m.queries.median} (max ${m.queries.max})` : "";
  return `median ${ms(m.total.median)} · p95 ${ms(m.total.p95)}${q} · n=${m.samples}`;
}
