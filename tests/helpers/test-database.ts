import crypto from "node:crypto";
import fs from "node:fs";
import { inject } from "vitest";
import { openDatabase, type Database } from "@/db/client";

export type TestEngine = { name: "pglite" | "postgres"; open: () => Promise<Database> };

/**
 * The engines every integration suite runs on: PGlite always, PostgreSQL too when
 * TEST_DATABASE_URL is set. Each `open()` gives a fresh, migrated database of its own that
 * `close()` removes.
 */
export function testEngines(): TestEngine[] {
  const engines: TestEngine[] = [
    {
      name: "pglite",
      open: async () => {
        const { PGlite } = await import("@electric-sql/pglite");
        const tar = fs.readFileSync(inject("pgliteTemplate"));
        const pg = new PGlite({ loadDataDir: new Blob([tar]) });
        return openDatabase({ pglite: pg, migrate: false });
      },
    },
  ];
  const url = process.env.TEST_DATABASE_URL;
  const template = inject("postgresTemplate");
  if (url && template) {
    engines.push({
      name: "postgres",
      open: async () => {
        const { default: postgres } = await import("postgres");
        const name = `scm_test_${crypto.randomBytes(6).toString("hex")}`;
        const admin = postgres(url, { max: 1, onnotice: () => {} });
        await admin.unsafe(`create database "${name}" template "${template}"`);
        const u = new URL(url);
        u.pathname = `/${name}`;
        const database = await openDatabase({ url: u.toString(), migrate: false });
        return {
          ...database,
          close: async () => {
            await database.close();
            await admin.unsafe(`drop database if exists "${name}" with (force)`);
            await admin.end();
          },
        };
      },
    });
  }
  return engines;
}
