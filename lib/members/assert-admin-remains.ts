import { and, eq, isNull, ne } from "drizzle-orm";
import type { Tx } from "@/db/client";
import { memberships, users } from "@/db/schema";
import { AppError } from "../errors/app-error";

/**
 * Inside a transaction, locks the organization's admin memberships and throws `last_admin` unless
 * an active admin other than `exceptUserId` remains. The row locks serialize concurrent
 * demotions, so two admins demoting each other cannot leave the org with none.
 */
export async function assertAdminRemains(tx: Tx, orgId: string, exceptUserId: string): Promise<void> {
  const admins = await tx
    .select({ userId: memberships.userId })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(
      and(
        eq(memberships.orgId, orgId),
        eq(memberships.role, "admin"),
        isNull(users.disabledAt),
        ne(memberships.userId, exceptUserId),
      ),
    )
    .for("update", { of: memberships });
  if (admins.length === 0) throw new AppError("last_admin");
}
