import { log } from "@/runner/log";
import { startEnvironmentServers } from "./agent-tools/environment-servers";
import { createCredentialBroker } from "./credentials/credential-broker";
import { loadRegistration, lockDataDir, type StoredCredentials, type StoredKey } from "./data-dir";
import { startEnvironmentHost } from "./environments/environment-host";
import { detectIsolation } from "./isolation/isolation";
import { versionCompatibility } from "@/lib/runners/version-compat";
import { RUNNER_VERSION } from "./version";
import { JobAborted } from "./jobs/types";
import { startJob, type RunningJob } from "./execute-job";
import { createPlaneClient, PlaneError, type PlaneClient } from "./plane-client";
import { sleep } from "./sleep";

/** How long a poll asks the plane to hold the request when there is nothing to do. */
export const POLL_WAIT_SECONDS = 25;
/** Jobs worked on at once, unless `--concurrency` says otherwise. */
export const DEFAULT_CONCURRENCY = 4;
/** On shutdown, how long running jobs may finish before they are aborted (and handed back for a retry). */
export const DEFAULT_SHUTDOWN_GRACE_MS = 5_000;

/** Why the worker returned. */
export type WorkerExit = "stopped" | "token_invalid";

/** The runner has no (complete) registration in its data directory. */
export class NotRegisteredError extends Error {
  constructor(readonly dataDir: string) {
    super(`This runner is not registered: no key and credentials in ${dataDir}.`);
    this.name = "NotRegisteredError";
  }
}

/** Reconnect delay after `failures` failed attempts in a row: 0.5 s doubling to 30 s, ±20 % jitter. */
export function reconnectDelayMs(failures: number): number {
  return Math.round(Math.min(500 * 2 ** Math.max(0, failures - 1), 30_000) * (0.8 + 0.4 * Math.random()));
}

/** A counting semaphore whose waiters give up when their job is aborted. */
function slots(limit: number) {
  let free = limit;
  const waiting: (() => void)[] = [];
  const release = () => {
    const next = waiting.shift();
    if (next) next();
    else free += 1;
  };
  return {
    acquire: (signal: AbortSignal): Promise<() => void> => {
      if (free > 0) {
        free -= 1;
        return Promise.resolve(release);
      }
      return new Promise((resolve) => {
        const grant = () => {
          signal.removeEventListener("abort", giveUp);
          resolve(release);
        };
        const giveUp = () => {
          const i = waiting.indexOf(grant);
          if (i >= 0) waiting.splice(i, 1);
          resolve(() => {});
        };
        waiting.push(grant);
        signal.addEventListener("abort", giveUp, { once: true });
      });
    },
  };
}

/**
 * The runner's main loop: long-polls the plane for jobs and works on them, at most `concurrency`
 * at a time (jobs handed out beyond that wait their turn here). When the plane is unreachable or
 * failing it reconnects with backoff; when it refuses the access token it returns `token_invalid`.
 * When `stop` aborts it stops polling, gives running jobs a grace period, aborts the rest (they are
 * reported as retryable so the plane hands them out again) and returns `stopped`. While it runs it
 * also serves the git credential helper of its environments (a unix socket per environment, which
 * only that environment's OS user can open) and each ready environment's agent tools (loopback
 * HTTP, runner/agent-tools/environment-servers.ts).
 */
export async function runWorker(opts: { dataDir: string; stop: AbortSignal; concurrency?: number; shutdownGraceMs?: number }): Promise<WorkerExit> {
  const registration = await loadRegistration(opts.dataDir);
  if (!registration) throw new NotRegisteredError(opts.dataDir);
  const { key, credentials } = registration;
  const unlock = await lockDataDir(opts.dataDir);
  try {
    return await work(opts, key, credentials);
  } finally {
    await unlock();
  }
}

