import { and, eq } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { memberships, users } from "@/db/schema";
import { AppError } from "../errors/app-error";

/**
 * Loads a member of `orgId` (locked for update when inside a transaction that changes it).
 * Another organization's user id gives `not_found`, exactly like an unknown id.
 */
export async function findMemberForUpdate(db: DbOrTx, orgId: string, userId: string) {
  const rows = await db
    .select({
      userId: users.id,
      email: users.email,
      name: users.name,
      role: memberships.role,
      disabledAt: users.disabledAt,
      passwordHash: users.passwordHash,
    })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(and(eq(memberships.orgId, orgId), eq(memberships.userId, userId)))
    .for("update");
  const row = rows[0];
  if (!row) throw new AppError("not_found");
  return row;
}
