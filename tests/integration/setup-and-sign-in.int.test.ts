import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq, isNull } from "drizzle-orm";
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
    const claims = await verifySignIn({ db, email: winnerEmail.toUpperCase(), password, client: "test" });
    expect(claims.orgId).toBe(org!.id);
    expect(await loadActor({ db, ...claims })).toMatchObject({ role: "admin", orgName: org!.name });
    await expectCode(verifySignIn({ db, email: winnerEmail, password: "wrong password!!", client: "test" }), "invalid_credentials");
    await expectCode(verifySignIn({ db, email: uniqueEmail("nobody"), password, client: "test" }), "invalid_credentials");
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
    await expectCode(verifySignIn({ db, email: accepted.email, password, client: "test" }), "user_disabled");
  });

  /** The founder's email (whichever of the two racing setups won). */
  const ownerEmail = async () => (await database.db.select().from(users).where(isNull(users.disabledAt)).orderBy(users.createdAt).limit(1))[0]!.email;

  // Regression: 10 attempts per email per 15 minutes, successes included, from any client: anyone
  // could lock an owner out, and one client could try any number of emails.
  it("blocks one client trying many emails, whatever email it tries next", async () => {
    const { db } = database;
    const email = await ownerEmail();
    const attacker = `198.51.100.${Math.floor(Math.random() * 250) + 1}-${Date.now()}`;
    for (let i = 0; i < 20; i++) await expectCode(verifySignIn({ db, email: uniqueEmail(`spray${i}`), password: "Spring2026!!", client: attacker }), "invalid_credentials");
    await expectCode(verifySignIn({ db, email: uniqueEmail("spray-next"), password: "Spring2026!!", client: attacker }), "rate_limited");
    // Even the right password of a real account, from that client.
    await expectCode(verifySignIn({ db, email, password, client: attacker }), "rate_limited");
    // Another client is not affected.
    expect((await verifySignIn({ db, email, password, client: `owner-laptop-${Date.now()}` })).userId).toBeTruthy();
  });

  it("someone hammering the owner's email from other clients does not stop the owner signing in", async () => {
    const { db } = database;
    const email = await ownerEmail();
    const owner = `owner-${Date.now()}`;
    const attacker = `attacker-${Date.now()}`;
    // Each attacking client is refused on this email after at most 5 failures.
    for (const client of [attacker, `${attacker}-2`]) {
      const outcomes: string[] = [];
      for (let i = 0; i < 6; i++) outcomes.push(await verifySignIn({ db, email, password: `guess-${i}`, client }).then(() => "signed_in", (e: { code: string }) => e.code));
      expect(outcomes.at(-1)).toBe("rate_limited");
      expect(outcomes).not.toContain("signed_in");
    }
    // Many more clients (addresses) guessing: the account is under attack, each gets one guess.
    for (let i = 0; i < 10; i++) {
      const bot = `bot-${i}-${Date.now()}`;
      await expectCode(verifySignIn({ db, email, password: `bot-guess-${i}`, client: bot }), "invalid_credentials");
      await expectCode(verifySignIn({ db, email, password: `bot-guess-${i}-again`, client: bot }), "rate_limited");
    }
    // The owner, on their own device, still signs in, again and again: successes do not count.
    for (let i = 0; i < 12; i++) expect((await verifySignIn({ db, email, password, client: owner })).userId).toBeTruthy();
  });

  it("does not count successful sign-ins", async () => {
    const { db } = database;
    const email = await ownerEmail();
    const client = `busy-office-${Date.now()}`;
    for (let i = 0; i < 25; i++) expect((await verifySignIn({ db, email, password, client })).userId).toBeTruthy();
  });
});
