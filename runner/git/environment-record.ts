import crypto from "node:crypto";
import fs from "node:fs/promises";
import path from "node:path";
import type { ProviderId } from "@/lib/providers";

/**
 * What the runner remembers about an environment, next to (never inside) its clone:
 * `<dataDir>/environments/<id>.json` (0600) beside the clone at `<dataDir>/environments/<id>/`.
 * Nothing secret: it says whose credential the credential helper may hand out for this clone, and
 * for which host. It lives outside the working tree so that nothing run in the clone can point the
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
