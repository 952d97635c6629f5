import type { DbOrTx } from "@/db/client";
import { organizations } from "@/db/schema";

/** True once first-run setup has created the organization. */
export async function isSetupComplete(db: DbOrTx): Promise<boolean> {
  const rows = await db.select({ id: organizations.id }).from(organizations).limit(1);
  return rows.length > 0;
}