async function work(opts: { dataDir: string; stop: AbortSignal; concurrency?: number; shutdownGraceMs?: number }, key: StoredKey, credentials: StoredCredentials): Promise<WorkerExit> {
  const client: PlaneClient = createPlaneClient({ planeUrl: credentials.planeUrl, accessToken: credentials.accessToken });
  const concurrency = Math.max(1, opts.concurrency ?? DEFAULT_CONCURRENCY);
  const limiter = slots(concurrency);
  const active = new Map<string, RunningJob>();
  // One broker per process: every job, git request and agent tool call shares its coalescing.
  const credentialBroker = createCredentialBroker({ plane: client, keys: key, runnerId: credentials.runnerId });
  const isolation = detectIsolation(opts.dataDir);
  // Identities, homes and one credential socket per environment (runner/environments/environment-host.ts).
  const environments = await startEnvironmentHost({ dataDir: opts.dataDir, isolation, broker: credentialBroker, plane: client });
  // Each ready environment's agent tools on loopback, found through <dataDir>/environments/<id>.agent-tools.json.
  const environmentServers = await startEnvironmentServers({
    dataDir: opts.dataDir,
    plane: { url: credentials.planeUrl, accessToken: credentials.accessToken },
    keys: key,
    runnerId: credentials.runnerId,
    credentials: credentialBroker,
  });
  const services = { dataDir: opts.dataDir, credentials: credentialBroker, environments, environmentReady: environmentServers.serve, environmentGone: environmentServers.stop };
  let jobFinished: () => void = () => {};

  const launch = (job: RunningJob["job"], clockOffsetMs: number) => {
    // The same job again means our previous attempt's lease ran out: that attempt is void.
    active.get(job.id)?.controller.abort(new JobAborted("released"));
    const running = startJob({ job, client, keys: key, runnerId: credentials.runnerId, services, clockOffsetMs, waitForSlot: limiter.acquire });
    active.set(job.id, running);
    void running.done.finally(() => {
      if (active.get(job.id) === running) active.delete(job.id);
      jobFinished();
    });
  };

  log.info("runner.starting", { runnerId: credentials.runnerId, name: credentials.name, planeUrl: credentials.planeUrl, fingerprint: credentials.fingerprint, concurrency, isolation: isolation.mode });
  if (isolation.mode === "none") log.warn("runner.not_isolated", { reason: isolation.reason });
  let exit: WorkerExit = "stopped";
  let failures = 0;
  let connected = false;
  while (!opts.stop.aborted) {
    if (active.size >= concurrency) {
      await new Promise<void>((resolve) => {
        const wake = () => {
          opts.stop.removeEventListener("abort", wake);
          resolve();
        };
        jobFinished = wake;
        opts.stop.addEventListener("abort", wake, { once: true });
      });
      jobFinished = () => {};
      continue;
    }
    try {
      if (!connected) {
        const me = await client.hello({ version: RUNNER_VERSION, isolation: isolation.mode }, opts.stop);
        log.info(failures > 0 ? "plane.reconnected" : "runner.connected", { runnerId: me.runnerId, name: me.name, planeUrl: client.planeUrl, failures, version: RUNNER_VERSION, planeVersion: me.planeVersion });
        const compatibility = me.planeVersion ? versionCompatibility(RUNNER_VERSION, me.planeVersion) : null;
        if (compatibility && compatibility.status !== "same") {
          log[compatibility.status === "incompatible" ? "warn" : "info"]("runner.version_differs", { version: RUNNER_VERSION, planeVersion: me.planeVersion, message: compatibility.message });
        }
        connected = true;
        failures = 0;
      }
      const { jobs, clockOffsetMs } = await client.pollJobs(POLL_WAIT_SECONDS, opts.stop);
      for (const job of jobs) launch(job, clockOffsetMs);
    } catch (e) {
      if (opts.stop.aborted) break;
      if (e instanceof PlaneError && e.code === "runner_token_invalid") {
        log.error("runner.token_invalid", { runnerId: credentials.runnerId, planeUrl: client.planeUrl });
        exit = "token_invalid";
        break;
      }
      connected = false;
      failures += 1;
      const retryInMs = reconnectDelayMs(failures);
      log.warn("plane.unreachable", { planeUrl: client.planeUrl, reason: e instanceof Error ? e.message : String(e), errorCode: e instanceof PlaneError ? e.code : undefined, failures, retryInMs });
      await sleep(retryInMs, opts.stop);
    }
  }

  const running = [...active.values()];
  if (exit === "token_invalid") {
    for (const job of running) job.controller.abort(new JobAborted("released"));
  } else if (running.length > 0) {
    const graceMs = opts.shutdownGraceMs ?? DEFAULT_SHUTDOWN_GRACE_MS;
    log.info("runner.draining", { activeJobs: running.length, graceMs });
    await Promise.race([Promise.allSettled(running.map((j) => j.done)), sleep(graceMs)]);
    for (const job of active.values()) job.controller.abort(new JobAborted("shutdown"));
  }
  await Promise.allSettled(running.map((j) => j.done));
  await environmentServers.close();
  await environments.close();
  credentialBroker.clear();
  log.info("runner.stopped", { runnerId: credentials.runnerId, reason: exit });
  return exit;
}
