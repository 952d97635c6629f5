import fs from "node:fs/promises";
import type { RunnerKeyPair } from "@/lib/crypto/sealed-box";
import { log } from "@/runner/log";
import type { CredentialBroker } from "../credentials/credential-broker";
import { environmentDir, isEnvironmentId, listEnvironmentIds, readEnvironmentRecord } from "../git/environment-record";
import { removeAllEndpoints, removeEndpoint, writeEndpoint } from "./endpoint-file";
import { createEnvironmentToken, startAgentToolsHttp, type AgentToolsHttp } from "./http";
import { agentEnvironmentOf } from "./load-config";
import { createAgentToolsPlane, type PlaneConnection } from "./plane-api";
import { createAgentToolsServer } from "./server";

/** The agent tools servers of a runner's environments, one loopback HTTP endpoint each. */
export type EnvironmentServers = {
  /**
   * Starts serving an environment whose clone is in place (a no-op when it is served already).
   * Never rejects: a server that cannot start is logged and the runner goes on without it.
   */
  serve: (environmentId: string) => Promise<void>;
  /** Stops serving an environment (it is being deleted) and removes its endpoint file. */
  stop: (environmentId: string) => Promise<void>;
  /** The environments served now. */
  served: () => string[];
  /** Stops every server and removes their endpoint files. */
  close: () => Promise<void>;
};

export type EnvironmentServersOptions = {
  dataDir: string;
  /** The runner API and this runner's access token (policy checks and the activity log). */
  plane: PlaneConnection;
  keys: RunnerKeyPair;
  runnerId: string;
  /** The runner process's one credential broker, shared with jobs and git. */
  credentials: CredentialBroker;
};

async function isDirectory(dir: string): Promise<boolean> {
  return fs.stat(dir).then(
    (s) => s.isDirectory(),
    () => false,
  );
}

/** The environments on disk whose clone is finished (a record without a clone is a clone that failed). */
async function readyEnvironments(dataDir: string): Promise<string[]> {
  const ids = await listEnvironmentIds(dataDir);
  const ready = await Promise.all(ids.map(async (id) => ((await isDirectory(environmentDir(dataDir, id))) ? id : null)));
  return ready.filter((id): id is string => id !== null);
}

/**
 * Serves each ready environment's SCM tools over MCP streamable HTTP on 127.0.0.1 (a free port
 * each), with a fresh bearer token per environment, and writes where and how to reach them to
 * `<dataDir>/environments/<id>.agent-tools.json` (0600, beside the clone) for that environment's
 * agent. Started with the runner: endpoint files a previous run left are removed first, then every
 * environment whose clone exists is served; `serve` adds one once its clone is made. The servers
 * share the runner's credential broker and check the policy with the plane on every call.
 */
export async function startEnvironmentServers(opts: EnvironmentServersOptions): Promise<EnvironmentServers> {
  const plane = createAgentToolsPlane(opts.plane);
  const servers = new Map<string, Promise<AgentToolsHttp | null>>();
  let closed = false;

  const start = async (environmentId: string): Promise<AgentToolsHttp | null> => {
    let http: AgentToolsHttp | null = null;
    try {
      const record = await readEnvironmentRecord(opts.dataDir, environmentId);
      if (!record || !(await isDirectory(environmentDir(opts.dataDir, environmentId)))) {
        log.warn("agent_tools.not_served", { environmentId, reason: "no finished clone" });
        return null;
      }
      const environment = await agentEnvironmentOf(opts.dataDir, record);
      const token = createEnvironmentToken();
      http = await startAgentToolsHttp({
        createServer: () => createAgentToolsServer({ environment, plane, keys: opts.keys, runnerId: opts.runnerId, credentials: opts.credentials }),
        token,
      });
      await writeEndpoint(opts.dataDir, { environmentId, url: http.url, token, transport: "streamable-http", startedAt: new Date().toISOString() }, typeof record.gid === "number" ? record.gid : null);
      log.info("agent_tools.serving", { environmentId, url: http.url });
      return http;
    } catch (e) {
      // The token is in no error of these steps; the message names a path or a socket error at most.
      log.warn("agent_tools.serve_failed", { environmentId, error: e instanceof Error ? e.message : String(e) });
      await http?.close();
      await removeEndpoint(opts.dataDir, environmentId).catch(() => {});
      return null;
    }
  };

  const serve = async (environmentId: string): Promise<void> => {
    if (closed || !isEnvironmentId(environmentId)) return;
    let server = servers.get(environmentId);
    if (!server) {
      server = start(environmentId);
      servers.set(environmentId, server);
    }
    // One that failed is tried again at the next call (the job's retry, or the next start).
    if ((await server) === null && servers.get(environmentId) === server) servers.delete(environmentId);
  };

  await removeAllEndpoints(opts.dataDir);
  await Promise.all((await readyEnvironments(opts.dataDir)).map(serve));

  const stop = async (environmentId: string, server: Promise<AgentToolsHttp | null>) => {
    const http = await server;
    // The file goes first: nobody should find an endpoint that is about to stop answering.
    await removeEndpoint(opts.dataDir, environmentId).catch(() => {});
    await http?.close();
  };

  return {
    serve,
    stop: async (environmentId) => {
      const server = servers.get(environmentId);
      servers.delete(environmentId);
      if (server) await stop(environmentId, server);
      else if (isEnvironmentId(environmentId)) await removeEndpoint(opts.dataDir, environmentId).catch(() => {});
    },
    served: () => [...servers.keys()],
    close: async () => {
      closed = true;
      const entries = [...servers.entries()];
      servers.clear();
      await Promise.all(entries.map(([environmentId, server]) => stop(environmentId, server)));
    },
  };
}
