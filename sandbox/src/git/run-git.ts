import { spawn } from "node:child_process";
import { trackChild } from "./processes";

/** A git command that failed, with its exit code and stderr. */
export class GitError extends Error {
  constructor(
    message: string,
    readonly code: number | null,
    readonly stderr: string,
  ) {
    super(message);
  }
}

/** Environment for sandbox-side git: no system/user config, never prompt. */
export function gitEnv(home: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    PATH: process.env.PATH ?? "/usr/bin:/bin",
    HOME: home,
    GIT_CONFIG_NOSYSTEM: "1",
    GIT_TERMINAL_PROMPT: "0",
    LANG: "C",
    ...extra,
  };
}

/** Runs git and resolves with stdout; rejects with GitError on a non-zero exit. */
export function runGit(
  args: string[],
  opts: { cwd?: string; input?: Buffer | string; home: string; env?: Record<string, string> },
): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn("git", args, { cwd: opts.cwd, env: gitEnv(opts.home, opts.env) as NodeJS.ProcessEnv, stdio: ["pipe", "pipe", "pipe"] });
    trackChild(opts.home, child);
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on("data", (chunk: Buffer) => out.push(chunk));
    child.stderr.on("data", (chunk: Buffer) => err.push(chunk));
    child.on("error", (error) => reject(new GitError(error.message, null, "")));
    child.on("close", (code) => {
      const stderr = Buffer.concat(err).toString("utf8");
      if (code === 0) resolve(Buffer.concat(out).toString("utf8"));
      else reject(new GitError(`git ${args[0] ?? ""} exited with ${code}: ${stderr.trim()}`, code, stderr));
    });
    child.stdin.on("error", () => undefined);
    child.stdin.end(opts.input ?? "");
  });
}
