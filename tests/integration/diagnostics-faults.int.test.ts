import crypto from "node:crypto";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { asc, eq } from "drizzle-orm";
import type { Database } from "@/db/client";
import { scmEvents } from "@/db/schema";
import { seal } from "@/lib/crypto/sealed-box";
import { buildSupportBundle } from "@/lib/diagnostics/build-support-bundle";
import { runWithCorrelation } from "@/lib/diagnostics/correlation";
import { getTrail } from "@/lib/diagnostics/get-trail";
import { AppError } from "@/lib/errors/app-error";
import { describeError, type ErrorCode } from "@/lib/errors/catalogue";
import { connectWithPat } from "@/lib/git-auth/connect-with-pat";
import type { ProviderId } from "@/lib/providers";
import type { Actor } from "@/lib/users/actor";
import { dumpDatabase, eventually } from "@/runner/test/support/fixtures";
import { addIntegration, Canaries, createWorld, memberWithAccount, runnerOutput, SANDBOX_PROVIDER, type SandboxIntegration, type World } from "@/runner/test/support/scm-world";
import type { AddFaultInput, Sandbox } from "@/sandbox";
import { seedUser } from "../helpers/seed";
import { testEngines } from "../helpers/test-database";
import { sandboxForFile } from "@/runner/test/support/file-sandbox";

// Real runner processes and retried provider calls: seconds per case on a busy machine.
vi.setConfig({ testTimeout: 90_000 });

let sandbox: Sandbox;
const canaries = new Canaries();

sandboxForFile({ validateGithub: false }, (started) => (sandbox = started));

type Case = { fault: string; provider: ProviderId; spec: Omit<AddFaultInput, "provider">; code: ErrorCode; providerStatus?: number; deadlineMs?: number; cause?: string };

/** Each sandbox fault on the provider's "who am I" call, and the code it must end in. */
const CASES: Case[] = [
  { fault: "hang", provider: "github", spec: { kind: "hang", path: "/api/v3/user" }, code: "operation_aborted", deadlineMs: 3_000, cause: "provider_timeout" },
  { fault: "unreachable", provider: "github", spec: { kind: "unreachable", path: "/api/v3/user" }, code: "host_unreachable" },
  { fault: "401", provider: "github", spec: { kind: "status", status: 401, path: "/api/v3/user" }, code: "pat_invalid", providerStatus: 401 },
  // GitHub answers its primary rate limit with 403 (and the rate-limit headers).
  { fault: "403", provider: "github", spec: { kind: "status", status: 403, path: "/api/v3/user" }, code: "rate_limited", providerStatus: 403 },
  { fault: "429", provider: "github", spec: { kind: "status", status: 429, path: "/api/v3/user" }, code: "rate_limited", providerStatus: 429 },
  { fault: "500", provider: "github", spec: { kind: "status", status: 500, path: "/api/v3/user" }, code: "provider_error", providerStatus: 500 },
  { fault: "SSO", provider: "github", spec: { kind: "sso_required", path: "/api/v3/user" }, code: "sso_authorization_required", providerStatus: 403 },
  { fault: "expired tokens", provider: "gitlab", spec: { kind: "expire_tokens" }, code: "pat_expired", providerStatus: 401 },
];

const GOOD_PAT: Partial<Record<ProviderId, string[]>> = { github: ["repo", "read:user"], gitlab: ["api", "read_user", "write_repository"] };

