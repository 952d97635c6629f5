/** Opens and migrates the database when the server starts, so the first request does not wait. */
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { getEnv } = await import("./lib/env");
  const { installClientAddressHeader } = await import("./lib/auth/client-address");
  installClientAddressHeader({ trustedProxies: getEnv().TRUSTED_PROXY_HOPS });
  const { getDatabase } = await import("./db/client");
  const { log } = await import("./lib/log/logger");
  const database = await getDatabase();
  log.info("db.ready", { engine: database.engine });
  const { startRetentionSweeps } = await import("./lib/retention/start-retention-sweeps");
  startRetentionSweeps(database.db);
}
