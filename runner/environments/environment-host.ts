import fs from "node:fs/promises";
import path from "node:path";
import { log } from "@/runner/log";
import type { PlaneClient } from "../plane-client";
import type { CredentialBroker } from "../credentials/credential-broker";
import { startCredentialSockets, type CredentialSockets } from "../git/credential-server";
import {
  environmentDir,
  environmentHome,
  environmentsDir,
  listEnvironmentIds,
  readEnvironmentRecord,
  removeEnvironmentRecord,
  writeEnvironmentRecord,
  type EnvironmentRecord,
} from "../git/environment-record";
import { installCredentialHelper } from "../git/install-helper";
import { credentialHelperCommand, runGit } from "../git/run-git";
import { makeEnvironmentDirectory, type EnvironmentProcessContext } from "../isolation/environment-process";
import { ensureIdentity, killIdentityProcesses, removeIdentity, type EnvironmentIdentity } from "../isolation/identity";
import type { Isolation } from "../isolation/isolation";

/** An environment as the runner prepared it: what it runs as, and where git finds its credentials. */
export type PreparedEnvironment = { record: EnvironmentRecord; context: EnvironmentProcessContext; socketPath: string; helperScript: string };

/**
 * Everything a runner does to host environments, with or without isolation: an OS identity per
 * environment (when the runner isolates), its home, its credential socket, its record, and
 * removing all of it again. Jobs call it; nothing else creates or removes environments.
 */
export type EnvironmentHost = {
  isolation: Isolation;
  /**
   * Makes an environment ready to clone into: its identity (created once), home directory, record
   * and credential socket. Idempotent, so a retried clone job finds what the last attempt made.
   */
  prepare: (record: Omit<EnvironmentRecord, "osUser" | "uid" | "gid">) => Promise<PreparedEnvironment>;
  /** What an environment's processes run as, from its record. */
  contextOf: (record: EnvironmentRecord) => EnvironmentProcessContext;
  /**
   * Removes an environment: stops its credential socket and every process of its identity, deletes
   * its clone, home, record and endpoint file, then its OS user. Idempotent.
   */
  remove: (environmentId: string) => Promise<{ removed: boolean }>;
  /** Runs `work` alone for this environment: a delete waits for the clone under way, and the other way round. */
  exclusive: <T>(environmentId: string, work: () => Promise<T>) => Promise<T>;
  close: () => Promise<void>;
};

/** The environment's identity as recorded (null: the runner's own user). */
function identityOf(record: EnvironmentRecord): EnvironmentIdentity | null {
  return record.osUser && typeof record.uid === "number" && typeof record.gid === "number" ? { user: record.osUser, uid: record.uid, gid: record.gid } : null;
}

/** Sets the data directory's modes: others may pass through (to reach their own clone) but list and read nothing. */
async function setDirectoryModes(dataDir: string, isolated: boolean): Promise<void> {
  const mode = isolated ? 0o711 : 0o700;
  for (const dir of [dataDir, environmentsDir(dataDir)]) {
    await fs.mkdir(dir, { recursive: true, mode });
    await fs.chmod(dir, mode);
  }
}

/**
 * Points an existing clone's credential helper at this runner's installed helper and the
 * environment's own socket (clones made before, or by a runner installed elsewhere, name another).
 */
async function configureHelper(dataDir: string, prepared: PreparedEnvironment, signal: AbortSignal): Promise<void> {
  const dir = environmentDir(dataDir, prepared.record.environmentId);
  try {
    await fs.access(path.join(dir, ".git"));
  } catch {
    return;
  }
  const wanted = ["", credentialHelperCommand({ helperScript: prepared.helperScript, socketPath: prepared.socketPath })];
  const current = await runGit(["config", "--local", "--get-all", "credential.helper"], { cwd: dir, signal, as: prepared.context });
  if (current.code === 0 && current.stdout.replace(/\n$/, "").split("\n").join("\u0000") === wanted.join("\u0000")) return;
  await runGit(["config", "--local", "--unset-all", "credential.helper"], { cwd: dir, signal, as: prepared.context });
  for (const value of wanted) await runGit(["config", "--local", "--add", "credential.helper", value], { cwd: dir, signal, as: prepared.context });
}

/**
 * Starts hosting: sets the data directory's modes, installs the credential helper, and serves the
 * credential socket of every environment on disk. Environments recorded before isolation existed
 * get their identity now (their clone is handed over to it) and every clone's helper configuration
 * is brought up to date.
 */
