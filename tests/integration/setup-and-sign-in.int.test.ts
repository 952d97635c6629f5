import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import type { Database } from "@/db/client";
import { auditLog, organizations, users } from "@/db/schema";
import { completeSetup } from "@/lib/orgs/complete-setup";
import { isSetupComplete } from "@/lib/orgs/is-setup-complete";
import { setMemberDisabled } from "@/lib/members/set-member-disabled";
import { loadActor } from "@/lib/users/load-actor";
import { verifySignIn } from "@/lib/users/verify-sign-in";
import { expectCode } from "../helpers/expect-code";
import { uniqueEmail } from "../helpers/seed";
import { testEngines } from "../helpers/test-database";

describe.each(testEngines())("first-run setup and sign-in on $name", (engine) => {
  let database: Database;
  beforeAll(async () => {
    database = await engine.open();
  });
  afterAll(async () => {
    await database.close();
  });

  const email = uniqueEmail("founder");
  const password = "correct horse battery staple";

  it("creates exactly one organization even when two setups race", async () => {
    const { db } = database;
    expect(await isSetupComplete(db)).toBe(false);
    const results = await Promise.allSettled([
      completeSetup({ db, orgName: "Acme", name: "Ada", email, password }),
      completeSetup({ db, orgName: "Evil", name: "Eve", email: uniqueEmail("eve"), password }),
    ]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    expect(await db.select().from(organizations)).toHaveLength(1);
    expect(await isSetupComplete(db)).toBe(true);
    await expectCode(completeSetup({ db, orgName: "Again", name: "X", email: uniqueEmail(), password }), "setup_already_done");
    expect(await db.select().from(organizations)).toHaveLength(1);
    expect(await db.select().from(users)).toHaveLength(1);
  });

  it("signs in with the right password only, with the same error for unknown emails", async () => {
    const { db } = database;
    const [org] = await db.select().from(organizations);
    const winnerEmail = (await db.select().from(users))[0]!.email;
    const claims = await verifySignIn({ db, email: winnerEmail.toUpperCase(), password });
    expect(claims.orgId).toBe(org!.id);
    expect(await loadActor({ db, ...claims })).toMatchObject({ role: "admin", orgName: org!.name });
    await expectCode(verifySignIn({ db, email: winnerEmail, password: "wrong password!!" }), "invalid_credentials");
    await expectCode(verifySignIn({ db, email: uniqueEmail("nobody"), password }), "invalid_credentials");
    const [setupAudit] = await db.select().from(auditLog).where(eq(auditLog.action, "org.setup"));
    expect(setupAudit?.after).toMatchObject({ admin: winnerEmail });
    expect(JSON.stringify(setupAudit)).not.toContain(password);
  });

  it("refuses a disabled user with user_disabled", async () => {
    const { db } = database;
    const [admin] = await db.select().from(users);
    const actor = await loadActor({ db, userId: admin!.id, orgId: (await db.select().from(organizations))[0]!.id, sessionVersion: admin!.sessionVersion });
    // A second admin so the first can be disabled.
    const { addMember } = await import("@/lib/members/add-member");
    const { acceptInvitation } = await import("@/lib/members/accept-invitation");
    const added = await addMember({ db, actor: actor!, email: uniqueEmail("second"), name: "Second", role: "member" });
    const accepted = await acceptInvitation({ db, token: added.token, name: "Second", password });
    await setMemberDisabled({ db, actor: actor!, userId: added.userId, disabled: true });
    await expectCode(verifySignIn({ db, email: accepted.email, password }), "user_disabled");
  });

  it("limits attempts per email to 10 per 15 minutes", async () => {
    const { db } = database;
    const target = uniqueEmail("target");
    for (let i = 0; i < 10; i++) await expectCode(verifySignIn({ db, email: target, password: "guess-" + i }), "invalid_credentials");
    await expectCode(verifySignIn({ db, email: target, password: "guess-11" }), "rate_limited");
  });
});
