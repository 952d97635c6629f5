import path from "node:path";
import fs from "node:fs";
import type { PGlite } from "@electric-sql/pglite";
import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import { getEnv } from "../lib/env";
import { log } from "../lib/log/logger";
import * as schema from "./schema";

export type Db = PgDatabase<PgQueryResultHKT, typeof schema>;
export type Tx = Parameters<Parameters<Db["transaction"]>[0]>[0];
/** A database handle or an open transaction: data functions accept either. */
export type DbOrTx = Db | Tx;

export type Engine = "pglite" | "postgres";

/** Stops a LISTEN subscription. */
export type Unlisten = () => Promise<void>;

export type Database = {
  db: Db;
  engine: Engine;
  /**
   * Subscribes to PostgreSQL notifications on `channel` (LISTEN/NOTIFY): on PostgreSQL through a
   * dedicated connection, so replicas wake each other; on PGlite within this process.
   */
  listen: (channel: string, onPayload: (payload: string) => void) => Promise<Unlisten>;
  close: () => Promise<void>;
};

export const migrationsFolder = path.join(process.cwd(), "db", "migrations");

/** The PostgreSQL advisory lock (an arbitrary constant) held while migrating, one migrator at a time. */
const MIGRATION_LOCK_KEY = 7_302_911_604;

const queryCounter = { count: 0 };

/** Number of SQL statements issued by this process so far (benchmarks and N+1 tests read it). */
export function queriesIssued(): number {
  return queryCounter.count;
}

function queryLogger(logQueries: boolean) {
  return {
    logQuery(query: string) {
      queryCounter.count += 1;
      // Parameters are never logged: they may hold secrets.
      if (logQueries) log.info("db.query", { sql: query.slice(0, 500) });
    },
  };
}

/**
 * Opens a database: real PostgreSQL when `url` is given, otherwise PGlite (embedded PostgreSQL)
 * at `dataDir` ("memory://" for an in-memory one) or from an already-created PGlite instance.
 * Applies every migration before returning, so callers always see the current schema.
 */
export async function openDatabase(opts: {
  url?: string;
  dataDir?: string;
  pglite?: PGlite;
  logQueries?: boolean;
  migrate?: boolean;
}): Promise<Database> {
  const logger = queryLogger(opts.logQueries ?? false);
  const migrate = opts.migrate ?? true;
  if (opts.url) {
    const { default: postgres } = await import("postgres");
    const { drizzle } = await import("drizzle-orm/postgres-js");
    const client = postgres(opts.url, { max: 10, onnotice: () => {} });
    const db = drizzle(client, { schema, logger }) as unknown as Db;
    if (migrate) {
      const { migrate: run } = await import("drizzle-orm/postgres-js/migrator");
      // Replicas starting together take turns: drizzle's migrator has no lock of its own, and the
      // loser of the race fails on objects the other just created. A session lock on a connection
      // of its own, released when that session ends even if this process dies.
      const lock = await client.reserve();
      try {
        await lock.unsafe(`select pg_advisory_lock(${MIGRATION_LOCK_KEY})`);
        await run(db as never, { migrationsFolder });
      } finally {
        await lock.unsafe(`select pg_advisory_unlock(${MIGRATION_LOCK_KEY})`).catch(() => {});
        lock.release();
      }
    }
    return {
      db,
      engine: "postgres",
      listen: async (channel, onPayload) => {
        const sub = await client.listen(channel, (payload) => onPayload(payload ?? ""));
        return () => sub.unlisten();
      },
      close: () => client.end({ timeout: 5 }),
    };
  }
  const { PGlite } = await import("@electric-sql/pglite");
  let client = opts.pglite;
  if (!client) {
    const dir = opts.dataDir ?? "memory://";
    if (!dir.startsWith("memory://")) fs.mkdirSync(dir, { recursive: true });
    client = new PGlite(dir);
  }
  const { drizzle } = await import("drizzle-orm/pglite");
  const db = drizzle(client, { schema, logger }) as unknown as Db;
  if (migrate) {
    const { migrate: run } = await import("drizzle-orm/pglite/migrator");
    await run(db as never, { migrationsFolder });
  }
  const pg = client;
  return {
    db,
    engine: "pglite",
    listen: async (channel, onPayload) => pg.listen(channel, (payload) => onPayload(payload ?? "")),
    close: () => pg.close(),
  };
}

const globalForDb = globalThis as unknown as { __scmDb?: Promise<Database> };

/**
 * The process-wide database, opened lazily on first use (never at import time: build workers
 * import modules) from the configuration: `DATABASE_URL` or the embedded PGlite under DATA_DIR.
 */
export function getDatabase(): Promise<Database> {
  if (!globalForDb.__scmDb) {
    const env = getEnv();
    globalForDb.__scmDb = openDatabase({
      url: env.DATABASE_URL,
      dataDir: path.join(env.dataDir, "pglite"),
      logQueries: env.LOG_QUERIES,
    }).catch((e: unknown) => {
      globalForDb.__scmDb = undefined;
      throw e;
    });
  }
  return globalForDb.__scmDb;
}

export async function getDb(): Promise<Db> {
  return (await getDatabase()).db;
}

/** Points the process-wide database at an already-open one (integration tests, scripts). */
export function setDatabaseForProcess(database: Database | undefined): void {
  globalForDb.__scmDb = database ? Promise.resolve(database) : undefined;
}