export async function startEnvironmentHost(opts: { dataDir: string; isolation: Isolation; broker: CredentialBroker; plane: Pick<PlaneClient, "environmentRefusal"> }): Promise<EnvironmentHost> {
  const isolated = opts.isolation.mode === "os_user";
  await setDirectoryModes(opts.dataDir, isolated);
  const script = await installCredentialHelper(opts.dataDir);
  const sockets: CredentialSockets = await startCredentialSockets({
    dataDir: opts.dataDir,
    broker: opts.broker,
    report: (environmentId, refusal) => opts.plane.environmentRefusal(environmentId, refusal, AbortSignal.timeout(10_000)),
  });

  const contextOf = (record: EnvironmentRecord): EnvironmentProcessContext => ({ environmentId: record.environmentId, identity: identityOf(record), home: environmentHome(opts.dataDir, record.environmentId) });

  const serve = async (record: EnvironmentRecord): Promise<PreparedEnvironment> => {
    const context = contextOf(record);
    const socketPath = await sockets.serve({ record, gid: context.identity?.gid ?? null });
    return { record, context, socketPath, helperScript: script };
  };

  const prepare = async (base: Omit<EnvironmentRecord, "osUser" | "uid" | "gid">): Promise<PreparedEnvironment> => {
    const home = environmentHome(opts.dataDir, base.environmentId);
    const identity = isolated ? await ensureIdentity(base.environmentId, home) : null;
    const record: EnvironmentRecord = { ...base, osUser: identity?.user ?? null, uid: identity?.uid ?? null, gid: identity?.gid ?? null };
    await writeEnvironmentRecord(opts.dataDir, record);
    await fs.rm(home, { recursive: true, force: true });
    await makeEnvironmentDirectory(home, identity);
    return serve(record);
  };

  /** Gives an environment recorded before isolation its identity and hands it its clone. */
  const adopt = async (record: EnvironmentRecord): Promise<EnvironmentRecord> => {
    if (record.osUser !== undefined) return record;
    const home = environmentHome(opts.dataDir, record.environmentId);
    const identity = isolated ? await ensureIdentity(record.environmentId, home) : null;
    const adopted: EnvironmentRecord = { ...record, osUser: identity?.user ?? null, uid: identity?.uid ?? null, gid: identity?.gid ?? null };
    await fs.mkdir(home, { recursive: true, mode: 0o700 });
    if (identity) {
      const dir = environmentDir(opts.dataDir, record.environmentId);
      for (const target of [home, dir]) {
        const entries = await fs.readdir(target, { recursive: true }).catch(() => [] as string[]);
        await fs.lchown(target, identity.uid, identity.gid).catch(() => {});
        for (const entry of entries) await fs.lchown(path.join(target, entry), identity.uid, identity.gid).catch(() => {});
      }
    }
    await writeEnvironmentRecord(opts.dataDir, adopted);
    log.info("environment.adopted", { environmentId: record.environmentId, osUser: adopted.osUser });
    return adopted;
  };

  for (const environmentId of await listEnvironmentIds(opts.dataDir)) {
    try {
      const record = await readEnvironmentRecord(opts.dataDir, environmentId);
      if (!record) continue;
      const prepared = await serve(await adopt(record));
      await configureHelper(opts.dataDir, prepared, AbortSignal.timeout(30_000));
    } catch (e) {
      log.warn("environment.serve_failed", { environmentId, error: e instanceof Error ? e.message : String(e) });
    }
  }

  const queues = new Map<string, Promise<unknown>>();
  const exclusive = <T>(environmentId: string, work: () => Promise<T>): Promise<T> => {
    const previous = queues.get(environmentId) ?? Promise.resolve();
    const next = previous.catch(() => {}).then(work);
    queues.set(environmentId, next);
    void next.catch(() => {}).finally(() => {
      if (queues.get(environmentId) === next) queues.delete(environmentId);
    });
    return next;
  };

  return {
    isolation: opts.isolation,
    exclusive,
    prepare,
    contextOf,
    remove: async (environmentId) => {
      const record = await readEnvironmentRecord(opts.dataDir, environmentId);
      await sockets.stop(environmentId);
      // Nothing of the environment's may keep running (or keep files open) while its files go.
      const identity = record ? identityOf(record) : null;
      if (identity) await killIdentityProcesses(identity);
      const parent = environmentsDir(opts.dataDir);
      const names = await fs.readdir(parent).catch(() => [] as string[]);
      // The clone, its home, half-made clones of interrupted attempts, the endpoint file; then the
      // record, and the OS user last (found by name, so a retry after a failure finds it).
      const mine = names.filter((n) => n === environmentId || n.startsWith(`${environmentId}.`)).filter((n) => n !== `${environmentId}.json`);
      await Promise.all(mine.map((n) => fs.rm(path.join(parent, n), { recursive: true, force: true })));
      await removeEnvironmentRecord(opts.dataDir, environmentId);
      if (isolated) await removeIdentity(environmentId);
      return { removed: record !== null || mine.length > 0 };
    },
    close: () => sockets.close(),
  };
}
