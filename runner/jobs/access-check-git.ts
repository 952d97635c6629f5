import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import type { GitCredentials } from "../providers";
import { runGit } from "../git/run-git";

/**
 * An askpass program with no secret in it: it prints the user name or the password from its own
 * environment, which only the one git process it serves has.
 */
const ASKPASS = '#!/bin/sh\ncase "$1" in\n  Username*) printf \'%s\\n\' "$SCM_CHECK_USERNAME" ;;\n  *) printf \'%s\\n\' "$SCM_CHECK_PASSWORD" ;;\nesac\n';

/**
 * `git ls-remote <url> HEAD` with the given credentials: proves the repository is reachable and
 * readable with them exactly as a clone would be, without writing anything. The credentials reach
 * git only through GIT_ASKPASS and that process's environment — never argv, a URL or a file — and
 * every configured credential helper is switched off so none can store them. `pinned` are the
 * options that keep git on the remote's checked address (`pinnedRemoteArgs`).
 */
export async function lsRemote(url: string, credentials: GitCredentials, signal: AbortSignal, pinned: string[] = []): Promise<{ code: number | null; stderr: string }> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), "scm-access-check-"));
  const askpass = path.join(dir, "askpass.sh");
  await fs.writeFile(askpass, ASKPASS, { mode: 0o700 });
  try {
    const env = { GIT_ASKPASS: askpass, SCM_CHECK_USERNAME: credentials.username, SCM_CHECK_PASSWORD: credentials.password, HOME: dir };
    const result = await runGit([...pinned, "-c", "credential.helper=", "ls-remote", "--", url, "HEAD"], { cwd: dir, env, signal });
    return { code: result.code, stderr: result.stderrTail };
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}
