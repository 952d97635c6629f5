import { and, desc, eq } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { auditLog } from "@/db/schema";
import { assertRole, type Actor } from "../users/actor";

/** The organization's most recent audit rows, newest first (admins only). */
export async function listAudit(opts: { db: DbOrTx; actor: Actor; limit?: number; targetType?: string }) {
  assertRole(opts.actor, "admin");
  return opts.db
    .select()
    .from(auditLog)
    .where(
      and(
        eq(auditLog.orgId, opts.actor.orgId),
        opts.targetType ? eq(auditLog.targetType, opts.targetType) : undefined,
      ),
    )
    .orderBy(desc(auditLog.at))
    .limit(Math.min(opts.limit ?? 20, 200));
}
