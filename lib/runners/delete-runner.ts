import { and, eq } from "drizzle-orm";
import type { Db } from "@/db/client";
import { runners } from "@/db/schema";
import { writeAudit } from "../audit/write-audit";
import { AppError } from "../errors/app-error";
import { assertRole, type Actor } from "../users/actor";
import { countRunnerImpact } from "./count-runner-impact";

/**
 * Deletes a runner with its tokens, integrations, users' sealed credentials and jobs (foreign-key
 * cascades, one transaction). Returns what went with it, for the confirmation toast.
 */
export async function deleteRunner(opts: { db: Db; actor: Actor; runnerId: string }): Promise<{ integrations: number; users: number }> {
  assertRole(opts.actor, "admin");
  return opts.db.transaction(async (tx) => {
    const impact = await countRunnerImpact({ db: tx, actor: opts.actor, runnerId: opts.runnerId });
    const deleted = await tx
      .delete(runners)
      .where(and(eq(runners.orgId, opts.actor.orgId), eq(runners.id, opts.runnerId)))
      .returning({ id: runners.id });
    if (deleted.length === 0) throw new AppError("not_found");
    await writeAudit(tx, opts.actor, {
      action: "runner.deleted",
      targetType: "runner",
      targetId: opts.runnerId,
      targetLabel: impact.name,
      before: { name: impact.name, integrations: impact.integrations, connectedUsers: impact.users },
    });
    return { integrations: impact.integrations, users: impact.users };
  });
}
