#!/usr/bin/env node
// The runner's git credential helper where curl is not installed (credential-helper.sh runs it
// then): the same request to the runner over its unix socket, in plain Node with nothing but
// `node:http`, so it starts as fast as Node can.
//
//   credential-helper.mjs --socket <path> <get|erase>
import http from "node:http";

const TIMEOUT_MS = 60_000;
const MAX_ANSWER_BYTES = 64 * 1024;

function fail(message) {
  process.stderr.write(`scm runner: ${message}\n`);
  process.stdout.write("quit=1\n");
  process.exit(0);
}

function parseArgs(argv) {
  const out = { socket: null, operation: null };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === "--socket") out.socket = argv[++i] ?? null;
    else if (argv[i] === "--environment") i++; // written by older runners; the socket says who asks
    else out.operation = argv[i];
  }
  return out;
}

function readStdin() {
  return new Promise((resolve) => {
    const chunks = [];
    process.stdin.on("data", (c) => chunks.push(c));
    process.stdin.on("end", () => resolve(Buffer.concat(chunks)));
    process.stdin.on("error", () => resolve(Buffer.alloc(0)));
  });
}

function ask(socketPath, path, body) {
  return new Promise((resolve, reject) => {
    const request = http.request({ socketPath, path, method: "POST", headers: { "content-length": body.length }, timeout: TIMEOUT_MS }, (response) => {
      const chunks = [];
      let size = 0;
      response.on("data", (c) => {
        size += c.length;
        if (size > MAX_ANSWER_BYTES) request.destroy(new Error("the runner's answer is too large"));
        else chunks.push(c);
      });
      response.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    });
    request.on("timeout", () => request.destroy(new Error("the runner did not answer in time")));
    request.on("error", reject);
    request.end(body);
  });
}

const args = parseArgs(process.argv.slice(2));
if (args.operation !== "get" && args.operation !== "erase") process.exit(0);
if (!args.socket) fail("the credential helper is misconfigured (missing --socket).");

const path = `/v1/git-credential/${args.operation}`;
let answer;
try {
  answer = await ask(args.socket, path, await readStdin());
} catch (e) {
  if (args.operation === "erase") process.exit(0);
  const down = e && (e.code === "ENOENT" || e.code === "ECONNREFUSED");
  fail(`cannot get this environment's credentials: ${down ? "the runner is not running, or this environment was deleted" : e.message}.`);
}
if (answer.startsWith("error=")) fail(answer.slice("error=".length).trim());
if (answer) process.stdout.write(answer.endsWith("\n") ? answer : `${answer}\n`);
