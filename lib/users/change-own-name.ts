import { eq } from "drizzle-orm";
import type { Db } from "@/db/client";
import { users } from "@/db/schema";
import { writeAudit } from "../audit/write-audit";
import type { Actor } from "./actor";

/** Changes the signed-in user's own display name (any role), audited with before and after. */
export async function changeOwnName(opts: { db: Db; actor: Actor; name: string }): Promise<void> {
  if (opts.name === opts.actor.name) return;
  await opts.db.transaction(async (tx) => {
    await tx.update(users).set({ name: opts.name }).where(eq(users.id, opts.actor.userId));
    await writeAudit(tx, opts.actor, {
      action: "user.name_changed",
      targetType: "user",
      targetId: opts.actor.userId,
      targetLabel: opts.actor.email,
      before: { name: opts.actor.name },
      after: { name: opts.name },
    });
  });
}
