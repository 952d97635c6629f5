import crypto from "node:crypto";
import fs from "node:fs/promises";
import path from "node:path";
import type { ProviderId } from "@/lib/providers";

/**
 * What the runner remembers about an environment, next to (never inside) its clone:
 * `<dataDir>/environments/<id>.json` (0600) beside the clone at `<dataDir>/environments/<id>/`.
 * Nothing secret: it says whose credential the credential helper may hand out for this clone, for
 * which host, and which OS user the environment runs as. Only the runner can read it. It lives outside the working tree so that nothing run in the clone can point the
 * helper at another person's account by editing a file of the repository.
 */
export type EnvironmentRecord = {
  environmentId: string;
  ownerId: string;
  integrationId: string;
  provider: ProviderId;
  /** `host[:port]` as the plane stores it; the only host git may get this owner's credential for. */
  host: string;
  /** `https:` or `http:` (loopback stand-ins): the only protocol the credential is given for. */
  protocol: string;
  repoUrl: string;
  createdAt: string;
  /**
   * The Unix user the environment runs as (its own, on a runner that isolates), or null: the
   * runner's own user. Records written before isolation have none.
   */
  osUser?: string | null;
  uid?: number | null;
  gid?: number | null;
};

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Whether a string can be an environment id (so it can never name a path outside the directory). */
export function isEnvironmentId(value: unknown): value is string {
  return typeof value === "string" && UUID.test(value);
}

/** Where environments live on this runner. */
export function environmentsDir(dataDir: string): string {
  return path.join(dataDir, "environments");
}

/** The clone of one environment. */
export function environmentDir(dataDir: string, environmentId: string): string {
  if (!isEnvironmentId(environmentId)) throw new Error("not an environment id");
  return path.join(environmentsDir(dataDir), environmentId);
}

/**
 * The environment's home directory (`HOME` of everything it runs: git's global configuration, an
 * agent's caches), beside the clone so nothing lands in the working tree.
 */
export function environmentHome(dataDir: string, environmentId: string): string {
  return `${environmentDir(dataDir, environmentId)}.home`;
}

/** Where the runner keeps one credential socket per environment. */
export function socketsDir(dataDir: string): string {
  return path.join(dataDir, "sockets");
}

/** The environment's git credential socket: only its identity (and the runner) can connect. */
export function environmentSocket(dataDir: string, environmentId: string): string {
  if (!isEnvironmentId(environmentId)) throw new Error("not an environment id");
  return path.join(socketsDir(dataDir), `${environmentId}.sock`);
}

/** Every environment id this runner has a record of. */
export async function listEnvironmentIds(dataDir: string): Promise<string[]> {
  const names = await fs.readdir(environmentsDir(dataDir)).catch(() => [] as string[]);
  return names.map((n) => /^([0-9a-f-]{36})\.json$/i.exec(n)?.[1]).filter(isEnvironmentId);
}

/** Forgets an environment's record (its clone is removed separately). */
export async function removeEnvironmentRecord(dataDir: string, environmentId: string): Promise<void> {
  await fs.rm(recordFile(dataDir, environmentId), { force: true });
}

function recordFile(dataDir: string, environmentId: string): string {
  return `${environmentDir(dataDir, environmentId)}.json`;
}

/** Writes (or replaces) an environment's record atomically, 0600 from the start. */
export async function writeEnvironmentRecord(dataDir: string, record: EnvironmentRecord): Promise<void> {
  const target = recordFile(dataDir, record.environmentId);
  await fs.mkdir(path.dirname(target), { recursive: true, mode: 0o700 });
  const temp = `${target}.${crypto.randomBytes(6).toString("hex")}.tmp`;
  await fs.writeFile(temp, JSON.stringify(record, null, 2) + "\n", { mode: 0o600, flag: "wx" });
  await fs.rename(temp, target);
}

/** An environment's record, or null when this runner has none by that id. */
export async function readEnvironmentRecord(dataDir: string, environmentId: string): Promise<EnvironmentRecord | null> {
  if (!isEnvironmentId(environmentId)) return null;
  try {
    const record = JSON.parse(await fs.readFile(recordFile(dataDir, environmentId), "utf8")) as EnvironmentRecord;
    return record.environmentId === environmentId ? record : null;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw e;
  }
}
