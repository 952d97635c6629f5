import crypto from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { and, asc, eq, sql } from "drizzle-orm";
import type { Database, Db } from "@/db/client";
import { hostAuthTokens, runnerJobs, scmEvents, type ScmEvent } from "@/db/schema";
import { runWithCorrelation } from "@/lib/diagnostics/correlation";
import { getTrail } from "@/lib/diagnostics/get-trail";
import { searchEvents } from "@/lib/diagnostics/search-events";
import { setLogSink } from "@/lib/log/logger";
import { createEnvironment } from "@/lib/environments/create-environment";
import { AppError } from "@/lib/errors/app-error";
import { completeOAuthCallback } from "@/lib/git-auth/complete-oauth-callback";
import { connectWithPat } from "@/lib/git-auth/connect-with-pat";
import { disconnect } from "@/lib/git-auth/disconnect";
import { startOAuth } from "@/lib/git-auth/start-oauth";
import { createIntegration } from "@/lib/integrations/create-integration";
import { createIntegrationSchema } from "@/lib/integrations/schemas";
import { seedAgentEnvironment } from "@/lib/testing/seed-agent-environment";
import type { Actor } from "@/lib/users/actor";
import { PUBLIC_BASE_URL, setupGitAuth } from "../helpers/git-auth-setup";
import { startRunnerApiServer, type RunnerApiServer } from "../helpers/runner-api-server";
import { seedUser } from "../helpers/seed";
import { testEngines } from "../helpers/test-database";

/** Secrets used below: none may ever reach the trail. */
const CANARY_PAT = `ghp_${crypto.randomBytes(18).toString("hex")}`;
const CANARY_OPAQUE = crypto.randomBytes(24).toString("hex");

