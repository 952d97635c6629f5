import { execFile } from "node:child_process";
import fs from "node:fs/promises";
import { promisify } from "node:util";
import { isEnvironmentId } from "../git/environment-record";
import { sleep } from "../sleep";

const run = promisify(execFile);

/**
 * The OS identity an environment's processes run as. `null` in places that take an identity means
 * the runner's own user (a runner that cannot isolate).
 */
export type EnvironmentIdentity = {
  /** The Unix user (and its private group of the same name). */
  user: string;
  uid: number;
  gid: number;
};

/** Prefix of every environment user, so an operator can tell them apart (`getent passwd | grep ^scm-`). */
export const IDENTITY_PREFIX = "scm-";

/**
 * The Unix user name of an environment: `scm-` and the first 27 hex digits of its id (31
 * characters, under the 32 Linux allows), the same on every start so a restarted runner finds it.
 */
export function identityName(environmentId: string): string {
  if (!isEnvironmentId(environmentId)) throw new Error("not an environment id");
  return `${IDENTITY_PREFIX}${environmentId.replace(/-/g, "").toLowerCase().slice(0, 27)}`;
}

/** The passwd entry of a user, or null when there is none. */
export async function lookupIdentity(user: string): Promise<EnvironmentIdentity | null> {
  try {
    const { stdout } = await run("getent", ["passwd", user]);
    const [name, , uid, gid] = stdout.trim().split(":");
    if (name !== user || uid === undefined || gid === undefined) return null;
    return { user, uid: Number(uid), gid: Number(gid) };
  } catch {
    return null;
  }
}

/** useradd/userdel fail while another process holds /etc/passwd's lock (another runner, a package install): try again. */
function lockBusy(e: unknown): boolean {
  return /lock|try again/i.test(String((e as { stderr?: string }).stderr ?? ""));
}

/**
 * Creates the environment's Unix user with a private group of its own, no password, no home
 * created by useradd (the runner makes `home` itself, owned by the user), and a shell for the
 * commands an agent runs. Idempotent: an existing user of that name is returned as it is.
 */
export async function ensureIdentity(environmentId: string, home: string): Promise<EnvironmentIdentity> {
  const user = identityName(environmentId);
  for (let attempt = 1; ; attempt++) {
    const existing = await lookupIdentity(user);
    if (existing) return existing;
    try {
      await run("useradd", ["--no-create-home", "--home-dir", home, "--shell", "/bin/sh", "--user-group", "--comment", `scm environment ${environmentId}`, user]);
    } catch (e) {
      const code = (e as { code?: number }).code;
      // 9: the name is taken (a concurrent attempt made it): look it up again.
      if (code === 9) continue;
      if (attempt < 30 && lockBusy(e)) {
        await sleep(50 + Math.random() * 200);
        continue;
      }
      throw new Error(`useradd ${user} failed: ${String((e as { stderr?: string }).stderr ?? (e as Error).message).trim()}`);
    }
  }
}

/** Every process running as `uid` (read from /proc), so they can be stopped before the user goes. */
async function processesOf(uid: number): Promise<number[]> {
  const pids: number[] = [];
  for (const name of await fs.readdir("/proc").catch(() => [] as string[])) {
    if (!/^\d+$/.test(name)) continue;
    const status = await fs.readFile(`/proc/${name}/status`, "utf8").catch(() => "");
    const real = /^Uid:\s+(\d+)\s+(\d+)/m.exec(status);
    if (real && (Number(real[1]) === uid || Number(real[2]) === uid)) pids.push(Number(name));
  }
  return pids;
}

/** Stops every process of the identity (SIGKILL): an environment being deleted keeps nothing running. */
export async function killIdentityProcesses(identity: EnvironmentIdentity): Promise<void> {
  if (identity.uid === 0) return;
  for (let round = 0; round < 5; round++) {
    const pids = await processesOf(identity.uid);
    if (pids.length === 0) return;
    for (const pid of pids) {
      try {
        process.kill(pid, "SIGKILL");
      } catch {
        // gone already
      }
    }
    await sleep(50);
  }
}

/** Removes the environment's user and its group, after stopping its processes. Idempotent. */
export async function removeIdentity(environmentId: string): Promise<void> {
  const user = identityName(environmentId);
  for (let attempt = 1; ; attempt++) {
    const identity = await lookupIdentity(user);
    if (!identity) return;
    await killIdentityProcesses(identity);
    try {
      await run("userdel", [user]);
      return;
    } catch (e) {
      const code = (e as { code?: number }).code;
      if (code === 6) return; // no such user
      if (attempt < 30 && (lockBusy(e) || code === 8)) {
        await sleep(50 + Math.random() * 200);
        continue;
      }
      throw new Error(`userdel ${user} failed: ${String((e as { stderr?: string }).stderr ?? (e as Error).message).trim()}`);
    }
  }
}
