import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs/promises";
import { endpointFile } from "../agent-tools/endpoint-file";
import { environmentDir, environmentHome, isEnvironmentId, readEnvironmentRecord } from "../git/environment-record";
import { environmentSpawnOptions } from "../isolation/environment-process";

/** A command could not be started in the environment; the message says why and what to do. */
export class ExecError extends Error {}

/**
 * Runs a command in an environment as the environment itself: in its clone, as its OS user (on a
 * runner that isolates), with nothing of the runner's environment but `HOME`, `PATH` and the like,
 * plus `SCM_ENVIRONMENT_ID` and `SCM_AGENT_TOOLS_FILE` (where the runner says how to reach the
 * environment's agent tools). This is how an operator, a test or an agent host gets a shell or runs
 * git there. Reading the environment's record needs the runner's own user (root on an isolating
 * runner). Resolves with the command's exit code.
 */
export async function execInEnvironment(opts: { dataDir: string; environmentId: string; command: string[] }): Promise<number> {
  const child = await spawnInEnvironment({ ...opts, stdio: "inherit" });
  return new Promise((resolve, reject) => {
    const forward = (signal: NodeJS.Signals) => child.kill(signal);
    process.on("SIGINT", forward);
    process.on("SIGTERM", forward);
    child.on("error", (e) => reject(new ExecError(`Cannot run ${opts.command[0]}: ${e.message}`)));
    child.on("close", (code, signal) => {
      process.off("SIGINT", forward);
      process.off("SIGTERM", forward);
      resolve(code ?? (signal ? 128 + 15 : 1));
    });
  });
}

/** Starts a command in an environment as `execInEnvironment` does, and returns the child. */
export async function spawnInEnvironment(opts: { dataDir: string; environmentId: string; command: string[]; stdio: "inherit" | "pipe" }): Promise<ChildProcess> {
  const [program, ...args] = opts.command;
  if (!program) throw new ExecError("Give the command to run after --, e.g. -- git status.");
  // Anything that is not an id (`../x`) gets the same answer as an unknown id.
  const record = isEnvironmentId(opts.environmentId) ? await readEnvironmentRecord(opts.dataDir, opts.environmentId).catch(() => null) : null;
  if (!record) throw new ExecError(`The runner in ${opts.dataDir} has no environment by that id.`);
  const identity = record.osUser && typeof record.uid === "number" && typeof record.gid === "number" ? { user: record.osUser, uid: record.uid, gid: record.gid } : null;
  if (identity && process.getuid?.() !== 0) throw new ExecError(`Environment ${record.environmentId} runs as the OS user ${identity.user}: run this as root on the runner's host.`);
  const dir = environmentDir(opts.dataDir, record.environmentId);
  if (!(await fs.stat(dir).then((s) => s.isDirectory(), () => false))) throw new ExecError(`Environment ${record.environmentId} has no clone yet (it is still being created, or its clone failed).`);
  const where = environmentSpawnOptions({ environmentId: record.environmentId, identity, home: environmentHome(opts.dataDir, record.environmentId) }, dir, { SCM_AGENT_TOOLS_FILE: endpointFile(opts.dataDir, record.environmentId) });
  return spawn(program, args, { ...where, stdio: opts.stdio });
}
