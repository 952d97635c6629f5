import crypto from "node:crypto";
import type { Db } from "@/db/client";
import { memberships, organizations, users, type Role } from "@/db/schema";
import { hashPassword } from "../passwords/passwords";

export type SeededUser = { userId: string; email: string; password: string; role: Role };

/**
 * Creates an organization with one user per requested role, each with a unique email and a
 * random password, for end-to-end tests (each test gets an org of its own).
 */
export async function seedOrg(opts: { db: Db; name: string; roles: Role[] }): Promise<{ orgId: string; users: SeededUser[] }> {
  const tag = crypto.randomBytes(5).toString("hex");
  const password = `pw-${crypto.randomBytes(12).toString("base64url")}`;
  const passwordHash = await hashPassword(password);
  return opts.db.transaction(async (tx) => {
    const [org] = await tx.insert(organizations).values({ name: opts.name }).returning({ id: organizations.id });
    const seeded: SeededUser[] = [];
    for (const [i, role] of opts.roles.entries()) {
      const email = `${role}-${i}-${tag}@example.test`;
      const [user] = await tx.insert(users).values({ email, name: `${role[0]!.toUpperCase()}${role.slice(1)} ${i + 1}`, passwordHash }).returning({ id: users.id });
      await tx.insert(memberships).values({ orgId: org!.id, userId: user!.id, role });
      seeded.push({ userId: user!.id, email, password, role });
    }
    return { orgId: org!.id, users: seeded };
  });
}
