import { spawn } from "node:child_process";
import { chmod, mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";

export interface GitResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface GitCredentials {
  username: string;
  password: string;
}

/**
 * Runs the real git CLI against the sandbox. Credentials reach git only through GIT_ASKPASS
 * reading the environment, never through argv or a URL, as the product's runner does it.
 */
export class GitClient {
  private constructor(
    readonly dir: string,
    private readonly askpass: string,
  ) {}

  /** Makes a scratch directory with its own HOME and askpass script. */
  static async create(): Promise<GitClient> {
    const dir = await mkdtemp(path.join(os.tmpdir(), "scm-sandbox-git-"));
    await mkdir(path.join(dir, "home"));
    const askpass = path.join(dir, "askpass.sh");
    await writeFile(askpass, '#!/bin/sh\ncase "$1" in\n  Username*) printf \'%s\\n\' "$SANDBOX_GIT_USERNAME" ;;\n  *) printf \'%s\\n\' "$SANDBOX_GIT_PASSWORD" ;;\nesac\n');
    await chmod(askpass, 0o700);
    return new GitClient(dir, askpass);
  }

  /** A fresh working-directory path under the scratch directory. */
  workdir(name: string): string {
    return path.join(this.dir, name);
  }

  /** Runs `git args...`; resolves with the exit code instead of throwing. */
  run(args: string[], opts: { cwd?: string; credentials?: GitCredentials } = {}): Promise<GitResult> {
    const env: Record<string, string | undefined> = {
      PATH: process.env.PATH,
      HOME: path.join(this.dir, "home"),
      LANG: "C",
      GIT_CONFIG_NOSYSTEM: "1",
      GIT_TERMINAL_PROMPT: "0",
      GIT_ASKPASS: this.askpass,
      GIT_AUTHOR_NAME: "Sandbox Test",
      GIT_AUTHOR_EMAIL: "test@users.sandbox.test",
      GIT_COMMITTER_NAME: "Sandbox Test",
      GIT_COMMITTER_EMAIL: "test@users.sandbox.test",
      SANDBOX_GIT_USERNAME: opts.credentials?.username ?? "",
      SANDBOX_GIT_PASSWORD: opts.credentials?.password ?? "",
    };
    const fullArgs = ["-c", "credential.helper=", "-c", "init.defaultBranch=main", ...args];
    return new Promise((resolve, reject) => {
      const child = spawn("git", fullArgs, { cwd: opts.cwd ?? this.dir, env: env as NodeJS.ProcessEnv, stdio: ["ignore", "pipe", "pipe"] });
      const out: Buffer[] = [];
      const err: Buffer[] = [];
      child.stdout.on("data", (chunk: Buffer) => out.push(chunk));
      child.stderr.on("data", (chunk: Buffer) => err.push(chunk));
      child.on("error", reject);
      child.on("close", (code) =>
        resolve({ code: code ?? -1, stdout: Buffer.concat(out).toString("utf8"), stderr: Buffer.concat(err).toString("utf8") }),
      );
    });
  }

  /** Clones, commits one file and pushes it to `branch`; returns every step's result. */
  async cloneCommitPush(url: string, credentials: GitCredentials, name: string, branch = "main"): Promise<{ clone: GitResult; push: GitResult | null }> {
    const work = this.workdir(name);
    const clone = await this.run(["clone", "--quiet", url, work], { credentials });
    if (clone.code !== 0) return { clone, push: null };
    await writeFile(path.join(work, `${name}.txt`), `written by ${name}\n`);
    await this.run(["add", "."], { cwd: work });
    await this.run(["commit", "--quiet", "-m", `Add ${name}`], { cwd: work });
    const push = await this.run(["push", "--quiet", "origin", `HEAD:refs/heads/${branch}`], { cwd: work, credentials });
    return { clone, push };
  }

  /** Removes the scratch directory. */
  async dispose(): Promise<void> {
    await rm(this.dir, { recursive: true, force: true });
  }
}