describe.each(testEngines())("Diagnostics: each sandbox fault through a runner process on $name", (engine) => {
  let database: Database;
  let world: World;
  const integrations = {} as Record<"github" | "gitlab", SandboxIntegration>;

  beforeAll(async () => {
    database = await engine.open();
    world = await createWorld({ database, sandbox });
    integrations.github = await addIntegration(world, sandbox, canaries, "github", { oauth: true, pat: true });
    integrations.gitlab = await addIntegration(world, sandbox, canaries, "gitlab", { oauth: false, pat: true });
    await world.startRunner();
  });

  afterAll(async () => {
    await sandbox.admin.clearFaults();
    await world?.close();
    await database?.close();
  });

  /** A member with a good PAT for the provider, validated as one user action under a known correlation id. */
  async function validate(provider: "github" | "gitlab", deadlineMs?: number): Promise<{ member: Actor; correlationId: string; error: AppError | null }> {
    const { member, login } = await memberWithAccount(world, sandbox, provider);
    const pat = await sandbox.admin.issuePat({ provider: SANDBOX_PROVIDER[provider], login, scopes: GOOD_PAT[provider] });
    canaries.add(pat.value);
    const patSealed = await seal(world.publicKey, { purpose: "pat", runnerId: world.runnerId, host: integrations[provider].host, userId: member.userId }, pat.value);
    const correlationId = crypto.randomUUID();
    const error = await runWithCorrelation({ correlationId, actorId: member.userId }, () =>
      connectWithPat({ database, actor: member, integrationId: integrations[provider].integrationId, patSealed, deadlineMs }).then(
        () => null,
        (e: AppError) => e,
      ),
    );
    return { member, correlationId, error };
  }

  it.each(CASES)("$fault: the trail ends in $code with its remedy, at the stage the runner was on", async (c) => {
    await sandbox.admin.clearFaults();
    await sandbox.admin.addFault({ provider: SANDBOX_PROVIDER[c.provider], ...c.spec });
    const { correlationId, error } = await validate(c.provider as "github" | "gitlab", c.deadlineMs);
    await sandbox.admin.clearFaults();
    expect(error?.code, runnerOutput(world).slice(-3000)).toBe(c.code);

    const trail = await getTrail({ db: database.db, actor: world.admin, correlationId });
    expect(trail).not.toBeNull();
    const stages = trail!.events.map((e) => e.stage);
    expect(stages[0]).toBe("queued");
    expect(stages.at(-1)).toBe("request");
    expect(trail!.events.at(-1)).toMatchObject({ outcome: "failed", errorCode: c.code, operation: "pat.validate" });
    expect(trail!.diagnosis).toMatchObject({ state: "failed", code: c.code });
    // Where the runner was: it reports its stages before each provider call.
    expect(trail!.diagnosis.stage).toBe("validating");
    if (c.providerStatus) {
      expect(trail!.events.some((e) => e.actorType === "runner" && e.errorCode === c.code && (e.detail as { providerStatus?: number }).providerStatus === c.providerStatus)).toBe(true);
      expect(trail!.diagnosis.providerStatus).toBe(c.providerStatus);
    }
    if (c.cause) {
      // The runner's own account of the abort may land just after the plane gave up: until it
      // does, the runner looks gone; once it does, the deadline is named.
      const cause = await eventually(async () => {
        const latest = await getTrail({ db: database.db, actor: world.admin, correlationId });
        return latest?.diagnosis.cause === c.cause ? c.cause : undefined;
      }, 20_000, `cause ${c.cause}`);
      expect(cause).toBe(c.cause);
    }
    // The remedy shown next to it is the catalogue's, and the OAuth remedy is offered where it applies.
    expect(describeError(trail!.diagnosis.code!).remedy.length).toBeGreaterThan(10);
    expect(trail!.switchToOAuth !== null).toBe(c.code === "operation_aborted");
  });

  it("keeps every secret (PATs, client secrets) out of the trail and the support bundles", async () => {
    const { member } = await validate("github");
    const support = await seedUser(database.db, world.admin.orgId, "support");
    const trail = JSON.stringify(await database.db.select().from(scmEvents).where(eq(scmEvents.orgId, world.admin.orgId)).orderBy(asc(scmEvents.at)));
    const forMember = JSON.stringify(await buildSupportBundle({ db: database.db, actor: support, target: { userEmail: member.email }, offlineAfterMs: 45_000 }));
    const forRunner = JSON.stringify(await buildSupportBundle({ db: database.db, actor: support, target: { runnerId: world.runnerId }, offlineAfterMs: 45_000 }));
    expect(trail).toContain("pat_invalid");
    expect(forRunner).toContain(integrations.github.host);
    expect(forMember).toContain(member.email);
    expect(forRunner).not.toContain("sbx1.");
    expect(forMember).not.toContain("sbx1.");
    expect(canaries.values.length).toBeGreaterThan(8);
    canaries.expectAbsent({ trail, forMember, forRunner, database: await dumpDatabase(database.db) });
  });
});
