import { execFile } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import type { Sandbox, RepoDto } from "@/sandbox";
import { spawnInEnvironment } from "../../environments/exec-in-environment";

/** Runs git as a person in a terminal would, except that it may never prompt: credentials come only from the repository's helper. */
export function git(args: string[], cwd: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile("git", args, { cwd, env: { ...process.env, GIT_TERMINAL_PROMPT: "0", GIT_ASKPASS: "", LC_ALL: "C" }, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      resolve({ code: error ? Number((error as { code?: unknown }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

/** Every file under `dir` (dot directories included), as one string: what a search of the disk would find. */
export function readTree(dir: string): string {
  let out = "";
  for (const entry of fs.readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue;
    const file = path.join(entry.parentPath, entry.name);
    out += `\n--- ${file}\n${fs.readFileSync(file).toString("latin1")}`;
  }
  return out;
}

/**
 * The sandbox's bare repository behind a RepoDto, with a reflog kept, so a test can read which
 * account pushed (git http-backend records the authenticated user as the ref update's identity).
 */
export async function bareRepoWithReflog(sandbox: Sandbox, repo: RepoDto): Promise<string> {
  const bare = path.join(sandbox.tempDir, "repos", repo.provider, `${repo.id}.git`);
  const set = await git(["config", "core.logAllRefUpdates", "always"], bare);
  if (set.code !== 0) throw new Error(`cannot configure the sandbox repository: ${set.stderr}`);
  return bare;
}

/** Who updated a branch of a bare repository last, by its reflog. */
export async function lastPusher(bare: string, branch: string): Promise<string> {
  const log = await git(["log", "-g", "-1", "--format=%gn", `refs/heads/${branch}`], bare);
  return log.stdout.trim();
}

/**
 * Runs a command in an environment as the environment itself (its OS user on an isolating runner),
 * the way `npm run runner -- exec --environment ID -- ...` does: what anything inside it can do.
 */
export async function inEnvironment(dataDir: string, environmentId: string, command: string[], input = ""): Promise<{ code: number; stdout: string; stderr: string }> {
  const child = await spawnInEnvironment({ dataDir, environmentId, command, stdio: "pipe" });
  let stdout = "";
  let stderr = "";
  child.stdout!.on("data", (c: Buffer) => (stdout += c.toString("utf8")));
  child.stderr!.on("data", (c: Buffer) => (stderr += c.toString("utf8")));
  child.stdin!.on("error", () => {}); // a command that exits without reading its input
  child.stdin!.end(input);
  return new Promise((resolve) => {
    child.on("error", (e) => resolve({ code: 127, stdout, stderr: stderr + e.message }));
    child.on("close", (code) => resolve({ code: code ?? 1, stdout, stderr }));
  });
}

/** git in an environment, as `inEnvironment` runs it. */
export function gitIn(dataDir: string, environmentId: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return inEnvironment(dataDir, environmentId, ["git", ...args]);
}
