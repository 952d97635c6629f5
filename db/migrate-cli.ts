import path from "node:path";
import { openDatabase } from "./client";
import { getEnv, EnvError } from "../lib/env";

/** `npm run migrate`: applies every pending migration to DATABASE_URL or the embedded database. */
async function main() {
  const env = getEnv();
  const database = await openDatabase({ url: env.DATABASE_URL, dataDir: path.join(env.dataDir, "pglite") });
  await database.close();
  console.log(`Database migrated (${database.engine}${database.engine === "pglite" ? `, ${path.join(env.dataDir, "pglite")}` : ""}).`);
}

main().catch((e: unknown) => {
  console.error(e instanceof EnvError ? e.message : `Migration failed: ${(e as Error).message}`);
  process.exit(1);
});
