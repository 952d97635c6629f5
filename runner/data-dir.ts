import crypto from "node:crypto";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import type { RunnerKeyPair } from "@/lib/crypto/sealed-box";
import { IS_ARTIFACT } from "./version";

/**
 * What a runner keeps on its own disk: its key pair and its registration (runner id, access token).
 * Nothing else durable; provider secrets stay sealed at the plane and are opened in memory per job.
 * The directory is 0700 and both files 0600, written atomically so a crash never leaves half a key.
 */

/** The key pair file (0600). */
export const KEY_FILE = "runner-key.json";
/** The registration file: runner id, access token, plane URL (0600). */
export const CREDENTIALS_FILE = "credentials.json";

/**
 * Where the runner keeps its state unless told otherwise: `/var/lib/scm-runner` for the installed
 * artifact run as root (a shared runner), `$XDG_DATA_HOME/scm-runner` (~/.local/share) for it run as
 * a user, and `.data/runner` in a checkout of the project (`npm run runner`, which runs the artifact
 * with SCM_RUNNER_DEFAULT_DATA_DIR saying so).
 */
export const DEFAULT_DATA_DIR = process.env.SCM_RUNNER_DEFAULT_DATA_DIR || (IS_ARTIFACT
  ? process.getuid?.() === 0
    ? "/var/lib/scm-runner"
    : path.join(process.env.XDG_DATA_HOME || path.join(os.homedir(), ".local", "share"), "scm-runner")
  : ".data/runner");
/** Where the embedded runner of `npm run dev` keeps its state. */
export const EMBEDDED_DATA_DIR = ".data/local-runner";

/** The runner's X25519 key pair as stored, with its key id. */
export type StoredKey = RunnerKeyPair & { keyId: string; createdAt: string };

/** What registration gave this runner. */
export type StoredCredentials = {
  planeUrl: string;
  runnerId: string;
  name: string;
  accessToken: string;
  keyId: string;
  fingerprint: string;
  registeredAt: string;
};

/** `--data-dir`, else `RUNNER_DATA_DIR`, else the given default; absolute. */
export function resolveDataDir(flag: string | undefined, fallback = DEFAULT_DATA_DIR): string {
  return path.resolve(flag ?? process.env.RUNNER_DATA_DIR ?? fallback);
}

/**
 * Creates the directory (0700), tightening it if it already exists with looser permissions (a
 * runner that isolates opens it to 0711 when it starts, so environments can pass through to their
 * own clone without listing or reading anything).
 */
export async function ensureDataDir(dir: string): Promise<void> {
  await fs.mkdir(dir, { recursive: true, mode: 0o700 });
  const stat = await fs.stat(dir);
  if ((stat.mode & 0o066) !== 0) await fs.chmod(dir, 0o700);
}

async function writePrivateJson(dir: string, name: string, value: unknown): Promise<void> {
  const target = path.join(dir, name);
  const temp = path.join(dir, `.${name}.${crypto.randomBytes(6).toString("hex")}.tmp`);
  // Created 0600 from the start (never world-readable, not even between write and chmod).
  const handle = await fs.open(temp, "wx", 0o600);
  try {
    await handle.writeFile(JSON.stringify(value, null, 2) + "\n", "utf8");
    await handle.sync();
  } finally {
    await handle.close();
  }
  await fs.rename(temp, target);
  await fs.chmod(target, 0o600);
}

async function readJson<T>(file: string): Promise<T | null> {
  try {
    return JSON.parse(await fs.readFile(file, "utf8")) as T;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw new Error(`Cannot read ${file}: ${(e as Error).message}`);
  }
}

/** Saves the key pair and the registration that goes with it (key first: credentials name its key id). */
export async function saveRegistration(dir: string, key: StoredKey, credentials: StoredCredentials): Promise<void> {
  await ensureDataDir(dir);
  await writePrivateJson(dir, KEY_FILE, key);
  await writePrivateJson(dir, CREDENTIALS_FILE, credentials);
}

/** The runner's key pair and registration, or null when it has not registered (or only half of it is there). */
export async function loadRegistration(dir: string): Promise<{ key: StoredKey; credentials: StoredCredentials } | null> {
  const key = await readJson<StoredKey>(path.join(dir, KEY_FILE));
  const credentials = await readJson<StoredCredentials>(path.join(dir, CREDENTIALS_FILE));
  if (!key || !credentials) return null;
  if (!key.publicKey || !key.privateKey || !credentials.accessToken || !credentials.runnerId) return null;
  if (key.keyId !== credentials.keyId) return null;
  return { key, credentials };
}

/** Forgets the registration (its access token was revoked); the key stays until the next registration replaces it. */
export async function forgetRegistration(dir: string): Promise<void> {
  await fs.rm(path.join(dir, CREDENTIALS_FILE), { force: true });
}

/**
 * The data directory of a command run beside a runner (`exec`, `agent-tools endpoint`): `--data-dir`,
 * else `RUNNER_DATA_DIR`, else the one of the two defaults that holds a registration (the embedded
 * runner's when only it does), else the standalone default.
 */
export async function findDataDir(flag: string | undefined): Promise<string> {
  if (flag ?? process.env.RUNNER_DATA_DIR) return resolveDataDir(flag);
  for (const candidate of [DEFAULT_DATA_DIR, EMBEDDED_DATA_DIR]) {
    const dir = path.resolve(candidate);
    const registered = await fs.access(path.join(dir, CREDENTIALS_FILE)).then(
      () => true,
      () => false,
    );
    if (registered) return dir;
  }
  return path.resolve(DEFAULT_DATA_DIR);
}

const LOCK_FILE = "runner.pid";

/** Whether a process with this id is alive. */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** The id of the runner process holding the data directory, or null when none is running there. */
export async function runningPid(dir: string): Promise<number | null> {
  const owner = Number((await fs.readFile(path.join(dir, LOCK_FILE), "utf8").catch(() => "")).trim());
  return Number.isInteger(owner) && owner > 0 && alive(owner) ? owner : null;
}

/**
 * Claims the data directory for this process (`runner.pid`): two runner processes must never serve
 * the same environments. A lock left by a process that is gone is taken over. Returns the release.
 */
export async function lockDataDir(dir: string): Promise<() => Promise<void>> {
  const file = path.join(dir, LOCK_FILE);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const handle = await fs.open(file, "wx", 0o600);
      await handle.writeFile(`${process.pid}\n`);
      await handle.close();
      return async () => {
        const owner = Number((await fs.readFile(file, "utf8").catch(() => "")).trim());
        if (owner === process.pid) await fs.rm(file, { force: true });
      };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
      const owner = Number((await fs.readFile(file, "utf8").catch(() => "")).trim());
      if (Number.isInteger(owner) && owner > 0 && owner !== process.pid && alive(owner)) {
        throw new Error(`Another runner process (pid ${owner}) is already using the data directory ${dir}.`);
      }
      await fs.rm(file, { force: true });
    }
  }
  throw new Error(`Cannot lock the data directory ${dir}.`);
}
