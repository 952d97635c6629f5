import fs from "node:fs/promises";
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

type Answer = { ok: true; username: string; password: string } | { ok: true } | { ok: false; code: string; message: string };

type HelperRequest = { v: 1; op: "get" | "erase"; environmentId: string; protocol: string; host: string };

function parseRequest(line: string): HelperRequest | null {
  try {
    const value = JSON.parse(line) as Partial<HelperRequest>;
    if (value.v !== 1 || (value.op !== "get" && value.op !== "erase") || !isEnvironmentId(value.environmentId)) return null;
    return { v: 1, op: value.op, environmentId: value.environmentId, protocol: String(value.protocol ?? ""), host: String(value.host ?? "") };
  } catch {
    return null;
  }
}

async function answer(request: HelperRequest, dataDir: string, broker: CredentialBroker): Promise<Answer> {
  const record = await readEnvironmentRecord(dataDir, request.environmentId);
  if (!record) return { ok: false, code: "not_found", message: `this runner has no environment ${request.environmentId}.` };
  const owner = { userId: record.ownerId, host: record.host };
  if (request.op === "erase") {
    // git says the provider refused what it was given: ask the plane afresh next time.
    broker.forget(owner);
    return { ok: true };
  }
  // Only for the environment's own host and protocol: a remote added elsewhere never gets the token.
  if (request.host.toLowerCase() !== record.host.toLowerCase() || `${request.protocol}:` !== record.protocol) {
    return { ok: false, code: "repository_host_mismatch", message: `this environment's credentials are only for ${record.protocol}//${record.host}, not ${request.protocol}://${request.host}.` };
  }
  const credential = await broker.acquire({ ...owner, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS * 3) });
  const git = getProviderClient(credential.integration.provider).gitCredentials(credential.source, credential.login, credential.accessToken);
  if (/[\r\n\0]/.test(git.username + git.password)) return { ok: false, code: "credential_needs_reauth", message: "the stored credential cannot be given to git." };
  log.info("git_credential.served", { environmentId: record.environmentId, host: record.host, credentialId: credential.id, generation: credential.generation });
  return { ok: true, username: git.username, password: git.password };
}

function failureAnswer(e: unknown, environmentId: string | null): Answer {
  if (isAppError(e)) {
    log.warn("git_credential.refused", { environmentId, errorCode: e.code });
    return { ok: false, code: e.code, message: e.message };
  }
  log.error("git_credential.failed", { environmentId, error: e instanceof Error ? e.message : String(e) });
  return { ok: false, code: "internal_error", message: "the runner failed to get the credential; see its log." };
}

function serve(socket: net.Socket, dataDir: string, broker: CredentialBroker): void {
  let buffered = "";
  let handled = false;
  socket.setTimeout(REQUEST_TIMEOUT_MS, () => socket.destroy());
  socket.on("error", () => {});
  socket.on("data", (chunk: Buffer) => {
    if (handled) return;
    buffered += chunk.toString("utf8");
    if (buffered.length > MAX_REQUEST_BYTES) return socket.destroy();
    const newline = buffered.indexOf("\n");
    if (newline < 0) return;
    handled = true;
    socket.setTimeout(0);
    const request = parseRequest(buffered.slice(0, newline));
    const reply = request ? answer(request, dataDir, broker).catch((e: unknown) => failureAnswer(e, request.environmentId)) : Promise.resolve(failureAnswer(new Error("malformed request"), null));
    void reply.then((body) => socket.end(JSON.stringify(body)));
  });
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
 * Serves the git credential helper of this runner's environments on a unix socket in the data
 * directory (mode 0600, in a 0700 directory): for an environment this runner created, it hands git
 * the owner's current token for the environment's host only, through the credential broker (which
 * fetches, opens and refreshes it). Refuses to start while another runner process serves the same
 * data directory; a socket left by a crashed runner is replaced.
 */
export async function startCredentialServer(opts: { dataDir: string; broker: CredentialBroker }): Promise<CredentialServer> {
  const socketPath = path.join(opts.dataDir, CREDENTIAL_SOCKET_FILE);
  if (Buffer.byteLength(socketPath) > MAX_SOCKET_PATH_BYTES) {
    throw new Error(`The data directory's path is too long for the git credential socket (${socketPath}); use a shorter --data-dir.`);
  }
  if (await answers(socketPath)) throw new Error(`Another runner process is already using the data directory ${opts.dataDir}.`);
  await fs.rm(socketPath, { force: true });
  const server = net.createServer((socket) => serve(socket, opts.dataDir, opts.broker));
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
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await fs.rm(socketPath, { force: true });
    },
  };
}
