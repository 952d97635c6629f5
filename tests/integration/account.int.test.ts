import crypto from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { and, eq } from "drizzle-orm";
import type { Database } from "@/db/client";
import { auditLog, organizations, passwordResets, users } from "@/db/schema";
import { addMember } from "@/lib/members/add-member";
import { findInvitation } from "@/lib/members/accept-invitation";
import { renameOrganization } from "@/lib/orgs/rename-organization";
import { hashPassword } from "@/lib/passwords/passwords";
import type { Actor } from "@/lib/users/actor";
import { changeOwnName } from "@/lib/users/change-own-name";
import { changeOwnPassword } from "@/lib/users/change-own-password";
import { findPasswordReset } from "@/lib/users/find-password-reset";
import { issuePasswordReset } from "@/lib/users/issue-password-reset";
import { loadActor } from "@/lib/users/load-actor";
import { PASSWORD_RESET_CLIENT_FAILURES, hashResetToken } from "@/lib/users/password-reset-token";
import { resetPassword } from "@/lib/users/reset-password";
import { SIGN_IN_CLIENT_ACCOUNT_FAILURES, verifySignIn } from "@/lib/users/verify-sign-in";
import { expectCode } from "../helpers/expect-code";
import { seedOrg, seedUser } from "../helpers/seed";
import { testEngines } from "../helpers/test-database";

const OLD = "the old long password";
const NEW = "a brand new long password";

/** A client address of its own per test, so rate limits never carry over between tests. */
const client = () => `198.51.100.${crypto.randomInt(1, 250)}-${crypto.randomBytes(3).toString("hex")}`;

