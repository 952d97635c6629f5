import { asc, eq, sql } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { runners } from "@/db/schema";
import { assertRole, type Actor } from "../users/actor";

/**
 * The organization's runner names, sorted, for Diagnostics' runner fields (admins and support).
 * Names only: the page lists them once as suggestions shared by every runner field, and the
 * fields send the name (unique per organization, case-insensitively).
 */
export async function listRunnerNames(opts: { db: DbOrTx; actor: Actor }): Promise<string[]> {
  assertRole(opts.actor, "admin", "support");
  const rows = await opts.db.select({ name: runners.name }).from(runners).where(eq(runners.orgId, opts.actor.orgId)).orderBy(asc(sql`lower(${runners.name})`)).limit(1000);
  return rows.map((r) => r.name);
}
