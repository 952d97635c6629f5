import { eq, sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { memberships, organizations, users, type Role } from "@/db/schema";
import { writeAudit } from "../audit/write-audit";
import { AppError } from "../errors/app-error";
import type { SessionClaims } from "./verify-sign-in";

/**
 * Maps a single-sign-on identity to a member by verified email. Unknown emails are refused unless
 * auto-provisioning is on, in which case they join the organization with the default role.
 * Disabled members are refused.
 */
export async function resolveSsoUser(opts: {
  db: Db;
  email: string | null | undefined;
  emailVerified: boolean;
  name: string | null | undefined;
  autoProvision: boolean;
  defaultRole: Role;
}): Promise<SessionClaims> {
  const email = opts.email?.trim().toLowerCase();
  if (!email || !opts.emailVerified) throw new AppError("sso_account_not_allowed");
  const [existing] = await opts.db
    .select({ userId: users.id, orgId: memberships.orgId, sessionVersion: users.sessionVersion, disabledAt: users.disabledAt })
    .from(users)
    .innerJoin(memberships, eq(memberships.userId, users.id))
    .where(sql`lower(${users.email}) = ${email}`)
    .limit(1);
  if (existing) {
    if (existing.disabledAt) throw new AppError("user_disabled");
    await opts.db.update(users).set({ lastSignInAt: new Date() }).where(eq(users.id, existing.userId));
    return { userId: existing.userId, orgId: existing.orgId, sessionVersion: existing.sessionVersion };
  }
  if (!opts.autoProvision) throw new AppError("sso_account_not_allowed");
  return opts.db.transaction(async (tx) => {
    const [org] = await tx.select({ id: organizations.id }).from(organizations).limit(1);
    if (!org) throw new AppError("sso_account_not_allowed");
    const name = opts.name?.trim().slice(0, 100) || email;
    const [user] = await tx.insert(users).values({ email, name, lastSignInAt: new Date() }).returning();
    if (!user) throw new Error("insert returned no row");
    await tx.insert(memberships).values({ orgId: org.id, userId: user.id, role: opts.defaultRole });
    await writeAudit(tx, { orgId: org.id, userId: user.id, email }, {
      action: "member.sso_provisioned",
      targetType: "user",
      targetId: user.id,
      targetLabel: email,
      after: { email, role: opts.defaultRole },
    });
    return { userId: user.id, orgId: org.id, sessionVersion: user.sessionVersion };
  });
}
