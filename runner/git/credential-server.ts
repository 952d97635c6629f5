import fs from "node:fs/promises";
import http from "node:http";
import { isAppError } from "@/lib/errors/app-error";
import { errorCatalogue, isErrorCode } from "@/lib/errors/catalogue";
import type { EnvironmentRefusal } from "@/lib/runners/protocol";
import { log } from "@/runner/log";
import type { CredentialBroker } from "../credentials/credential-broker";
import { getProviderClient } from "../providers";
import { environmentSocket, socketsDir, type EnvironmentRecord } from "./environment-record";

/** Unix socket paths are limited to about 108 bytes. */
const MAX_SOCKET_PATH_BYTES = 104;
const MAX_REQUEST_BYTES = 16 * 1024;
const REQUEST_TIMEOUT_MS = 10_000;
/** Security events one environment may cause per minute (more are refused all the same, just not reported). */
const REFUSAL_REPORTS_PER_MINUTE = 10;

/** An answer in git's credential format (`key=value` lines), or `error=<message>` for the helper to print. */
type Answer = { status: number; body: string };

/** What the helper asks: `/v1/git-credential/{op}` (and, from clones of older runners, `/v1/environments/{id}/git-credential/{op}`). */
const ROUTE = /^\/v1\/git-credential\/(get|erase)$/;
const LEGACY_ROUTE = /^\/v1\/environments\/([^/?#]*)\/git-credential\/(get|erase)$/;

/** The same words for every request that is not this environment's own, whatever it named. */
const NOT_YOURS = "refused: this environment's credential socket serves only this environment's own git credentials. The attempt was recorded.";

/** Where a refused request is reported (the plane's security events). */
export type RefusalReporter = (environmentId: string, refusal: EnvironmentRefusal) => Promise<void>;

/** The environment's socket, who may open it, and the record it answers for. */
export type SocketOwner = { record: EnvironmentRecord; gid: number | null };

export type CredentialSockets = {
  /** Serves an environment's socket (replacing one a crashed runner left); resolves with its path. */
  serve: (owner: SocketOwner) => Promise<string>;
  /** Stops serving an environment (it is being deleted) and removes its socket. */
  stop: (environmentId: string) => Promise<void>;
  served: () => string[];
  close: () => Promise<void>;
};

/** git's credential description: `key=value` lines up to an empty line. */
function parseDescription(text: string): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const line of text.split("\n")) {
    if (line === "") break;
    const eq = line.indexOf("=");
    if (eq > 0) fields[line.slice(0, eq)] = line.slice(eq + 1);
  }
  return fields;
}

function refusal(status: number, message: string): Answer {
  return { status, body: `error=${message.replace(/[\r\n]+/g, " ")}\n` };
}

/** What git prints for a refusal the plane made (a disabled owner, a deleted environment): what happened and what to do. */
function refusalText(e: { code: string; message: string }): string {
  if (e.code === "environment_owner_disabled" || e.code === "environment_deleted") {
    const entry = errorCatalogue[e.code];
    return `${entry.title}: ${entry.explanation} ${entry.remedy}`;
  }
  return e.message || (isErrorCode(e.code) ? errorCatalogue[e.code].title : "refused");
}

async function readBody(request: http.IncomingMessage): Promise<string | null> {
  let body = "";
  for await (const chunk of request) {
    body += (chunk as Buffer).toString("utf8");
    if (body.length > MAX_REQUEST_BYTES) return null;
  }
  return body;
}

/**
 * The git credential helper's server: one unix socket per environment, `<dataDir>/sockets/<id>.sock`,
 * owned by the runner with the environment's group and mode 0660 (0600 on a runner that does not
 * isolate), in a directory nobody else can list. Only the environment's own identity can open it,
 * so the runner knows who asks from the OS, never from the request: a request naming anything but
 * its own environment is refused in the same words whatever it named, and reported to the plane as
 * a security event. For its own environment, it hands git the owner's current token for the
 * environment's host and protocol only, fetched from the plane on every request (which refuses a
 * deleted environment or a disabled owner at once).
 */
