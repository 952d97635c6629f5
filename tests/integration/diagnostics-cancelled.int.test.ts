import crypto from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { asc, eq } from "drizzle-orm";
import type { Database, Db } from "@/db/client";
import { scmEvents, type ScmEvent } from "@/db/schema";
import { runWithCorrelation } from "@/lib/diagnostics/correlation";
import { getTrail } from "@/lib/diagnostics/get-trail";
import { AppError } from "@/lib/errors/app-error";
import { errorCatalogue } from "@/lib/errors/catalogue";
import { connectWithPat } from "@/lib/git-auth/connect-with-pat";
import { enqueueJob } from "@/lib/runners/jobs/enqueue-job";
import type { Actor } from "@/lib/users/actor";
import { FakeRunner } from "../helpers/fake-runner";
import { setupGitAuth } from "../helpers/git-auth-setup";
import { startRunnerApiServer, type RunnerApiServer } from "../helpers/runner-api-server";
import { seedUser } from "../helpers/seed";
import { testEngines } from "../helpers/test-database";

/**
 * "Failed to create provider - Aborted: operation cancelled": the trail says which stage was cut
 * off and why — no runner picked it up, the runner went away, or the provider did not answer
 * before the deadline — and offers the OAuth remedy.
 */
describe.each(testEngines())("Diagnostics: cancelled operations on $name", (engine) => {
  let database: Database;
  let db: Db;
  let api: RunnerApiServer;
  let shortLease: RunnerApiServer;
  beforeAll(async () => {
    database = await engine.open();
    db = database.db;
    api = await startRunnerApiServer(database);
    shortLease = await startRunnerApiServer(database, { leaseSeconds: 1 });
  });
  afterAll(async () => {
    await shortLease.close();
    await api.close();
    await database.close();
  });

  const shape = (events: ScmEvent[]) => events.map((e) => `${e.operation}/${e.stage}/${e.outcome}${e.errorCode ? `/${e.errorCode}` : ""}`);
  const trailOf = (correlationId: string) => db.select().from(scmEvents).where(eq(scmEvents.correlationId, correlationId)).orderBy(asc(scmEvents.at), asc(scmEvents.id));

  /** Starts a PAT validation as one user action; resolves with the error it ends in. */
  async function validate(actor: Actor, patSealed: string, integrationId: string, deadlineMs: number, username?: string) {
    const correlationId = crypto.randomUUID();
    const failure = runWithCorrelation({ correlationId, actorId: actor.userId }, () =>
      connectWithPat({ database, actor, integrationId, patSealed, deadlineMs, username }).then(
        () => null,
        (e: AppError) => e,
      ),
    );
    return { correlationId, failure };
  }

  it("no runner picks the job up: runner_offline, diagnosed as an offline runner", async () => {
    const { member, ids, sealPat } = await setupGitAuth(db, api.url);
    const { correlationId, failure } = await validate(member, await sealPat(member, 0, "ghp_never_picked_up_token"), ids[0]!, 1_000);
    expect((await failure)?.code).toBe("runner_offline");
    expect(shape(await trailOf(correlationId))).toEqual(["pat.validate/queued/started", "pat.validate/deadline/cancelled/runner_offline", "pat.validate/request/failed/runner_offline"]);
    const trail = await getTrail({ db, actor: { ...member, role: "admin" }, correlationId });
    expect(trail?.diagnosis).toMatchObject({ state: "failed", code: "runner_offline", cause: "runner_offline" });
  });

  it("the runner picks it up and goes away: operation_aborted with the stage it was at, and the OAuth remedy", async () => {
    const { admin, member, ids, runner, sealPat } = await setupGitAuth(db, api.url);
    const { correlationId, failure } = await validate(member, await sealPat(member, 0, "ghp_runner_went_away_token"), ids[0]!, 2_000);
    const job = await runner.claim("pat.validate");
    await runner.progress(job, "validating");
    const error = await failure;
    expect(error?.code).toBe("operation_aborted");
    // What the PAT form shows: the catalogue's title, exactly.
    expect(error?.message).toBe("Failed to create provider - Aborted: operation cancelled");
    expect(errorCatalogue.operation_aborted.title).toBe("Failed to create provider - Aborted: operation cancelled");
    const events = await trailOf(correlationId);
    expect(shape(events)).toEqual(["pat.validate/queued/started", "pat.validate/validating/started", "pat.validate/deadline/cancelled/operation_aborted", "pat.validate/request/failed/operation_aborted"]);
    expect(events[2]!.detail).toMatchObject({ cause: "deadline", lastStage: "validating", attempts: 1 });

    const support = await seedUser(db, admin.orgId, "support");
    const seenBySupport = await getTrail({ db, actor: support, correlationId });
    expect(seenBySupport?.diagnosis).toMatchObject({ code: "operation_aborted", stage: "validating", cause: "runner_gone" });
    expect(seenBySupport?.diagnosis.summary).toMatch(/went away mid-operation/);
    expect(seenBySupport?.switchToOAuth).toMatchObject({ integrationId: ids[0], oauthEnabled: true, viewerIsPerson: false, personEmail: member.email, host: "github.com" });
    expect((await getTrail({ db, actor: { ...member, role: "admin" }, correlationId }))?.switchToOAuth?.viewerIsPerson).toBe(true);

    // The runner was alive after all and says why it stopped: the provider did not answer in time.
    const late = await runner.fail(job, { code: "operation_aborted", message: "The runner stopped at the job's deadline: the provider did not answer in time." });
    expect(late.status).toBe(409);
    const after = await getTrail({ db, actor: support, correlationId });
    expect(shape(after!.events).at(-1)).toBe("pat.validate/late_report/failed/operation_aborted");
    expect(after?.diagnosis).toMatchObject({ cause: "provider_timeout", stage: "validating", runnerMessage: expect.stringMatching(/did not answer in time/) });
  });

  it("the runner aborts at the deadline and reports it in time: provider_timeout; with OAuth off, the remedy says who enables it", async () => {
    const { admin, member, ids, runner, sealPat } = await setupGitAuth(db, api.url);
    const { correlationId, failure } = await validate(member, await sealPat(member, 2, "ATATT_bitbucket_api_token_value"), ids[2]!, 5_000, "someone@example.test");
    const job = await runner.claim("pat.validate");
    await runner.progress(job, "validating");
    await runner.fail(job, { code: "operation_aborted", message: "The runner stopped at the job's deadline: the provider did not answer in time." });
    expect((await failure)?.code).toBe("operation_aborted");
    const trail = await getTrail({ db, actor: admin, correlationId });
    expect(trail?.diagnosis).toMatchObject({ code: "operation_aborted", stage: "validating", cause: "provider_timeout" });
    expect(trail?.switchToOAuth).toMatchObject({ integrationId: ids[2], oauthEnabled: false, host: "bitbucket.org" });
  });

  it("a runner that dies on every attempt loses the job when its lease runs out: runner_gone", async () => {
    const { admin, seeded, ids } = await setupGitAuth(db, shortLease.url);
    const runner = new FakeRunner(`${shortLease.url}/api/runner/v1`, seeded);
    const correlationId = crypto.randomUUID();
    await enqueueJob(db, { orgId: admin.orgId, runnerId: seeded.runnerId, kind: "integration.test", payload: { integrationId: ids[0], host: "github.com", provider: "github" }, idempotencyKey: crypto.randomUUID(), maxAttempts: 1, correlationId });
    const job = await runner.claim("integration.test");
    await runner.progress(job, "api");
    await new Promise((r) => setTimeout(r, 2_500));
    await runner.call("GET", "/jobs?wait=0");
    const trail = await getTrail({ db, actor: admin, correlationId });
    expect(shape(trail!.events)).toEqual(["integration.test/queued/started", "integration.test/api/started", "integration.test/lease/failed/operation_aborted"]);
    expect(trail?.diagnosis).toMatchObject({ code: "operation_aborted", stage: "api", cause: "runner_gone" });
    expect(trail?.switchToOAuth).toMatchObject({ integrationId: ids[0] });
  });
});