describe.each(testEngines())("Diagnostics: the trail of every SCM operation on $name", (engine) => {
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

  const setup = (opts?: Parameters<typeof setupGitAuth>[2]) => setupGitAuth(db, api.url, opts);
  const trailOf = (correlationId: string) => db.select().from(scmEvents).where(eq(scmEvents.correlationId, correlationId)).orderBy(asc(scmEvents.at), asc(scmEvents.id));
  const shape = (events: ScmEvent[]) => events.map((e) => `${e.operation}/${e.stage}/${e.outcome}${e.errorCode ? `/${e.errorCode}` : ""}`);
  /** Runs `work` as one user action (as `runAction` does) and returns that action's events. */
  async function asAction<T>(actor: Actor, work: () => Promise<T>): Promise<{ result: T | AppError; events: ScmEvent[]; correlationId: string }> {
    const correlationId = crypto.randomUUID();
    const result = await runWithCorrelation({ correlationId, actorId: actor.userId }, () => work().catch((e: AppError) => e));
    return { result, events: await trailOf(correlationId), correlationId };
  }

  it("records integration create and its Save & Test (queued, then the failed check) under one correlation id", async () => {
    const { admin, seeded, runner } = await setup();
    const input = createIntegrationSchema.parse({ runnerId: seeded.runnerId, integrationId: crypto.randomUUID(), provider: "gitlab", deployment: "self_hosted", host: "gitlab.diag.example", patEnabled: true, test: true });
    const { events, correlationId } = await asAction(admin, () => createIntegration({ db, actor: admin, input, allowLoopback: false }));
    expect(shape(events)).toEqual(["integration.test/queued/started", "integration.create/request/succeeded"]);
    expect(events[1]).toMatchObject({ actorType: "user", actorId: admin.userId, runnerId: seeded.runnerId, host: "gitlab.diag.example", provider: "gitlab", integrationId: input.integrationId });
    expect(events[1]!.durationMs).toBeGreaterThanOrEqual(0);
    const job = await runner.claim("integration.test");
    expect((await db.select().from(runnerJobs).where(eq(runnerJobs.id, job.id)))[0]?.correlationId).toBe(correlationId);
    await runner.progress(job, "reachable");
    await runner.succeed(job, { checks: [{ id: "reachable", ok: false, code: "host_unreachable", field: "host", durationMs: 12 }] });
    expect(shape(await trailOf(correlationId))).toEqual(["integration.test/queued/started", "integration.create/request/succeeded", "integration.test/reachable/started", "integration.test/reachable/failed/host_unreachable"]);
    // Refusals are recorded too.
    const member = await seedUser(db, admin.orgId, "member");
    const refused = await asAction(member, () => createIntegration({ db, actor: member, input: { ...input, integrationId: crypto.randomUUID() }, allowLoopback: false }));
    expect(shape(refused.events)).toEqual(["integration.create/request/refused/forbidden"]);
  });

  it("ties OAuth start, callback and the runner's code exchange together; callback errors name their stage and the provider's error", async () => {
    const { member, runner, ids } = await setup();
    const started = await asAction(member, () => startOAuth({ db, actor: member, integrationId: ids[0]!, publicBaseUrl: PUBLIC_BASE_URL }));
    const state = new URL((started.result as { authorizeUrl: string }).authorizeUrl).searchParams.get("state")!;
    expect(shape(started.events)).toEqual(["oauth.start/request/succeeded"]);
    expect(started.events[0]).toMatchObject({ host: "github.com", userId: member.userId, detail: { attemptId: expect.any(String) } });
    // The callback is a plain request (no action context): it joins the start's correlation id through the state.
    const outcome = await completeOAuthCallback({ db, actor: member, integrationId: ids[0]!, params: new URLSearchParams({ state, code: "the-code" }), publicBaseUrl: PUBLIC_BASE_URL });
    expect(outcome.ok).toBe(true);
    const job = await runner.claim("oauth.exchange");
    await runner.succeed(job, await runner.credential(job, { token: "gho_token", login: "octocat", scopes: ["repo"] }));
    expect(shape(await trailOf(started.correlationId))).toEqual([
      "oauth.start/request/succeeded",
      "oauth.exchange/queued/started",
      "oauth.callback/request/succeeded",
      "oauth.exchange/runner/succeeded",
    ]);

    const replay = await completeOAuthCallback({ db, actor: member, integrationId: ids[0]!, params: new URLSearchParams({ state, code: "again" }), publicBaseUrl: PUBLIC_BASE_URL });
    expect(replay).toMatchObject({ ok: false, code: "oauth_state_invalid" });
    const denied = await asAction(member, () => startOAuth({ db, actor: member, integrationId: ids[0]!, publicBaseUrl: PUBLIC_BASE_URL }));
    const deniedState = new URL((denied.result as { authorizeUrl: string }).authorizeUrl).searchParams.get("state")!;
    await completeOAuthCallback({ db, actor: member, integrationId: ids[0]!, params: new URLSearchParams({ state: deniedState, error: "access_denied", error_description: `The user said no ${CANARY_OPAQUE}` }), publicBaseUrl: PUBLIC_BASE_URL });
    const events = await trailOf(denied.correlationId);
    expect(shape(events)).toEqual(["oauth.start/request/succeeded", "oauth.callback/provider_redirect/failed/oauth_access_denied"]);
    expect(events[1]!.detail).toMatchObject({ providerError: "access_denied", providerDescription: "The user said no [REDACTED]" });
    const [stateEvent] = await db.select().from(scmEvents).where(and(eq(scmEvents.userId, member.userId), eq(scmEvents.stage, "state")));
    expect(stateEvent).toMatchObject({ operation: "oauth.callback", outcome: "failed", errorCode: "oauth_state_invalid" });
  });

  it("records PAT validation from request to the runner's answer, with the provider's redacted facts", async () => {
    const { member, runner, ids, sealPat } = await setup();
    const ok = asAction(member, () => connectWithPat({ database, actor: member, integrationId: ids[0]!, patSealed: "" }));
    expect(shape((await ok).events)).toEqual(["pat.validate/request/failed/sealed_secret_invalid"]);

    const failing = asAction(member, async () => connectWithPat({ database, actor: member, integrationId: ids[0]!, patSealed: await sealPat(member, 0, CANARY_PAT) }));
    const job = await runner.claim("pat.validate");
    await runner.progress(job, "validating");
    await runner.call("POST", `/jobs/${job.id}/result`, {
      attempt: job.attempt,
      outcome: "failed",
      error: { code: "pat_invalid", message: `GitHub did not accept ${CANARY_PAT} (${CANARY_OPAQUE})`, detail: { status: 401, providerError: "Bad credentials", token: CANARY_PAT } },
    });
    const { result, events } = await failing;
    expect((result as AppError).code).toBe("pat_invalid");
    expect(shape(events)).toEqual(["pat.validate/queued/started", "pat.validate/validating/started", "pat.validate/validating/failed/pat_invalid", "pat.validate/request/failed/pat_invalid"]);
    const runnerEvent = events[2]!;
    expect(runnerEvent).toMatchObject({ actorType: "runner", runnerId: job.payload.integration ? expect.any(String) : null, userId: member.userId, host: "github.com", jobId: job.id });
    expect(runnerEvent.detail).toMatchObject({ providerStatus: 401, providerError: "Bad credentials", token: "[REDACTED]", retrying: false });
    expect(JSON.stringify(events)).not.toContain(CANARY_PAT);
    expect(JSON.stringify(events)).not.toContain(CANARY_OPAQUE);
  });

  it("records refresh, revocation, clone (and its refusal) and agent tool calls", async () => {
    const { admin, member, seeded, runner, ids } = await setup({ tokens: (m) => [{ integration: 0, userId: m.userId, source: "oauth", login: "octocat", scopes: ["repo"], withRefreshToken: true }] });
    const [token] = await db.select().from(hostAuthTokens).where(eq(hostAuthTokens.userId, member.userId));
    const fresh = await runner.credential({ id: "x", kind: "oauth.exchange", attempt: 1, idempotencyKey: "x", payload: { integration: { integrationId: ids[0] }, userId: member.userId, generation: 2 } }, { token: "gho_new", login: "octocat", scopes: ["repo"] });
    expect((await runner.call("POST", `/credentials/${token!.id}/rotate`, { expectedGeneration: 1, tokenSealed: fresh.tokenSealed, refreshTokenSealed: null, expiresAt: null })).status).toBe(200);
    expect((await runner.call("POST", `/credentials/${token!.id}/rotate`, { expectedGeneration: 1, tokenSealed: fresh.tokenSealed, refreshTokenSealed: null, expiresAt: null })).status).toBe(409);
    await runner.call("POST", `/credentials/${token!.id}/needs-reauth`, { generation: 2, reason: "refresh_failed" });
    const refresh = await db.select().from(scmEvents).where(and(eq(scmEvents.userId, member.userId), eq(scmEvents.operation, "token.refresh"))).orderBy(asc(scmEvents.at));
    expect(shape(refresh)).toEqual(["token.refresh/rotate/succeeded", "token.refresh/rotate/failed/credential_generation_conflict", "token.refresh/needs_reauth/failed/credential_needs_reauth"]);
    expect(refresh[2]).toMatchObject({ actorType: "runner", runnerId: seeded.runnerId, host: "github.com", detail: { reason: "refresh_failed", source: "oauth" } });

    const cloneRefused = await asAction(member, () => createEnvironment({ db, actor: member, runnerId: seeded.runnerId, repoUrl: "https://github.com/acme/app", allowLoopback: false }));
    expect(shape(cloneRefused.events)).toEqual(["clone/request/refused/not_authorized_for_host"]);
    await db.update(hostAuthTokens).set({ needsReauthReason: null }).where(eq(hostAuthTokens.id, token!.id));
    const clone = await asAction(member, () => createEnvironment({ db, actor: member, runnerId: seeded.runnerId, repoUrl: "https://github.com/acme/app", allowLoopback: false }));
    expect(shape(clone.events)).toEqual(["clone/queued/started", "clone/request/succeeded"]);
    const cloneJob = await runner.claim("environment.create");
    await runner.progress(cloneJob, "receiving_objects: 10%");
    await runner.progress(cloneJob, "receiving_objects: 90%");
    await runner.fail(cloneJob, { code: "repository_not_found", message: "The provider says the repository does not exist." });
    expect(shape(await trailOf(clone.correlationId)).slice(2)).toEqual(["clone/receiving_objects/started", "clone/receiving_objects/failed/repository_not_found"]);

    const revoked = await asAction(member, () => disconnect({ database, actor: member, integrationId: ids[0]!, waitMs: 200 }));
    expect(shape(revoked.events)).toEqual(["token.revoke/queued/started", "token.revoke/request/succeeded"]);
    expect(revoked.events[1]!.detail).toMatchObject({ revocation: "queued" });

    const env = await seedAgentEnvironment({ db, orgId: admin.orgId, runnerId: seeded.runnerId, ownerId: member.userId });
    const decided = await runner.call("POST", "/agent-calls", { environmentId: env.environmentId, tool: "create_pull_request" });
    const callId = decided.body.callId as string;
    await runner.call("POST", `/agent-calls/${callId}/finish`, { outcome: "failed", errorCode: "repository_permission_denied", durationMs: 321 });
    expect(shape(await trailOf(callId))).toEqual(["agent.tool_call/authorize/started", "agent.tool_call/finish/failed/repository_permission_denied"]);
    expect((await trailOf(callId))[1]).toMatchObject({ durationMs: 321, userId: member.userId, runnerId: seeded.runnerId });
  });

  it("accepts runner-reported stages for its own jobs only, redacted and capped", async () => {
    const { admin, member, runner, ids, sealPat } = await setup();
    const other = await setup();
    const pending = connectWithPat({ database, actor: member, integrationId: ids[0]!, patSealed: await sealPat(member, 0, CANARY_PAT), deadlineMs: 3_000 }).catch((e: AppError) => e);
    const job = await runner.claim("pat.validate");
    const report = await runner.call("POST", "/events", {
      jobId: job.id,
      events: [{ stage: "provider.identify", outcome: "failed", errorCode: "not_a_code", providerStatus: 401, providerError: "Bad credentials", message: `token ${CANARY_PAT} / ${CANARY_OPAQUE} / sbx1.abc.${"A".repeat(40)}${"x".repeat(600)}` }],
    });
    expect(report).toMatchObject({ status: 200, body: { recorded: 1 } });
    expect((await other.runner.call("POST", "/events", { jobId: job.id, events: [{ stage: "x", outcome: "failed" }] })).status).toBe(404);
    expect((await runner.call("POST", "/events", { events: [{ stage: "x", outcome: "failed" }] })).status).toBe(400);
    const [event] = await db.select().from(scmEvents).where(eq(scmEvents.stage, "provider.identify"));
    expect(event).toMatchObject({ actorType: "runner", jobId: job.id, userId: member.userId, host: "github.com", errorCode: "provider_error", detail: { providerStatus: 401, providerError: "Bad credentials", reportedCode: "not_a_code" } });
    const text = JSON.stringify(event);
    for (const secret of [CANARY_PAT, CANARY_OPAQUE, "sbx1.abc"]) expect(text).not.toContain(secret);
    expect(((event!.detail as { message: string }).message).length).toBeLessThanOrEqual(300);
    expect((await pending as AppError).code).toBe("operation_aborted");
    // Support and admins search by email, host, code and runner; others' organizations stay invisible.
    const support = await seedUser(db, admin.orgId, "support");
    const found = await searchEvents({ db, actor: support, filters: { email: member.email.slice(0, 12), code: "operation_aborted" } });
    expect(found.length).toBeGreaterThan(0);
    expect(found.every((e) => e.userEmail === member.email && e.errorCode === "operation_aborted")).toBe(true);
    expect(await searchEvents({ db, actor: other.admin, filters: { email: member.email } })).toEqual([]);
    expect(await getTrail({ db, actor: other.admin, correlationId: found[0]!.correlationId! })).toBeNull();
  });

  it("keeps recording out of the way: a failing insert never breaks the operation it describes", async () => {
    const { member, runner, ids, sealPat } = await setup();
    await db.execute(sql`alter table scm_events add constraint scm_events_reject check (stage <> 'queued') not valid`);
    const lines: string[] = [];
    const restore = setLogSink((line) => lines.push(line));
    try {
      const connecting = connectWithPat({ database, actor: member, integrationId: ids[0]!, patSealed: await sealPat(member, 0, "ghp_whatever_token_value") });
      const job = await runner.claim("pat.validate");
      await runner.succeed(job, await runner.credential(job, { token: "ghp_whatever_token_value", login: "octocat", scopes: ["repo"] }));
      expect(await connecting).toEqual({ login: "octocat", scopes: ["repo"] });
      expect(lines.join("\n")).toContain("diagnostics.record_failed");
    } finally {
      setLogSink(restore);
      await db.execute(sql`alter table scm_events drop constraint scm_events_reject`);
    }
  });
});
