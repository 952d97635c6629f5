import { eq } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { users } from "@/db/schema";
import type { Actor } from "./actor";

/** What the Account page shows beyond the actor: whether the user has a password here (not single sign-on only). */
export async function getAccount(opts: { db: DbOrTx; actor: Actor }): Promise<{ hasPassword: boolean }> {
  const [row] = await opts.db.select({ passwordHash: users.passwordHash }).from(users).where(eq(users.id, opts.actor.userId)).limit(1);
  return { hasPassword: Boolean(row?.passwordHash) };
}
