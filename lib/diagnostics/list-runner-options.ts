import { asc, eq, sql } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { runners } from "@/db/schema";
import { assertRole, type Actor } from "../users/actor";

/** The organization's runners by name, for Diagnostics' runner filters (admins and support). */
export async function listRunnerOptions(opts: { db: DbOrTx; actor: Actor }): Promise<{ id: string; name: string }[]> {
  assertRole(opts.actor, "admin", "support");
  return opts.db.select({ id: runners.id, name: runners.name }).from(runners).where(eq(runners.orgId, opts.actor.orgId)).orderBy(asc(sql`lower(${runners.name})`)).limit(1000);
}
