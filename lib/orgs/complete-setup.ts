import { sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { memberships, organizations, users } from "@/db/schema";
import { AppError } from "../errors/app-error";
import { writeAudit } from "../audit/write-audit";
import { isUniqueViolation } from "../db-errors";
import { hashPassword } from "../passwords/passwords";

/** Arbitrary constant naming the advisory lock that serializes first-run setup. */
const SETUP_LOCK_KEY = 727_001;

/**
 * First-run setup: creates the organization and its first admin in one transaction. Works only
 * while the database has no organization; a transaction-scoped advisory lock serializes
 * concurrent attempts, so a second one fails with `setup_already_done` instead of creating a
 * second org.
 */
export async function completeSetup(opts: {
  db: Db;
  orgName: string;
  name: string;
  email: string;
  password: string;
}): Promise<{ orgId: string; userId: string; sessionVersion: number }> {
  const passwordHash = await hashPassword(opts.password);
  try {
    return await opts.db.transaction(async (tx) => {
      await tx.execute(sql`select pg_advisory_xact_lock(${SETUP_LOCK_KEY})`);
      const existing = await tx.select({ id: organizations.id }).from(organizations).limit(1);
      if (existing.length > 0) throw new AppError("setup_already_done");
      const [org] = await tx.insert(organizations).values({ name: opts.orgName }).returning();
      const [user] = await tx
        .insert(users)
        .values({ email: opts.email, name: opts.name, passwordHash })
        .returning();
      if (!org || !user) throw new Error("insert returned no row");
      await tx.insert(memberships).values({ orgId: org.id, userId: user.id, role: "admin" });
      await writeAudit(tx, { orgId: org.id, userId: user.id, email: user.email }, {
        action: "org.setup",
        targetType: "organization",
        targetId: org.id,
        targetLabel: org.name,
        after: { name: org.name, admin: user.email },
      });
      return { orgId: org.id, userId: user.id, sessionVersion: user.sessionVersion };
    });
  } catch (e) {
    if (isUniqueViolation(e, "users_email_key")) throw new AppError("setup_already_done");
    throw e;
  }
}
