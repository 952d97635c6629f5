import type { Db } from "@/db/client";
import { groups } from "@/db/schema";
import { writeAudit } from "../audit/write-audit";
import { isUniqueViolation } from "../db-errors";
import { AppError } from "../errors/app-error";
import { assertRole, type Actor } from "../users/actor";

/** Creates a group; names are unique per organization, case-insensitively. */
export async function createGroup(opts: { db: Db; actor: Actor; name: string; description?: string }): Promise<{ id: string }> {
  assertRole(opts.actor, "admin");
  try {
    return await opts.db.transaction(async (tx) => {
      const [group] = await tx
        .insert(groups)
        .values({ orgId: opts.actor.orgId, name: opts.name, description: opts.description ?? "" })
        .returning({ id: groups.id });
      if (!group) throw new Error("insert returned no row");
      await writeAudit(tx, opts.actor, {
        action: "group.created",
        targetType: "group",
        targetId: group.id,
        targetLabel: opts.name,
        after: { name: opts.name, description: opts.description ?? "" },
      });
      return group;
    });
  } catch (e) {
    if (isUniqueViolation(e, "groups_org_name_key")) {
      throw new AppError("group_name_taken", { fieldErrors: { name: ["A group with this name already exists"] } });
    }
    throw e;
  }
}
