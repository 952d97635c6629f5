import net from "node:net";

export type PortNeed = { port: number; label: string; host?: string };

/** Whether something already listens on the port (tried by listening on it briefly ourselves). */
function isTaken(need: PortNeed): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", (e: NodeJS.ErrnoException) => (e.code === "EADDRINUSE" || e.code === "EACCES" ? resolve(true) : reject(e)));
    server.listen({ port: need.port, host: need.host, exclusive: true }, () => server.close(() => resolve(false)));
  });
}

/**
 * The ports among `needs` that are taken, each with what the demo wanted it for. Checked before
 * anything starts, so a clash is one clear message instead of a half-started demo.
 */
export async function takenPorts(needs: PortNeed[]): Promise<PortNeed[]> {
  const taken: PortNeed[] = [];
  for (const need of needs) if (await isTaken(need)) taken.push(need);
  return taken;
}

/** Parses a port number from the environment, naming the variable when it is not one. */
export function portFromEnv(name: string, value: string | undefined, fallback: number, span = 0): number {
  if (value === undefined || value === "") return fallback;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 1 || port + span > 65_535) throw new Error(`${name} must be a port number from 1 to ${65_535 - span}, got "${value}".`);
  return port;
}
