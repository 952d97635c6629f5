import crypto from "node:crypto";
import { eq } from "drizzle-orm";
import type { Db } from "@/db/client";
import { memberships, organizations, users, type Role } from "@/db/schema";
import type { Actor } from "@/lib/users/actor";

/** A unique email for one test (tests never share users). */
export function uniqueEmail(prefix = "user"): string {
  return `${prefix}-${crypto.randomBytes(5).toString("hex")}@example.test`;
}

/** Creates an organization directly (tests need more than the one first-run setup makes). */
export async function seedOrg(db: Db, name = "Org"): Promise<{ orgId: string; admin: Actor }> {
  const [org] = await db.insert(organizations).values({ name }).returning();
  const admin = await seedUser(db, org!.id, "admin");
  return { orgId: org!.id, admin };
}

/** Creates an active user with a role in `orgId` and returns it as an actor. */
export async function seedUser(db: Db, orgId: string, role: Role, opts: { passwordHash?: string | null } = {}): Promise<Actor> {
  const email = uniqueEmail(role);
  const [user] = await db.insert(users).values({ email, name: `${role} user`, passwordHash: opts.passwordHash ?? "not-a-real-hash" }).returning();
  await db.insert(memberships).values({ orgId, userId: user!.id, role });
  const [org] = await db.select().from(organizations).where(eq(organizations.id, orgId));
  return { userId: user!.id, orgId, role, email, name: user!.name, orgName: org?.name ?? "Org" };
}
