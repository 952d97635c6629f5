import { and, eq } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { groups } from "@/db/schema";
import { AppError } from "../errors/app-error";

/** A group of `orgId`; another organization's group id gives `not_found`. */
export async function findGroup(db: DbOrTx, orgId: string, groupId: string) {
  const [group] = await db.select().from(groups).where(and(eq(groups.orgId, orgId), eq(groups.id, groupId))).limit(1);
  if (!group) throw new AppError("not_found");
  return group;
}
