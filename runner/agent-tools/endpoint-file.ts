import crypto from "node:crypto";
import fs from "node:fs/promises";
import path from "node:path";
import { z } from "zod";
import { environmentDir, environmentsDir } from "../git/environment-record";

/**
 * Where the running runner tells an environment's agent how to reach its tools:
 * `<dataDir>/environments/<id>.agent-tools.json` (0600), beside the clone and never inside it, so
 * nothing in the repository can point at it or read it by accident. It holds the environment's
 * bearer token: on a runner that isolates, the runner owns it with the environment's group
 * (0640), so the environment's identity alone can read it and cannot change who else may; without
 * isolation only the runner's own user can read it (0600).
 */
export const ENDPOINT_FILE_SUFFIX = ".agent-tools.json";

export const agentToolsEndpointSchema = z.object({
  environmentId: z.string(),
  /** The MCP endpoint on loopback, `http://127.0.0.1:PORT/mcp`. */
  url: z.string().url(),
  /** Sent as `Authorization: Bearer <token>`; fresh each time the runner starts serving. */
  token: z.string().min(32),
  transport: z.literal("streamable-http"),
  startedAt: z.string(),
});

/** One environment's tools endpoint as the runner serves it. */
export type AgentToolsEndpoint = z.infer<typeof agentToolsEndpointSchema>;

/** The endpoint file of an environment. */
export function endpointFile(dataDir: string, environmentId: string): string {
  return `${environmentDir(dataDir, environmentId)}${ENDPOINT_FILE_SUFFIX}`;
}

/**
 * Writes (or replaces) an environment's endpoint file atomically, 0600 from the start; readable by
 * the environment's group `gid` (0640) once complete, when the environment has an identity.
 */
export async function writeEndpoint(dataDir: string, endpoint: AgentToolsEndpoint, gid: number | null = null): Promise<void> {
  const target = endpointFile(dataDir, endpoint.environmentId);
  await fs.mkdir(path.dirname(target), { recursive: true, mode: 0o700 });
  const temp = `${target}.${crypto.randomBytes(6).toString("hex")}.tmp`;
  try {
    const handle = await fs.open(temp, "wx", 0o600);
    try {
      await handle.writeFile(JSON.stringify(endpoint, null, 2) + "\n", "utf8");
      if (gid !== null) {
        await handle.chown(process.getuid?.() ?? 0, gid);
        await handle.chmod(0o640);
      }
    } finally {
      await handle.close();
    }
    await fs.rename(temp, target);
  } catch (e) {
    await fs.rm(temp, { force: true });
    throw e;
  }
}

/** The endpoint the runner wrote for an environment, or null when there is none (or it is not one). */
export async function readEndpoint(dataDir: string, environmentId: string): Promise<AgentToolsEndpoint | null> {
  let text: string;
  try {
    text = await fs.readFile(endpointFile(dataDir, environmentId), "utf8");
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw e;
  }
  try {
    const parsed = agentToolsEndpointSchema.safeParse(JSON.parse(text));
    return parsed.success && parsed.data.environmentId === environmentId ? parsed.data : null;
  } catch {
    return null;
  }
}

/** Removes an environment's endpoint file, if there is one. */
export async function removeEndpoint(dataDir: string, environmentId: string): Promise<void> {
  await fs.rm(endpointFile(dataDir, environmentId), { force: true });
}

/**
 * Removes every endpoint file (and half-written one) in the data directory: what a runner that
 * was killed left behind names ports and tokens nobody serves any more.
 */
export async function removeAllEndpoints(dataDir: string): Promise<void> {
  const dir = environmentsDir(dataDir);
  const names = await fs.readdir(dir).catch(() => [] as string[]);
  const stale = names.filter((n) => n.endsWith(ENDPOINT_FILE_SUFFIX) || (n.includes(`${ENDPOINT_FILE_SUFFIX}.`) && n.endsWith(".tmp")));
  await Promise.all(stale.map((n) => fs.rm(path.join(dir, n), { force: true })));
}

/**
 * Whether a runner answers at the endpoint with its token: a GET with the token gets the MCP
 * endpoint's 405 (it takes POSTs only), whereas a wrong token gets 401 and a stopped runner no
 * answer at all. No tool runs.
 */
export async function isServing(endpoint: AgentToolsEndpoint, timeoutMs = 2_000): Promise<boolean> {
  try {
    const response = await fetch(endpoint.url, { method: "GET", headers: { authorization: `Bearer ${endpoint.token}` }, redirect: "manual", signal: AbortSignal.timeout(timeoutMs) });
    await response.body?.cancel();
    return response.status === 405;
  } catch {
    return false;
  }
}