export async function startCredentialSockets(opts: { dataDir: string; broker: CredentialBroker; report: RefusalReporter }): Promise<CredentialSockets> {
  await fs.mkdir(socketsDir(opts.dataDir), { recursive: true, mode: 0o711 });
  await fs.chmod(socketsDir(opts.dataDir), 0o711);
  const servers = new Map<string, http.Server>();
  const reports = new Map<string, number[]>();

  const report = (environmentId: string, refused: EnvironmentRefusal) => {
    const now = Date.now();
    const recent = (reports.get(environmentId) ?? []).filter((t) => now - t < 60_000);
    log.warn("git_credential.security_refusal", { environmentId, reason: refused.reason });
    if (recent.length >= REFUSAL_REPORTS_PER_MINUTE) return;
    reports.set(environmentId, [...recent, now]);
    void opts.report(environmentId, refused).catch((e: unknown) => log.warn("git_credential.report_failed", { environmentId, error: e instanceof Error ? e.message : String(e) }));
  };

  const answer = async (record: EnvironmentRecord, request: http.IncomingMessage): Promise<Answer> => {
    const url = request.url ?? "";
    const own = ROUTE.exec(url);
    const legacy = own ? null : LEGACY_ROUTE.exec(url);
    const legacyOwn = legacy && safeDecode(legacy[1]!) === record.environmentId;
    if (request.method !== "POST" || (!own && !legacyOwn)) {
      report(record.environmentId, { reason: legacy ? "other_environment" : "malformed_request" });
      return refusal(403, NOT_YOURS);
    }
    const op = (own ?? legacy)![own ? 1 : 2] as "get" | "erase";
    const body = await readBody(request);
    if (body === null) return refusal(413, "the request is too large.");
    const fields = parseDescription(body);
    const owner = { userId: record.ownerId, host: record.host };
    if (op === "erase") {
      // git says the provider refused what it was given: nothing is cached for git, so nothing to drop but the jobs' copy.
      opts.broker.forget(owner);
      return { status: 200, body: "" };
    }
    // Only for the environment's own host and protocol: a remote added elsewhere never gets the token.
    const protocol = fields.protocol ?? "";
    const host = fields.host ?? "";
    if (host.toLowerCase() !== record.host.toLowerCase() || `${protocol}:` !== record.protocol) {
      return refusal(403, `this environment's credentials are only for ${record.protocol}//${record.host}, not ${protocol}://${host}.`);
    }
    const credential = await opts.broker.acquireForEnvironment({ ...owner, environmentId: record.environmentId, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS * 3) });
    const git = getProviderClient(credential.integration.provider).gitCredentials(credential.source, credential.login, credential.accessToken);
    if (/[\r\n\0]/.test(git.username + git.password)) return refusal(409, "the stored credential cannot be given to git.");
    log.info("git_credential.served", { environmentId: record.environmentId, host: record.host, tokenId: credential.id, generation: credential.generation });
    return { status: 200, body: `username=${git.username}\npassword=${git.password}\n` };
  };

  const failureAnswer = (e: unknown, environmentId: string): Answer => {
    if (isAppError(e) || (e instanceof Error && "code" in e && typeof e.code === "string" && "status" in e && typeof e.status === "number")) {
      const failure = e as Error & { code: string; status: number };
      log.warn("git_credential.refused", { environmentId, errorCode: failure.code });
      return refusal(failure.status, refusalText(failure));
    }
    log.error("git_credential.failed", { environmentId, error: e instanceof Error ? e.message : String(e) });
    return refusal(500, "the runner failed to get the credential; see its log.");
  };

  const serve = async ({ record, gid }: SocketOwner): Promise<string> => {
    const socketPath = environmentSocket(opts.dataDir, record.environmentId);
    if (servers.has(record.environmentId)) return socketPath;
    if (Buffer.byteLength(socketPath) > MAX_SOCKET_PATH_BYTES) {
      throw new Error(`The data directory's path is too long for a git credential socket (${socketPath}); use a shorter --data-dir.`);
    }
    await fs.rm(socketPath, { force: true });
    const server = http.createServer((request, response) => {
      void answer(record, request)
        .catch((e: unknown) => failureAnswer(e, record.environmentId))
        .then(({ status, body }) => {
          response.writeHead(status, { "content-type": "text/plain; charset=utf-8", "cache-control": "no-store" }).end(body);
        });
    });
    server.requestTimeout = REQUEST_TIMEOUT_MS * 4;
    server.headersTimeout = REQUEST_TIMEOUT_MS;
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(socketPath, () => {
        server.off("error", reject);
        resolve();
      });
    });
    // Who may connect: the environment's group (its identity alone), or the runner's user alone.
    if (gid !== null) await fs.chown(socketPath, process.getuid?.() ?? 0, gid);
    await fs.chmod(socketPath, gid !== null ? 0o660 : 0o600);
    servers.set(record.environmentId, server);
    return socketPath;
  };

  const stopServer = async (environmentId: string, server: http.Server) => {
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeAllConnections();
    await closed;
    await fs.rm(environmentSocket(opts.dataDir, environmentId), { force: true });
  };

  return {
    serve,
    stop: async (environmentId) => {
      const server = servers.get(environmentId);
      servers.delete(environmentId);
      if (server) await stopServer(environmentId, server);
      else await fs.rm(environmentSocket(opts.dataDir, environmentId), { force: true });
    },
    served: () => [...servers.keys()],
    close: async () => {
      const all = [...servers.entries()];
      servers.clear();
      await Promise.all(all.map(([id, server]) => stopServer(id, server)));
    },
  };
}

function safeDecode(value: string): string | null {
  try {
    return decodeURIComponent(value);
  } catch {
    return null;
  }
}
