import { and, eq } from "drizzle-orm";
import type { Db } from "@/db/client";
import { groups } from "@/db/schema";
import { writeAudit } from "../audit/write-audit";
import { assertRole, type Actor } from "../users/actor";
import { findGroup } from "./find-group";

/** Deletes a group and its memberships (the users themselves stay). */
export async function deleteGroup(opts: { db: Db; actor: Actor; groupId: string }): Promise<void> {
  assertRole(opts.actor, "admin");
  await opts.db.transaction(async (tx) => {
    const group = await findGroup(tx, opts.actor.orgId, opts.groupId);
    await tx.delete(groups).where(and(eq(groups.orgId, opts.actor.orgId), eq(groups.id, group.id)));
    await writeAudit(tx, opts.actor, {
      action: "group.deleted",
      targetType: "group",
      targetId: group.id,
      targetLabel: group.name,
      before: { name: group.name, description: group.description },
    });
  });
}
