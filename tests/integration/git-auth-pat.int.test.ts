import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import type { Database, Db } from "@/db/client";
import { hostAuthTokens, runnerJobs, scmIntegrations } from "@/db/schema";
import { generateKeyPair } from "@/lib/crypto/sealed-box";
import { AppError } from "@/lib/errors/app-error";
import { connectWithPat, PAT_ATTEMPTS_PER_WINDOW } from "@/lib/git-auth/connect-with-pat";
import { patValidatePayloadSchema } from "@/lib/git-auth/job-payloads";
import { listGitAuthentications } from "@/lib/git-auth/list-git-authentications";
import { expectCode } from "../helpers/expect-code";
import { setupGitAuth } from "../helpers/git-auth-setup";
import { startRunnerApiServer, type RunnerApiServer } from "../helpers/runner-api-server";
import { seedUser } from "../helpers/seed";
import { testEngines } from "../helpers/test-database";

describe.each(testEngines())("Git Authentications: personal access tokens on $name", (engine) => {
  let database: Database;
  let db: Db;
  let api: RunnerApiServer;
  beforeAll(async () => {
    database = await engine.open();
    db = database.db;
    api = await startRunnerApiServer(database);
  });
  afterAll(async () => {
    await api.close();
    await database.close();
  });

  const setup = () => setupGitAuth(db, api.url);
  const jobsOf = async (runnerId: string) => db.select().from(runnerJobs).where(eq(runnerJobs.runnerId, runnerId));

  it("connects with a token sealed in the browser; the runner opens it with the expected context and returns it re-sealed", async () => {
    const { member, seeded, runner, ids, sealPat } = await setup();
    const patSealed = await sealPat(member, 0, "ghp_browser_sealed_token");
    const connecting = connectWithPat({ database, actor: member, integrationId: ids[0]!, patSealed });
    const job = await runner.claim("pat.validate");
    const payload = patValidatePayloadSchema.parse(job.payload);
    expect(payload).toMatchObject({ userId: member.userId, patSealed, username: null, generation: 1, integration: { integrationId: ids[0], host: "github.com" } });
    const opened = await runner.open(payload.patSealed, { purpose: "pat", runnerId: seeded.runnerId, host: "github.com", userId: member.userId });
    expect(opened.value).toBe("ghp_browser_sealed_token");
    await runner.succeed(job, await runner.credential(job, { token: opened.value, login: "octocat", scopes: ["repo", "read:user"] }));
    expect(await connecting).toEqual({ login: "octocat", scopes: ["repo", "read:user"] });
    const row = (await listGitAuthentications({ db, actor: member })).find((r) => r.integrationId === ids[0]);
    expect(row?.state).toMatchObject({ kind: "connected", source: "pat", login: "octocat", expiresAt: null });
    expect(row?.disconnect).toEqual({ revokesAtProvider: false, manualUrl: "https://github.com/settings/tokens" });
  });

  it("passes each typed failure of the runner through, with field errors, and stores nothing", async () => {
    const { orgId, seeded, runner, ids, sealPat } = await setup();
    const failures: Array<{ code: string; message?: string; fieldErrors?: Record<string, string[]> }> = [
      { code: "pat_invalid" },
      { code: "pat_expired" },
      { code: "pat_missing_scopes", message: "The token lacks: repo", fieldErrors: { token: ["Missing scopes: repo"] } },
      { code: "sso_authorization_required" },
      { code: "unsupported_credential_type" },
      { code: "host_unreachable" },
      { code: "operation_aborted" },
    ];
    for (const failure of failures) {
      const person = await seedUser(db, orgId, "member");
      const connecting = connectWithPat({ database, actor: person, integrationId: ids[0]!, patSealed: await sealPat(person, 0, "bad-token") }).then(
        () => null,
        (e: unknown) => e,
      );
      const job = await runner.claim("pat.validate");
      await runner.fail(job, failure);
      const error = await connecting;
      expect(error, failure.code).toBeInstanceOf(AppError);
      expect((error as AppError).code).toBe(failure.code);
      if (failure.fieldErrors) {
        expect((error as AppError).fieldErrors).toEqual(failure.fieldErrors);
        expect((error as AppError).message).toBe(failure.message);
      }
    }
    expect(await db.select().from(hostAuthTokens).where(eq(hostAuthTokens.runnerId, seeded.runnerId))).toHaveLength(0);
  });

  it("refuses a token sealed to another key or not sealed at all with sealed_secret_invalid, before anything is enqueued", async () => {
    const { member, seeded, ids, sealPat } = await setup();
    const stranger = await generateKeyPair();
    await expectCode(connectWithPat({ database, actor: member, integrationId: ids[0]!, patSealed: await sealPat(member, 0, "ghp_x", stranger.publicKey) }), "sealed_secret_invalid");
    for (const malformed of ["ghp_plaintext_token", "sbx1.short.x", "sbx1..", ""]) {
      await expectCode(connectWithPat({ database, actor: member, integrationId: ids[0]!, patSealed: malformed }), "sealed_secret_invalid");
    }
    expect(await jobsOf(seeded.runnerId)).toHaveLength(0);
  });

  it("asks for the Atlassian email with Bitbucket, and refuses a PAT where the admin has not enabled it", async () => {
    const { member, seeded, runner, ids, sealPat } = await setup();
    await expectCode(connectWithPat({ database, actor: member, integrationId: ids[2]!, patSealed: await sealPat(member, 2, "ATATT") }), "validation_failed");
    const connecting = connectWithPat({ database, actor: member, integrationId: ids[2]!, patSealed: await sealPat(member, 2, "ATATT"), username: "dev@example.test", deadlineMs: 10_000 }).then(
      () => null,
      (e: unknown) => e,
    );
    const job = await runner.claim("pat.validate");
    expect(job.payload.username).toBe("dev@example.test");
    await runner.fail(job, { code: "unsupported_credential_type" });
    expect(await connecting).toMatchObject({ code: "unsupported_credential_type" });

    await db.update(scmIntegrations).set({ patEnabled: false }).where(eq(scmIntegrations.id, ids[1]!));
    await expectCode(connectWithPat({ database, actor: member, integrationId: ids[1]!, patSealed: await sealPat(member, 1, "glpat") }), "auth_method_disabled");
    expect((await jobsOf(seeded.runnerId)).map((j) => j.kind)).toEqual(["pat.validate"]);
    // Another organization's integration looks like a missing one.
    const outsider = (await setup()).member;
    await expectCode(connectWithPat({ database, actor: outsider, integrationId: ids[0]!, patSealed: await sealPat(member, 0, "ghp") }), "not_found");
  });

  it("ends with runner_offline at the deadline when no runner picks the job up", async () => {
    const { member, ids, sealPat } = await setup();
    const started = Date.now();
    await expectCode(connectWithPat({ database, actor: member, integrationId: ids[0]!, patSealed: await sealPat(member, 0, "ghp_offline"), deadlineMs: 500 }), "runner_offline");
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it("rate-limits validation attempts per user", async () => {
    const { member, orgId, seeded, ids, sealPat } = await setup();
    const sealed = await sealPat(member, 0, "ghp_rate");
    const attempts = await Promise.allSettled(Array.from({ length: PAT_ATTEMPTS_PER_WINDOW }, () => connectWithPat({ database, actor: member, integrationId: ids[0]!, patSealed: sealed, deadlineMs: 200 })));
    expect(attempts.every((a) => a.status === "rejected" && (a.reason as AppError).code === "runner_offline")).toBe(true);
    await expectCode(connectWithPat({ database, actor: member, integrationId: ids[0]!, patSealed: sealed, deadlineMs: 200 }), "rate_limited");
    expect(await jobsOf(seeded.runnerId)).toHaveLength(PAT_ATTEMPTS_PER_WINDOW);
    // Per user: a colleague is not affected.
    const colleague = await seedUser(db, orgId, "member");
    await expectCode(connectWithPat({ database, actor: colleague, integrationId: ids[0]!, patSealed: await sealPat(colleague, 0, "ghp_c"), deadlineMs: 200 }), "runner_offline");
  });
});
