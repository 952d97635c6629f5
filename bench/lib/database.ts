import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Database } from "../../db/client";
import type { Scope } from "./scope";

export type FreshDatabase = {
  engine: "pglite" | "postgres";
  /** Human description (never includes a password). */
  label: string;
  /** What the app needs to use this database: DATA_DIR, and DATABASE_URL for PostgreSQL. */
  appEnv: Record<string, string>;
  /** Opens (and migrates) it in this process, for seeding. Close it before starting the app. */
  open: () => Promise<Database>;
};

function redactUrl(url: URL): string {
  const u = new URL(url.toString());
  if (u.password) u.password = "***";
  return `${u.host}${u.pathname}`;
}

/**
 * A fresh, empty database and a temp DATA_DIR, both removed when `scope` closes.
 * By default the embedded PGlite in `DATA_DIR/pglite` (the path the app opens); with
 * BENCH_DATABASE_URL set, a new database `bench_<random>` created on that PostgreSQL server.
 */
export async function createFreshDatabase(scope: Scope, log: (m: string) => void): Promise<FreshDatabase> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "scm-bench-"));
  scope.add(`remove ${dataDir}`, () => fs.rmSync(dataDir, { recursive: true, force: true }));
  const { openDatabase } = await import("../../db/client");

  const serverUrl = process.env.BENCH_DATABASE_URL?.trim();
  if (!serverUrl) {
    const pgliteDir = path.join(dataDir, "pglite");
    return {
      engine: "pglite",
      label: `pglite in ${pgliteDir}`,
      appEnv: { DATA_DIR: dataDir },
      open: () => openDatabase({ dataDir: pgliteDir }),
    };
  }

  const base = new URL(serverUrl);
  const name = `bench_${crypto.randomBytes(5).toString("hex")}`;
  const { default: postgres } = await import("postgres");
  const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
  try {
    await admin.unsafe(`create database "${name}"`);
  } finally {
    await admin.end({ timeout: 5 });
  }
  const dbUrl = new URL(base.toString());
  dbUrl.pathname = `/${name}`;
  log(`created database ${redactUrl(dbUrl)}`);
  scope.add(`drop database ${name}`, async () => {
    const client = postgres(serverUrl, { max: 1, onnotice: () => {} });
    try {
      await client.unsafe(`drop database if exists "${name}" with (force)`);
    } finally {
      await client.end({ timeout: 5 });
    }
  });
  return {
    engine: "postgres",
    label: `postgres ${redactUrl(dbUrl)}`,
    appEnv: { DATA_DIR: dataDir, DATABASE_URL: dbUrl.toString() },
    open: () => openDatabase({ url: dbUrl.toString() }),
  };
}
