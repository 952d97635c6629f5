import fs from "node:fs/promises";
import type { RunnerKeyPair } from "@/lib/crypto/sealed-box";
import path from "node:path";
import { DEFAULT_DATA_DIR, EMBEDDED_DATA_DIR, findDataDir, loadRegistration, resolveDataDir } from "../data-dir";
import { environmentDir, isEnvironmentId, readEnvironmentRecord, type EnvironmentRecord } from "../git/environment-record";
import type { PlaneConnection } from "./plane-api";
import type { AgentEnvironment } from "./run-tool-call";

/** A problem with the command line or the runner's state, explained to whoever ran the CLI. */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ConfigError";
  }
}

/** Everything a tools server needs, read from the runner's data directory. */
export type AgentToolsConfig = {
  environment: AgentEnvironment;
  plane: PlaneConnection;
  keys: RunnerKeyPair;
  runnerId: string;
};

export type LoadConfigOptions = {
  environmentId: string | undefined;
  /** `--data-dir`, else `RUNNER_DATA_DIR`, else the runner's default. */
  dataDir?: string;
  /** Overrides the plane URL the runner registered with. */
  planeUrl?: string;
  /** A file holding the runner's access token, instead of the one in the data directory. */
  tokenFile?: string;
};

/**
 * The data directory that holds an environment: the one named (`--data-dir`, `RUNNER_DATA_DIR`),
 * else the first that knows the environment of the standalone runner's default and the embedded
 * runner's (`npm run dev`, `npm start`: ${EMBEDDED_DATA_DIR}), else the runner's usual choice. A
 * checkout may hold both, and the environment is in only one of them.
 */
export async function findEnvironmentDataDir(flag: string | undefined, environmentId: string): Promise<string> {
  if (flag ?? process.env.RUNNER_DATA_DIR) return resolveDataDir(flag);
  for (const candidate of [DEFAULT_DATA_DIR, EMBEDDED_DATA_DIR]) {
    const dir = path.resolve(candidate);
    if (await readEnvironmentRecord(dir, environmentId).catch(() => null)) return dir;
  }
  return findDataDir(undefined);
}

/** `owner/name` from a clone URL (`https://host/owner/name.git`). */
function repoPathOf(repoUrl: string): string {
  return new URL(repoUrl).pathname.replace(/^\/+/, "").replace(/\.git$/, "").replace(/\/+$/, "");
}

async function exists(dir: string): Promise<boolean> {
  return fs.stat(dir).then(
    (s) => s.isDirectory(),
    () => false,
  );
}

/** The environment the tools act for, from the record the runner wrote when it cloned it. */
export async function agentEnvironmentOf(dataDir: string, record: EnvironmentRecord): Promise<AgentEnvironment> {
  const workdir = environmentDir(dataDir, record.environmentId);
  return {
    id: record.environmentId,
    ownerId: record.ownerId,
    host: record.host,
    provider: record.provider,
    repoPath: repoPathOf(record.repoUrl),
    workdir: (await exists(workdir)) ? workdir : null,
  };
}

/**
 * Reads (never writes) the runner's registration (key pair, runner id, access token, plane URL)
 * and the environment's record that the runner wrote when it cloned it, which says whose
 * environment it is and on which host.
 */
export async function loadAgentToolsConfig(opts: LoadConfigOptions): Promise<AgentToolsConfig> {
  if (!opts.environmentId) throw new ConfigError("--environment <id> is required.");
  if (!isEnvironmentId(opts.environmentId)) throw new ConfigError("--environment must be an environment id (a UUID).");
  const dataDir = await findEnvironmentDataDir(opts.dataDir, opts.environmentId);
  const registration = await loadRegistration(dataDir);
  if (!registration) throw new ConfigError(`No runner is registered in ${dataDir}: pass --data-dir (or set RUNNER_DATA_DIR) to the runner's data directory.`);
  const record = await readEnvironmentRecord(dataDir, opts.environmentId);
  if (!record) throw new ConfigError(`The runner in ${dataDir} has no environment ${opts.environmentId}.`);
  let accessToken = registration.credentials.accessToken;
  if (opts.tokenFile) {
    accessToken = (await fs.readFile(opts.tokenFile, "utf8").catch(() => {
      throw new ConfigError(`Cannot read the access token file ${opts.tokenFile}.`);
    })).trim();
    if (!accessToken) throw new ConfigError(`The access token file ${opts.tokenFile} is empty.`);
  }
  return {
    environment: await agentEnvironmentOf(dataDir, record),
    plane: { url: opts.planeUrl ?? registration.credentials.planeUrl, accessToken },
    keys: { publicKey: registration.key.publicKey, privateKey: registration.key.privateKey },
    runnerId: registration.credentials.runnerId,
  };
}
