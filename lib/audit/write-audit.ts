import type { DbOrTx } from "@/db/client";
import { auditLog } from "@/db/schema";
import { redact } from "../log/redact";
import type { Actor } from "../users/actor";

export type AuditEntry = {
  action: string;
  targetType: string;
  targetId?: string | null;
  targetLabel?: string;
  before?: Record<string, unknown> | null;
  after?: Record<string, unknown> | null;
};

/**
 * Writes one audit-log row for an admin change, inside the caller's transaction so the row and
 * the change commit together. `before`/`after` are redacted: no secret ever reaches the log.
 */
export async function writeAudit(
  db: DbOrTx,
  /** A signed-in user, or a system actor (`userId: null`, e.g. a runner registering itself). */
  actor: Pick<Actor, "orgId" | "email"> & { userId: string | null },
  entry: AuditEntry,
): Promise<void> {
  await db.insert(auditLog).values({
    orgId: actor.orgId,
    actorId: actor.userId,
    actorLabel: actor.email,
    action: entry.action,
    targetType: entry.targetType,
    targetId: entry.targetId ?? null,
    targetLabel: entry.targetLabel ?? "",
    before: entry.before ? redact(entry.before) : null,
    after: entry.after ? redact(entry.after) : null,
  });
}
