import crypto from "node:crypto";
import { afterAll, describe, expect, it } from "vitest";
import { sql } from "drizzle-orm";
import { openDatabase, type Database } from "@/db/client";

const expectedTables = ["audit_log", "group_members", "groups", "invitations", "memberships", "organizations", "rate_limits", "users"];

async function tableNames(database: Database): Promise<string[]> {
  const rows = await database.db.execute<{ table_name: string }>(
    sql`select table_name from information_schema.tables where table_schema = 'public' order by table_name`,
  );
  const list = Array.isArray(rows) ? rows : (rows as unknown as { rows: { table_name: string }[] }).rows;
  return list.map((r) => r.table_name);
}

describe("migrations from an empty database", () => {
  it("pglite: creates every table, and applying them again changes nothing", async () => {
    const first = await openDatabase({ dataDir: "memory://" });
    try {
      expect(await tableNames(first)).toEqual(expect.arrayContaining(expectedTables));
      const { migrate } = await import("drizzle-orm/pglite/migrator");
      await migrate(first.db as never, { migrationsFolder: "db/migrations" });
      expect(await tableNames(first)).toEqual(expect.arrayContaining(expectedTables));
    } finally {
      await first.close();
    }
  });

  const url = process.env.TEST_DATABASE_URL;
  const created: string[] = [];
  afterAll(async () => {
    if (!url || created.length === 0) return;
    const { default: postgres } = await import("postgres");
    const admin = postgres(url, { max: 1, onnotice: () => {} });
    for (const name of created) await admin.unsafe(`drop database if exists "${name}" with (force)`);
    await admin.end();
  });

  it.runIf(Boolean(url))("postgres: creates every table in a brand-new database, twice without error", async () => {
    const { default: postgres } = await import("postgres");
    const admin = postgres(url!, { max: 1, onnotice: () => {} });
    const name = `scm_mig_${crypto.randomBytes(6).toString("hex")}`;
    await admin.unsafe(`create database "${name}"`);
    created.push(name);
    await admin.end();
    const u = new URL(url!);
    u.pathname = `/${name}`;
    const first = await openDatabase({ url: u.toString() });
    expect(await tableNames(first)).toEqual(expect.arrayContaining(expectedTables));
    await first.close();
    const second = await openDatabase({ url: u.toString() });
    expect(await tableNames(second)).toEqual(expect.arrayContaining(expectedTables));
    await second.close();
  });

  // Regression: two replicas started together on a new database both ran the migrations; the one
  // that lost the race failed on `CREATE TYPE "role"` (already created by the other) in its
  // instrumentation hook, and then answered 500 to every request until restarted.
  it.runIf(Boolean(url))("postgres: replicas opening a brand-new database at the same moment take turns migrating it, and all succeed", async () => {
    const { default: postgres } = await import("postgres");
    const admin = postgres(url!, { max: 1, onnotice: () => {} });
    const name = `scm_mig_${crypto.randomBytes(6).toString("hex")}`;
    await admin.unsafe(`create database "${name}"`);
    created.push(name);
    await admin.end();
    const u = new URL(url!);
    u.pathname = `/${name}`;
    const opened = await Promise.allSettled([1, 2, 3].map(() => openDatabase({ url: u.toString() })));
    const databases = opened.flatMap((o) => (o.status === "fulfilled" ? [o.value] : []));
    try {
      expect(opened.map((o) => (o.status === "rejected" ? String((o.reason as Error).message).slice(0, 200) : "ok"))).toEqual(["ok", "ok", "ok"]);
      expect(await tableNames(databases[0]!)).toEqual(expect.arrayContaining(expectedTables));
      const applied = await databases[0]!.db.execute<{ n: number }>(sql`select count(*)::int as n from drizzle.__drizzle_migrations`);
      const rows = Array.isArray(applied) ? applied : (applied as unknown as { rows: { n: number }[] }).rows;
      const files = (await import("node:fs")).readdirSync("db/migrations").filter((f) => f.endsWith(".sql"));
      expect(rows[0]!.n, "each migration recorded once").toBe(files.length);
    } finally {
      await Promise.all(databases.map((d) => d.close()));
    }
  });
});
