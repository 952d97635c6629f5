import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../../..", import.meta.url));
const CLI = path.join(ROOT, "runner", "cli.ts");

/** One JSON log line of the runner. */
export type LogLine = Record<string, unknown> & { event?: string };

/** A runner CLI started as a child process, with its output captured for assertions. */
export type RunnerProcess = {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  /** The JSON log lines printed so far. */
  logs: () => LogLine[];
  /** Resolves with the first log line (past or future) matching `match`; rejects after `timeoutMs`. */
  waitForLog: (match: (line: LogLine) => boolean, timeoutMs?: number) => Promise<LogLine>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
};

/** Every runner process the tests started, so afterAll can make sure none outlives them. */
const started = new Set<ChildProcess>();
/** Set by killAllRunners: a test body still running after its file ended must not start more. */
let closed = false;
/** No runner process lives longer than this, whatever happens to the test that started it. */
const MAX_LIFETIME_MS = 300_000;

/** What the tests start as the runner: the sources through tsx unless a test file switched to the artifact. */
let runnerCommand: { args: string[]; cwd: string; env: NodeJS.ProcessEnv } = { args: ["--import", "tsx", CLI], cwd: ROOT, env: process.env };

/**
 * Makes this test file's runners the installed artifact `bundle` (scm-runner.mjs), run with plain
 * `node` from `cwd` with no loader, no NODE_PATH and nothing of the repository in reach.
 */
export function useRunnerArtifact(bundle: string, cwd: string): void {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of Object.keys(env)) if (name === "NODE_OPTIONS" || name === "NODE_PATH" || name.startsWith("npm_") || name.startsWith("VITEST")) delete env[name];
  runnerCommand = { args: [bundle], cwd, env };
}

/** Starts `runner/cli.ts` with the repository's tsx loader (what `npm run runner --` runs, minus npm), or the artifact (`useRunnerArtifact`). */
export function spawnRunner(args: string[], env: Record<string, string | undefined> = {}): RunnerProcess {
  if (closed) throw new Error("the test file has finished; not starting another runner");
  const child = spawn(process.execPath, [...runnerCommand.args, ...args], {
    cwd: runnerCommand.cwd,
    env: { ...runnerCommand.env, LOG_LEVEL: "info", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  started.add(child);
  const lifetime = setTimeout(() => child.kill("SIGKILL"), MAX_LIFETIME_MS);
  child.once("exit", () => clearTimeout(lifetime));
  let out = "";
  let err = "";
  const listeners = new Set<() => void>();
  child.stdout!.on("data", (chunk: Buffer) => {
    out += chunk.toString("utf8");
    for (const l of listeners) l();
  });
  child.stderr!.on("data", (chunk: Buffer) => {
    err += chunk.toString("utf8");
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.on("exit", (code, signal) => {
      started.delete(child);
      resolve({ code, signal });
      for (const l of listeners) l();
    });
  });
  const logs = (): LogLine[] =>
    out
      .split("\n")
      .filter((line) => line.startsWith("{"))
      .map((line) => {
        try {
          return JSON.parse(line) as LogLine;
        } catch {
          return {};
        }
      });
  const waitForLog = (match: (line: LogLine) => boolean, timeoutMs = 30_000): Promise<LogLine> =>
    new Promise((resolve, reject) => {
      const check = () => {
        const found = logs().find(match);
        if (found) {
          cleanup();
          resolve(found);
        } else if (child.exitCode !== null || child.signalCode !== null) {
          cleanup();
          reject(new Error(`runner exited before the awaited log line\nstdout:\n${out}\nstderr:\n${err}`));
        }
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`timed out waiting for a runner log line\nstdout:\n${out}\nstderr:\n${err}`));
      }, timeoutMs);
      const cleanup = () => {
        clearTimeout(timer);
        listeners.delete(check);
      };
      listeners.add(check);
      check();
    });
  return { child, stdout: () => out, stderr: () => err, logs, waitForLog, exited };
}

/** Runs a runner command to completion (register, or a start that is expected to exit). */
export async function runRunner(args: string[], env: Record<string, string | undefined> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const proc = spawnRunner(args, env);
  const { code } = await proc.exited;
  return { code, stdout: proc.stdout(), stderr: proc.stderr() };
}

/** Stops a runner gracefully (SIGTERM), or kills it if it does not exit in time. */
export async function stopRunner(proc: RunnerProcess, timeoutMs = 8_000): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  if (proc.child.exitCode !== null || proc.child.signalCode !== null) return proc.exited;
  proc.child.kill("SIGTERM");
  const timer = setTimeout(() => proc.child.kill("SIGKILL"), timeoutMs);
  const result = await proc.exited;
  clearTimeout(timer);
  return result;
}

/** Kills every runner process still running (afterAll's safety net). */
export async function killAllRunners(): Promise<void> {
  closed = true;
  await Promise.all(
    [...started].map(
      (child) =>
        new Promise<void>((resolve) => {
          child.once("exit", () => resolve());
          child.kill("SIGKILL");
        }),
    ),
  );
}
