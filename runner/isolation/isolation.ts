import { accessSync, constants, statSync } from "node:fs";
import path from "node:path";

/** How a runner separates its environments (reported to the plane, shown in Settings > Runners). */
export type IsolationMode = "os_user" | "none";

export type Isolation = {
  mode: IsolationMode;
  /** Why, in words for the runner's log and an operator. */
  reason: string;
};

/** Thrown when `RUNNER_ISOLATION=os-user` asks for isolation this host cannot give. */
export class IsolationUnavailableError extends Error {}

function onPath(command: string, env: NodeJS.ProcessEnv): boolean {
  for (const dir of (env.PATH ?? "/usr/sbin:/usr/bin:/sbin:/bin").split(":").concat(["/usr/sbin", "/sbin"])) {
    try {
      accessSync(path.join(dir, command), constants.X_OK);
      return true;
    } catch {
      // not here
    }
  }
  return false;
}

/**
 * The first directory above `dataDir` that other users cannot pass through (environments must
 * reach their clone inside it), or null when every one lets them.
 */
function closedAncestor(dataDir: string): string | null {
  let dir = path.dirname(path.resolve(dataDir));
  for (;;) {
    try {
      if ((statSync(dir).mode & 0o001) === 0) return dir;
    } catch {
      return dir;
    }
    const parent = path.dirname(dir);
    if (parent === dir) return null;
    dir = parent;
  }
}

/**
 * Decides how this runner isolates environments. Started as root with `useradd` and `userdel`
 * available, each environment gets a Unix user of its own (`os_user`). Otherwise, or when
 * `RUNNER_ISOLATION=none`, every environment runs as the runner's own user (`none`): the runner
 * says so to the plane, which then keeps it to one person's environments unless an admin allows
 * shared use. Isolation also needs the data directory where other users can pass through (its
 * parents searchable, as /var/lib is; the runner sets the data directory itself to 0711).
 * `RUNNER_ISOLATION=os-user` makes isolation a requirement: the runner refuses to start without it.
 */
export function detectIsolation(dataDir: string, env: NodeJS.ProcessEnv = process.env, uid: number = process.getuid?.() ?? -1): Isolation {
  const asked = (env.RUNNER_ISOLATION ?? "auto").trim().toLowerCase();
  if (!["auto", "os-user", "none"].includes(asked)) throw new IsolationUnavailableError(`RUNNER_ISOLATION must be auto, os-user or none, not "${asked}".`);
  if (asked === "none") return { mode: "none", reason: "RUNNER_ISOLATION=none: every environment runs as the runner's own user." };
  const closed = uid === 0 ? closedAncestor(dataDir) : null;
  const missing =
    uid !== 0
      ? "the runner does not run as root"
      : !onPath("useradd", env) || !onPath("userdel", env)
        ? "useradd/userdel are not installed"
        : closed
          ? `other users cannot pass through ${closed}, above the data directory (use a data directory under /var/lib, or chmod o+x ${closed})`
          : null;
  if (!missing) return { mode: "os_user", reason: "Each environment runs as a Unix user of its own." };
  if (asked === "os-user") throw new IsolationUnavailableError(`RUNNER_ISOLATION=os-user, but ${missing}: start the runner as root on a host with useradd (package passwd).`);
  return { mode: "none", reason: `Not isolated: ${missing}, so every environment runs as the runner's own user.` };
}
