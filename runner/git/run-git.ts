import { spawn } from "node:child_process";
import { environmentSpawnOptions, type EnvironmentProcessContext } from "../isolation/environment-process";

/** How much of git's stderr is kept for classifying a failure. */
const STDERR_TAIL_CHARS = 8_000;

/** Quotes a word for the POSIX shell git runs `!` helpers with. */
export function shellQuote(word: string): string {
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

/**
 * The `credential.helper` value of an environment: the runner's helper script (installed in its
 * data directory, so a clone keeps working when the runner is moved or upgraded) talking to the
 * environment's own socket, which is how the runner knows which environment asks, and naming the
 * runner's Node for the fallback without curl. Run through `sh`, so the script needs no execute bit.
 */
export function credentialHelperCommand(opts: { helperScript: string; socketPath: string }): string {
  const args = ["--node", process.execPath, "--socket", opts.socketPath].map(shellQuote).join(" ");
  return `!sh ${shellQuote(opts.helperScript)} ${args}`;
}

/**
 * git's `-c` options that make an environment's helper the only one: the empty value first drops
 * helpers from the system and global configuration (a `store` helper there would write the token
 * to ~/.git-credentials), then ours. `git clone` writes them into the clone's `.git/config`, where
 * later fetches and pushes find them.
 */
export function credentialConfigArgs(opts: { helperScript: string; socketPath: string; environmentId: string }): string[] {
  return ["-c", "credential.helper=", "-c", `credential.helper=${credentialHelperCommand(opts)}`, "-c", `scm.environmentId=${opts.environmentId}`];
}

/** Variables that would point git at another repository or inject configuration. */
const INHERITED_GIT_VARS = /^GIT_(DIR|WORK_TREE|INDEX_FILE|OBJECT_DIRECTORY|ALTERNATE_OBJECT_DIRECTORIES|CONFIG_PARAMETERS|CONFIG_COUNT|CONFIG_KEY_\d+|CONFIG_VALUE_\d+|NAMESPACE|CEILING_DIRECTORIES)$/;

/**
 * The environment git runs with: never prompt (a missing credential fails instead of hanging), no
 * askpass program, messages in English (they are classified), nothing inherited that redirects it.
 */
export function gitEnvironment(): NodeJS.ProcessEnv {
  const env: Record<string, string | undefined> = {};
  for (const [key, value] of Object.entries(process.env)) if (!INHERITED_GIT_VARS.test(key)) env[key] = value;
  Object.assign(env, { GIT_TERMINAL_PROMPT: "0", GIT_ASKPASS: "", SSH_ASKPASS: "", LC_ALL: "C", LANGUAGE: "C" });
  return env as NodeJS.ProcessEnv;
}

export type GitResult = { code: number | null; stdout: string; stderrTail: string };

/**
 * Runs git (for an environment, `as` its identity; otherwise with `gitEnvironment()` and `env` on
 * top), streaming stderr to `onStderr` (progress), and resolves when it exits. When `signal`
 * aborts, git is stopped (SIGTERM, then SIGKILL) and the promise rejects with the signal's reason.
 */
export function runGit(
  args: string[],
  opts: { cwd?: string; signal: AbortSignal; onStderr?: (text: string) => void; as?: EnvironmentProcessContext; env?: Record<string, string> },
): Promise<GitResult> {
  return new Promise((resolve, reject) => {
    opts.signal.throwIfAborted();
    // For an environment: as its identity, with nothing of the runner's environment.
    const where = opts.as ? environmentSpawnOptions(opts.as, opts.cwd ?? opts.as.home) : { cwd: opts.cwd, env: { ...gitEnvironment(), ...opts.env } };
    const child = spawn("git", args, { ...where, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderrTail = "";
    let killTimer: NodeJS.Timeout | undefined;
    const onAbort = () => {
      child.kill("SIGTERM");
      killTimer = setTimeout(() => child.kill("SIGKILL"), 2_000);
    };
    opts.signal.addEventListener("abort", onAbort, { once: true });
    child.stdout.on("data", (chunk: Buffer) => {
      if (stdout.length < 1_000_000) stdout += chunk.toString("utf8");
    });
    child.stderr.on("data", (chunk: Buffer) => {
      const text = chunk.toString("utf8");
      stderrTail = (stderrTail + text).slice(-STDERR_TAIL_CHARS);
      opts.onStderr?.(text);
    });
    child.on("error", (e) => {
      opts.signal.removeEventListener("abort", onAbort);
      reject(e);
    });
    child.on("close", (code) => {
      opts.signal.removeEventListener("abort", onAbort);
      clearTimeout(killTimer);
      if (opts.signal.aborted) reject(opts.signal.reason);
      else resolve({ code, stdout, stderrTail });
    });
  });
}
