import fs from "node:fs/promises";
import http from "node:http";
import net from "node:net";
import path from "node:path";
import { isAppError } from "@/lib/errors/app-error";
import { log } from "@/lib/log/logger";
import type { CredentialBroker } from "../credentials/credential-broker";
import { getProviderClient } from "../providers";
import { isEnvironmentId, readEnvironmentRecord } from "./environment-record";

/** The socket the credential helper talks to, in the data directory (itself 0700). */
export const CREDENTIAL_SOCKET_FILE = "git-credential.sock";
/** Unix socket paths are limited to about 108 bytes. */
const MAX_SOCKET_PATH_BYTES = 100;
const MAX_REQUEST_BYTES = 16 * 1024;
const REQUEST_TIMEOUT_MS = 10_000;

export type CredentialServer = { socketPath: string; close: () => Promise<void> };

/** An answer in git's credential format (`key=value` lines), or `error=<message>` for the helper to print. */
type Answer = { status: number; body: string };

type HelperRequest = { op: "get" | "erase"; environmentId: string; protocol: string; host: string };

const ROUTE = /^\/v1\/environments\/([^/]+)\/git-credential\/(get|erase)$/;

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

async function answer(request: HelperRequest, dataDir: string, broker: CredentialBroker): Promise<Answer> {
  const record = await readEnvironmentRecord(dataDir, request.environmentId);
  if (!record) return refusal(404, `this runner has no environment ${request.environmentId}.`);
  const owner = { userId: record.ownerId, host: record.host };
  if (request.op === "erase") {
    // git says the provider refused what it was given: ask the plane afresh next time.
    broker.forget(owner);
    return { status: 200, body: "" };
  }
  // Only for the environment's own host and protocol: a remote added elsewhere never gets the token.
  if (request.host.toLowerCase() !== record.host.toLowerCase() || `${request.protocol}:` !== record.protocol) {
    return refusal(403, `this environment's credentials are only for ${record.protocol}//${record.host}, not ${request.protocol}://${request.host}.`);
  }
  const credential = await broker.acquire({ ...owner, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS * 3) });
  const git = getProviderClient(credential.integration.provider).gitCredentials(credential.source, credential.login, credential.accessToken);
  if (/[\r\n\0]/.test(git.username + git.password)) return refusal(409, "the stored credential cannot be given to git.");
  log.info("git_credential.served", { environmentId: record.environmentId, host: record.host, connectionId: credential.id, generation: credential.generation });
  return { status: 200, body: `username=${git.username}\npassword=${git.password}\n` };
}

function failureAnswer(e: unknown, environmentId: string | null): Answer {
  if (isAppError(e)) {
    log.warn("git_credential.refused", { environmentId, errorCode: e.code });
    return refusal(e.status, e.message);
  }
  log.error("git_credential.failed", { environmentId, error: e instanceof Error ? e.message : String(e) });
  return refusal(500, "the runner failed to get the credential; see its log.");
}

async function readBody(request: http.IncomingMessage): Promise<string | null> {
  let body = "";
  for await (const chunk of request) {
    body += (chunk as Buffer).toString("utf8");
    if (body.length > MAX_REQUEST_BYTES) return null;
  }
  return body;
}

/** One helper request: `POST /v1/environments/{id}/git-credential/{get|erase}` with git's description as the body. */
async function serve(request: http.IncomingMessage, dataDir: string, broker: CredentialBroker): Promise<Answer> {
  const route = ROUTE.exec(request.url ?? "");
  const environmentId = route ? decodeURIComponent(route[1]!) : null;
  if (request.method !== "POST" || !route || !isEnvironmentId(environmentId)) return refusal(404, "not a request the runner's credential helper makes.");
  const body = await readBody(request);
  if (body === null) return refusal(413, "the request is too large.");
  const fields = parseDescription(body);
  const helperRequest: HelperRequest = { op: route[2] as HelperRequest["op"], environmentId, protocol: fields.protocol ?? "", host: fields.host ?? "" };
  return answer(helperRequest, dataDir, broker).catch((e: unknown) => failureAnswer(e, environmentId));
}

/** Whether a runner process already answers on this socket. */
function answers(socketPath: string): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = net.createConnection(socketPath);
    probe.once("connect", () => {
      probe.destroy();
      resolve(true);
    });
    probe.once("error", () => resolve(false));
  });
}

/**
 * Serves the git credential helper of this runner's environments (credential-helper.sh, or .mjs
 * without curl) over HTTP on a unix socket in the data directory (mode 0600, in a 0700 directory):
 * for an environment this runner created, it hands git the owner's current token for the
 * environment's host only, through the credential broker (which fetches, opens and refreshes it).
 * Refuses to start while another runner process serves the same data directory; a socket left by a
 * crashed runner is replaced.
 */
export async function startCredentialServer(opts: { dataDir: string; broker: CredentialBroker }): Promise<CredentialServer> {
  const socketPath = path.join(opts.dataDir, CREDENTIAL_SOCKET_FILE);
  if (Buffer.byteLength(socketPath) > MAX_SOCKET_PATH_BYTES) {
    throw new Error(`The data directory's path is too long for the git credential socket (${socketPath}); use a shorter --data-dir.`);
  }
  if (await answers(socketPath)) throw new Error(`Another runner process is already using the data directory ${opts.dataDir}.`);
  await fs.rm(socketPath, { force: true });
  const server = http.createServer((request, response) => {
    void serve(request, opts.dataDir, opts.broker)
      .catch(() => refusal(400, "the request could not be read."))
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
  await fs.chmod(socketPath, 0o600);
  return {
    socketPath,
    close: async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
      await fs.rm(socketPath, { force: true });
    },
  };
}
