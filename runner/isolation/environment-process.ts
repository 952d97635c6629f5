import fs from "node:fs/promises";
import type { SpawnOptions } from "node:child_process";
import type { EnvironmentIdentity } from "./identity";

/** What a process started for an environment runs as and in. */
export type EnvironmentProcessContext = {
  environmentId: string;
  /** Its own Unix user, or null: the runner's user (a runner that cannot isolate). */
  identity: EnvironmentIdentity | null;
  /** `HOME` (the environment's home directory). */
  home: string;
};

/** The variables of the runner's own environment an environment's process may see: none that could carry a secret. */
const PASSED_THROUGH = ["PATH", "LANG", "TZ", "TERM", "http_proxy", "https_proxy", "no_proxy", "HTTP_PROXY", "HTTPS_PROXY", "NO_PROXY", "SSL_CERT_FILE", "SSL_CERT_DIR", "GIT_SSL_CAINFO"];

/**
 * The environment variables of a process started for an environment: built from nothing, not
 * inherited, so the runner's own (its data directory, a bootstrap secret, database URLs, an
 * operator's tokens) never reach a process that environment can inspect in /proc. git never
 * prompts (a missing credential fails instead of hanging) and speaks English (it is classified).
 */
export function environmentProcessEnv(ctx: EnvironmentProcessContext, extra: Record<string, string> = {}, from: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const env: Record<string, string> = {};
  for (const name of PASSED_THROUGH) if (from[name]) env[name] = from[name];
  env.PATH ??= "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
  const user = ctx.identity?.user ?? from.USER ?? from.LOGNAME ?? "runner";
  Object.assign(env, {
    HOME: ctx.home,
    USER: user,
    LOGNAME: user,
    SHELL: "/bin/sh",
    SCM_ENVIRONMENT_ID: ctx.environmentId,
    GIT_TERMINAL_PROMPT: "0",
    GIT_ASKPASS: "",
    SSH_ASKPASS: "",
    LC_ALL: "C",
    LANGUAGE: "C",
    ...extra,
  });
  return env as NodeJS.ProcessEnv;
}

/** `spawn` options that run a command as the environment's identity, in `cwd`, with `environmentProcessEnv`. */
export function environmentSpawnOptions(ctx: EnvironmentProcessContext, cwd: string, extra: Record<string, string> = {}): Pick<SpawnOptions, "uid" | "gid" | "cwd" | "env"> {
  // libuv drops the supplementary groups of root (setgroups(0)) when uid/gid are given.
  return { cwd, env: environmentProcessEnv(ctx, extra), ...(ctx.identity ? { uid: ctx.identity.uid, gid: ctx.identity.gid } : {}) };
}

/**
 * Creates a directory that belongs to the environment (its home, the clone being made), `0700`,
 * owned by its identity. Made by the runner inside a directory only the runner can write to, so
 * nothing of the environment's can stand in its place before it is handed over.
 */
export async function makeEnvironmentDirectory(dir: string, identity: EnvironmentIdentity | null): Promise<void> {
  await fs.mkdir(dir, { mode: 0o700 });
  if (identity) await fs.chown(dir, identity.uid, identity.gid);
  await fs.chmod(dir, 0o700);
}