describe.each(testEngines())("account, password reset and organization on $name", (engine) => {
  let database: Database;
  beforeAll(async () => {
    database = await engine.open();
  });
  afterAll(async () => {
    await database.close();
  });

  async function sessionVersion(userId: string): Promise<number> {
    const [row] = await database.db.select({ v: users.sessionVersion }).from(users).where(eq(users.id, userId));
    return row!.v;
  }
  async function audits(orgId: string, action: string, targetId: string) {
    return database.db.select().from(auditLog).where(and(eq(auditLog.orgId, orgId), eq(auditLog.action, action), eq(auditLog.targetId, targetId)));
  }
  async function memberWithPassword(orgId: string, role: Actor["role"] = "member"): Promise<Actor> {
    return seedUser(database.db, orgId, role, { passwordHash: await hashPassword(OLD) });
  }

  it("changes one's own name, audited with before and after", async () => {
    const { db } = database;
    const { orgId } = await seedOrg(db);
    const support = await seedUser(db, orgId, "support");
    await changeOwnName({ db, actor: support, name: "Sam Support" });
    const [row] = await db.select().from(users).where(eq(users.id, support.userId));
    expect(row?.name).toBe("Sam Support");
    const [entry] = await audits(orgId, "user.name_changed", support.userId);
    expect(entry).toMatchObject({ before: { name: support.name }, after: { name: "Sam Support" } });
  });

  it("refuses a wrong current password and changes nothing", async () => {
    const { db } = database;
    const { orgId } = await seedOrg(db);
    const member = await memberWithPassword(orgId);
    const [before] = await db.select().from(users).where(eq(users.id, member.userId));
    await expectCode(changeOwnPassword({ db, actor: member, currentPassword: "not my password at all", newPassword: NEW }), "current_password_incorrect");
    const [after] = await db.select().from(users).where(eq(users.id, member.userId));
    expect(after?.passwordHash).toBe(before?.passwordHash);
    expect(after?.sessionVersion).toBe(before?.sessionVersion);
    expect(await audits(orgId, "user.password_changed", member.userId)).toHaveLength(0);
  });

  it("changes the password with the current one, ends every session and lets the new one sign in", async () => {
    const { db } = database;
    const { orgId } = await seedOrg(db);
    const member = await memberWithPassword(orgId);
    const version = await sessionVersion(member.userId);
    await changeOwnPassword({ db, actor: member, currentPassword: OLD, newPassword: NEW });
    expect(await sessionVersion(member.userId)).toBe(version + 1);
    expect(await loadActor({ db, userId: member.userId, orgId, sessionVersion: version })).toBeNull();
    await expectCode(verifySignIn({ db, email: member.email, password: OLD, client: client() }), "invalid_credentials");
    const claims = await verifySignIn({ db, email: member.email, password: NEW, client: client() });
    expect(claims.sessionVersion).toBe(version + 1);
    expect(await audits(orgId, "user.password_changed", member.userId)).toHaveLength(1);
    const [row] = await db.select().from(users).where(eq(users.id, member.userId));
    expect(row?.passwordHash).toMatch(/^\$argon2id\$/);
  });

  it("stops accepting guesses of the current password after a few failures", async () => {
    const { db } = database;
    const { orgId } = await seedOrg(db);
    const member = await memberWithPassword(orgId);
    for (let i = 0; i < SIGN_IN_CLIENT_ACCOUNT_FAILURES; i++) {
      await expectCode(changeOwnPassword({ db, actor: member, currentPassword: `guess number ${i}`, newPassword: NEW }), "current_password_incorrect");
    }
    await expectCode(changeOwnPassword({ db, actor: member, currentPassword: OLD, newPassword: NEW }), "rate_limited");
  });

  it("tells single-sign-on users that their password is managed by their identity provider", async () => {
    const { db } = database;
    const { orgId } = await seedOrg(db);
    const sso = await seedUser(db, orgId, "member");
    await db.update(users).set({ passwordHash: null }).where(eq(users.id, sso.userId));
    await expectCode(changeOwnPassword({ db, actor: sso, currentPassword: "anything at all", newPassword: NEW }), "password_managed_by_sso");
  });

  it("a reset link works once, ends the member's sessions and is audited; the token is stored only as a hash", async () => {
    const { db } = database;
    const { orgId, admin } = await seedOrg(db, "Reset Org");
    const member = await memberWithPassword(orgId);
    const version = await sessionVersion(member.userId);
    const { token, expiresAt } = await issuePasswordReset({ db, actor: admin, userId: member.userId });
    expect(expiresAt.getTime() - Date.now()).toBeGreaterThan(23 * 3600 * 1000);
    const stored = await db.select().from(passwordResets).where(eq(passwordResets.userId, member.userId));
    expect(stored).toHaveLength(1);
    expect(stored[0]?.tokenHash).toBe(hashResetToken(token));
    expect(JSON.stringify(stored)).not.toContain(token);
    expect(await audits(orgId, "member.password_reset_link_created", member.userId)).toHaveLength(1);

    expect(await findPasswordReset({ db, token, client: client() })).toEqual({ email: member.email, orgName: "Reset Org" });
    expect(await resetPassword({ db, token, password: NEW, client: client() })).toEqual({ email: member.email });
    expect(await sessionVersion(member.userId)).toBe(version + 1);
    expect(await loadActor({ db, userId: member.userId, orgId, sessionVersion: version })).toBeNull();
    await verifySignIn({ db, email: member.email, password: NEW, client: client() });
    expect(await audits(orgId, "member.password_reset", member.userId)).toHaveLength(1);

    await expectCode(resetPassword({ db, token, password: "yet another long password", client: client() }), "reset_link_used");
    await expectCode(findPasswordReset({ db, token, client: client() }), "reset_link_used");
    await verifySignIn({ db, email: member.email, password: NEW, client: client() });
  });

  it("refuses unknown and expired links, and a link replaced by a newer one", async () => {
    const { db } = database;
    const { orgId, admin } = await seedOrg(db);
    const member = await memberWithPassword(orgId);
    await expectCode(findPasswordReset({ db, token: "x".repeat(43), client: client() }), "reset_link_invalid");
    await expectCode(resetPassword({ db, token: "x".repeat(43), password: NEW, client: client() }), "reset_link_invalid");

    const first = await issuePasswordReset({ db, actor: admin, userId: member.userId });
    const second = await issuePasswordReset({ db, actor: admin, userId: member.userId });
    await expectCode(resetPassword({ db, token: first.token, password: NEW, client: client() }), "reset_link_expired");

    await db.update(passwordResets).set({ expiresAt: new Date(Date.now() - 60_000) }).where(eq(passwordResets.tokenHash, hashResetToken(second.token)));
    await expectCode(findPasswordReset({ db, token: second.token, client: client() }), "reset_link_expired");
    await expectCode(resetPassword({ db, token: second.token, password: NEW, client: client() }), "reset_link_expired");
    await verifySignIn({ db, email: member.email, password: OLD, client: client() });
  });

  it("lets only admins issue links, only for members of their own organization", async () => {
    const { db } = database;
    const { orgId, admin } = await seedOrg(db);
    const member = await memberWithPassword(orgId);
    const support = await seedUser(db, orgId, "support");
    const other = await seedOrg(db, "Other");
    await expectCode(issuePasswordReset({ db, actor: member, userId: support.userId }), "forbidden");
    await expectCode(issuePasswordReset({ db, actor: support, userId: member.userId }), "forbidden");
    await expectCode(issuePasswordReset({ db, actor: other.admin, userId: member.userId }), "not_found");
    await expectCode(issuePasswordReset({ db, actor: admin, userId: other.admin.userId }), "not_found");
    expect(await db.select().from(passwordResets).where(eq(passwordResets.userId, member.userId))).toHaveLength(0);
  });

  it("a reset link sets an invited member's password and retires their invitation", async () => {
    const { db } = database;
    const { admin } = await seedOrg(db);
    const invited = await addMember({ db, actor: admin, email: `invited-${crypto.randomBytes(4).toString("hex")}@example.test`, name: "Ivy", role: "member" });
    const { token } = await issuePasswordReset({ db, actor: admin, userId: invited.userId });
    await resetPassword({ db, token, password: NEW, client: client() });
    expect(await findInvitation({ db, token: invited.token })).toBeNull();
  });

  it("refuses a client that keeps trying dead links, even with a good one, while others still get in", async () => {
    const { db } = database;
    const { orgId, admin } = await seedOrg(db);
    const member = await memberWithPassword(orgId);
    const { token } = await issuePasswordReset({ db, actor: admin, userId: member.userId });
    const guesser = client();
    for (let i = 0; i < PASSWORD_RESET_CLIENT_FAILURES; i++) {
      await expectCode(findPasswordReset({ db, token: crypto.randomBytes(32).toString("base64url"), client: guesser }), "reset_link_invalid");
    }
    await expectCode(findPasswordReset({ db, token, client: guesser }), "rate_limited");
    await expectCode(resetPassword({ db, token, password: NEW, client: guesser }), "rate_limited");
    await resetPassword({ db, token, password: NEW, client: client() });
  });

  it("renames the organization (admins only), audited; the actor sees the new name", async () => {
    const { db } = database;
    const { orgId, admin } = await seedOrg(db, "Before Inc");
    const member = await seedUser(db, orgId, "member");
    await expectCode(renameOrganization({ db, actor: member, name: "Hijacked" }), "forbidden");
    await renameOrganization({ db, actor: admin, name: "After Inc" });
    const [org] = await db.select().from(organizations).where(eq(organizations.id, orgId));
    expect(org?.name).toBe("After Inc");
    const [entry] = await audits(orgId, "org.renamed", orgId);
    expect(entry).toMatchObject({ before: { name: "Before Inc" }, after: { name: "After Inc" } });
    const version = await sessionVersion(member.userId);
    expect((await loadActor({ db, userId: member.userId, orgId, sessionVersion: version }))?.orgName).toBe("After Inc");
  });
});
