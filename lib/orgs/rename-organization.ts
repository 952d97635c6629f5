import { eq } from "drizzle-orm";
import type { Db } from "@/db/client";
import { organizations } from "@/db/schema";
import { writeAudit } from "../audit/write-audit";
import { assertRole, type Actor } from "../users/actor";

/** Renames the actor's organization (admins only), audited with the old and new name. */
export async function renameOrganization(opts: { db: Db; actor: Actor; name: string }): Promise<void> {
  assertRole(opts.actor, "admin");
  await opts.db.transaction(async (tx) => {
    const [before] = await tx
      .select({ name: organizations.name })
      .from(organizations)
      .where(eq(organizations.id, opts.actor.orgId))
      .for("update");
    if (!before || before.name === opts.name) return;
    await tx.update(organizations).set({ name: opts.name }).where(eq(organizations.id, opts.actor.orgId));
    await writeAudit(tx, opts.actor, {
      action: "org.renamed",
      targetType: "organization",
      targetId: opts.actor.orgId,
      targetLabel: opts.name,
      before: { name: before.name },
      after: { name: opts.name },
    });
  });
}
