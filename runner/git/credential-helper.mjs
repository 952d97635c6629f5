#!/usr/bin/env node
// The git credential helper of the runner's environments. Git runs it (configured in each clone
// as `credential.helper`) with `get` or `erase` and the request on stdin; it forwards the request
// to the runner process over the runner's unix socket and prints the answer for git. It holds no
// secret, writes nothing, and is plain Node with no imports beyond `node:net`, so it starts fast.
//
//   credential-helper.mjs --socket <path> --environment <id> <get|store|erase>
//
// When the runner cannot answer, it says why on stderr and tells git to stop (`quit=1`) rather
// than fall back to prompting.
import net from "node:net";

const TIMEOUT_MS = 60_000;
const MAX_ANSWER_BYTES = 64 * 1024;

function fail(message) {
  process.stderr.write(`scm runner: ${message}\n`);
  process.stdout.write("quit=1\n");
  process.exit(0);
}

function parseArgs(argv) {
  const out = { socket: null, environment: null, operation: null };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === "--socket") out.socket = argv[++i] ?? null;
    else if (argv[i] === "--environment") out.environment = argv[++i] ?? null;
    else out.operation = argv[i];
  }
  return out;
}

function readStdin() {
  return new Promise((resolve) => {
    const chunks = [];
    process.stdin.on("data", (c) => chunks.push(c));
    process.stdin.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    process.stdin.on("error", () => resolve(""));
  });
}

/** git's credential format: `key=value` lines up to an empty line; `key[]` may repeat (kept once). */
function parseCredential(text) {
  const fields = {};
  for (const line of text.split("\n")) {
    if (line === "") break;
    const eq = line.indexOf("=");
    if (eq > 0) fields[line.slice(0, eq)] = line.slice(eq + 1);
  }
  return fields;
}

function ask(socketPath, request) {
  return new Promise((resolve, reject) => {
    const socket = net.createConnection(socketPath);
    const chunks = [];
    let size = 0;
    socket.setTimeout(TIMEOUT_MS, () => socket.destroy(new Error("the runner did not answer in time")));
    // One request line; the runner answers and closes.
    socket.on("connect", () => socket.write(JSON.stringify(request) + "\n"));
    socket.on("data", (c) => {
      size += c.length;
      if (size > MAX_ANSWER_BYTES) socket.destroy(new Error("the runner's answer is too large"));
      else chunks.push(c);
    });
    socket.on("error", reject);
    socket.on("close", () => {
      try {
        resolve(JSON.parse(Buffer.concat(chunks).toString("utf8")));
      } catch {
        reject(new Error("the runner's answer is not readable"));
      }
    });
  });
}

const args = parseArgs(process.argv.slice(2));
// `store` needs nothing from us: the runner keeps credentials, git must not.
if (args.operation !== "get" && args.operation !== "erase") process.exit(0);
if (!args.socket || !args.environment) fail("the credential helper is misconfigured (missing --socket or --environment).");

const fields = parseCredential(await readStdin());
let answer;
try {
  answer = await ask(args.socket, { v: 1, op: args.operation, environmentId: args.environment, protocol: fields.protocol ?? "", host: fields.host ?? "" });
} catch (e) {
  const reason = e && (e.code === "ENOENT" || e.code === "ECONNREFUSED") ? "the runner is not running (start it with `npm run runner -- start`)" : e.message;
  if (args.operation === "erase") process.exit(0);
  fail(`cannot get this environment's credentials: ${reason}.`);
}
if (args.operation === "erase") process.exit(0);
if (!answer || answer.ok !== true) fail(typeof answer?.message === "string" ? answer.message : "the runner refused the request.");
// Neither value may contain a newline (git's format is line-based); the runner guarantees it.
process.stdout.write(`username=${answer.username}\npassword=${answer.password}\n`);
