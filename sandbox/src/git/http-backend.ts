import { spawn } from "node:child_process";
import type { Ctx } from "../http/server";
import { trackChild } from "./processes";
import { gitEnv } from "./run-git";

export type GitService = "upload" | "receive";

export interface GitRequest {
  /** Repository path as the provider names it (`owner/name`, `org/project/name`). */
  repoPath: string;
  /** Path inside the repository: `info/refs`, `git-upload-pack`, `git-receive-pack`, ... */
  rest: string;
  service: GitService;
}

const GIT_SUFFIX = /^(.+?)(?:\.git)?\/(info\/refs|git-upload-pack|git-receive-pack|HEAD|objects\/.+)$/;

/** Recognises a smart-HTTP request: `/<repo path>[.git]/info/refs?service=...` and the RPC posts. */
export function parseGitRequest(rawPath: string, query: URLSearchParams, method: string): GitRequest | null {
  let path: string;
  try {
    path = decodeURIComponent(rawPath).replace(/^\/+/, "");
  } catch {
    return null; // malformed percent-encoding: not a git path the host serves
  }
  const m = GIT_SUFFIX.exec(path);
  if (!m || !m[1] || !m[2]) return null;
  const rest = m[2];
  const wantsReceive =
    rest === "git-receive-pack" || (rest === "info/refs" && query.get("service") === "git-receive-pack");
  if (rest === "git-receive-pack" && method !== "POST") return null;
  return { repoPath: m[1], rest, service: wantsReceive ? "receive" : "upload" };
}

export interface BackendOptions {
  /** Directory holding the bare repositories of this provider. */
  projectRoot: string;
  /** Path of the bare repository relative to projectRoot, e.g. `1234.git`. */
  repoDir: string;
  rest: string;
  remoteUser: string;
  home: string;
  onComplete?: (status: number) => void;
}

/**
 * Serves one smart-HTTP request through `git http-backend` (CGI): the request body is piped to
 * its stdin and its CGI headers are turned into the HTTP response.
 */
export function serveGitHttp(ctx: Ctx, opts: BackendOptions): Promise<void> {
  const { req, res } = ctx;
  const env = gitEnv(opts.home, {
    GIT_PROJECT_ROOT: opts.projectRoot,
    GIT_HTTP_EXPORT_ALL: "1",
    PATH_INFO: `/${opts.repoDir}/${opts.rest}`,
    REQUEST_METHOD: ctx.method,
    QUERY_STRING: ctx.url.search.replace(/^\?/, ""),
    CONTENT_TYPE: String(req.headers["content-type"] ?? ""),
    REMOTE_USER: opts.remoteUser,
    REMOTE_ADDR: req.socket.remoteAddress ?? "127.0.0.1",
    SERVER_PROTOCOL: "HTTP/1.1",
    GATEWAY_INTERFACE: "CGI/1.1",
  });
  if (req.headers["content-length"]) env.CONTENT_LENGTH = String(req.headers["content-length"]);
  if (req.headers["git-protocol"]) env.GIT_PROTOCOL = String(req.headers["git-protocol"]);
  if (req.headers["content-encoding"]) env.HTTP_CONTENT_ENCODING = String(req.headers["content-encoding"]);

  return new Promise((resolve) => {
    const child = spawn("git", ["http-backend"], { env: env as NodeJS.ProcessEnv, stdio: ["pipe", "pipe", "pipe"] });
    trackChild(opts.home, child);
    let head = Buffer.alloc(0);
    let headersDone = false;
    let status = 200;
    const stderr: Buffer[] = [];
    child.stderr.on("data", (chunk: Buffer) => stderr.push(chunk));
    child.stdout.on("data", (chunk: Buffer) => {
      if (headersDone) {
        res.write(chunk);
        return;
      }
      head = Buffer.concat([head, chunk]);
      let end = head.indexOf("\r\n\r\n");
      let sepLength = 4;
      if (end < 0) {
        end = head.indexOf("\n\n");
        sepLength = 2;
      }
      if (end < 0) return;
      headersDone = true;
      for (const line of head.subarray(0, end).toString("latin1").split(/\r?\n/)) {
        const colon = line.indexOf(":");
        if (colon < 0) continue;
        const name = line.slice(0, colon).trim();
        const value = line.slice(colon + 1).trim();
        if (name.toLowerCase() === "status") status = Number.parseInt(value, 10) || 200;
        else res.setHeader(name, value);
      }
      res.statusCode = status;
      const body = head.subarray(end + sepLength);
      if (body.length > 0) res.write(body);
    });
    child.on("error", () => {
      if (!res.headersSent) ctx.text(500, "git http-backend failed to start\n");
      resolve();
    });
    child.on("close", (code) => {
      if (!headersDone) {
        const message = Buffer.concat(stderr).toString("utf8").trim() || `git http-backend exited with ${code}`;
        ctx.text(500, `${message}\n`);
        opts.onComplete?.(500);
      } else {
        res.end();
        opts.onComplete?.(status);
      }
      resolve();
    });
    child.stdin.on("error", () => undefined);
    req.pipe(child.stdin);
    // The client went away before the backend finished: stop it rather than let it linger.
    res.on("close", () => {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
    });
  });
}
