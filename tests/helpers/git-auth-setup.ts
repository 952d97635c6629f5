import { sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { seal } from "@/lib/crypto/sealed-box";
import { RUNNER_API_PATH } from "@/lib/runners/protocol";
import { seedGitAuth, type SeedIntegration, type SeedToken } from "@/lib/testing/seed-git-auth";
import type { Actor } from "@/lib/users/actor";
import { FakeRunner } from "./fake-runner";
import { seedOrg, seedUser } from "./seed";

export const PUBLIC_BASE_URL = "http://localhost:3000";

/** github.com (OAuth + PAT), gitlab.example.com (OAuth + PAT), bitbucket.org (PAT only). */
export const defaultIntegrations: SeedIntegration[] = [
  { provider: "github", host: "github.com", baseUrl: "https://github.com", oauth: true, pat: true },
  { provider: "gitlab", host: "gitlab.example.com", baseUrl: "https://gitlab.example.com", oauth: true, pat: true },
  { provider: "bitbucket", host: "bitbucket.org", baseUrl: "https://bitbucket.org", oauth: false, pat: true },
];

/**
 * An organization with an admin and a member, a registered runner offering `integrations`, and a
 * FakeRunner playing that runner against `apiUrl`.
 */
export async function setupGitAuth(db: Db, apiUrl: string, opts: { integrations?: SeedIntegration[]; tokens?: (member: Actor) => SeedToken[] } = {}) {
  const { orgId, admin } = await seedOrg(db);
  const member = await seedUser(db, orgId, "member");
  const integrations = opts.integrations ?? defaultIntegrations;
  const seeded = await seedGitAuth({ db, orgId, adminUserId: admin.userId, integrations, tokens: opts.tokens?.(member) });
  const runner = new FakeRunner(`${apiUrl}${RUNNER_API_PATH}`, seeded);
  /** A PAT sealed the way the browser seals it. */
  const sealPat = (actor: Actor, integration: number, token: string, publicKey = seeded.keys.publicKey) =>
    seal(publicKey, { purpose: "pat", runnerId: seeded.runnerId, host: integrations[integration]!.host, userId: actor.userId }, token);
  return { orgId, admin, member, seeded, runner, integrations, ids: seeded.integrationIds, sealPat };
}

/** `db.execute` answers an array on postgres.js and `{ rows }` on PGlite. */
export function rowsOf(result: unknown): Record<string, unknown>[] {
  return (Array.isArray(result) ? result : (result as { rows: Record<string, unknown>[] }).rows) as Record<string, unknown>[];
}

/** Every row of every table, as one string: what a database dump would reveal. */
export async function dumpDatabase(db: Db): Promise<string> {
  const tables = rowsOf(await db.execute(sql`select table_name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE'`)).map((t) => String(t.table_name));
  let dump = "";
  for (const table of tables) dump += JSON.stringify(rowsOf(await db.execute(sql.raw(`select * from "${table}"`))));
  return dump;
}
