import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { and, eq } from "drizzle-orm";
import type { Database, Db } from "@/db/client";
import { auditLog, environments, hostAuthTokens, runnerJobs, runners, scmIntegrations, users } from "@/db/schema";
import { recordEvent } from "@/lib/diagnostics/record-event";
import { createEnvironment } from "@/lib/environments/create-environment";
import { deleteEnvironment } from "@/lib/environments/delete-environment";
import { getEnvironment } from "@/lib/environments/get-environment";
import { getEnvironmentCredential } from "@/lib/environments/get-environment-credential";
import { listEnvironments } from "@/lib/environments/list-environments";
import { environmentDeletePayloadSchema } from "@/lib/git-auth/job-payloads";
import { authenticateRunner } from "@/lib/runners/authenticate-runner";
import { setRunnerSharedUse } from "@/lib/runners/set-runner-shared-use";
import type { Actor } from "@/lib/users/actor";
import { expectCode } from "../helpers/expect-code";
import { setupGitAuth } from "../helpers/git-auth-setup";
import { startRunnerApiServer, type RunnerApiServer } from "../helpers/runner-api-server";
import { seedUser } from "../helpers/seed";
import { testEngines } from "../helpers/test-database";

describe.each(testEngines())("environment lifecycle on $name", (engine) => {
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

  /** An organization whose runner offers github.com (OAuth + PAT) and gitlab.example.com; the member is connected to GitHub by OAuth. */
  const world = async () => {
    const setup = await setupGitAuth(db, api.url, { tokens: (m) => [{ integration: 0, userId: m.userId, source: "oauth", login: "octocat", scopes: ["repo"] }] });
    /** Another member with a GitHub connection of their own on the same runner. */
    const colleague = async () => {
      const actor = await seedUser(db, setup.orgId, "member");
      const [token] = await db.select().from(hostAuthTokens).where(and(eq(hostAuthTokens.runnerId, setup.seeded.runnerId), eq(hostAuthTokens.userId, setup.member.userId)));
      const { id: _id, createdAt: _c, ...copy } = token!;
      await db.insert(hostAuthTokens).values({ ...copy, userId: actor.userId });
      return actor;
    };
    return { ...setup, colleague };
  };
  const create = (actor: Actor, runnerId: string, repoUrl = "https://github.com/acme/app") => createEnvironment({ db, actor, runnerId, repoUrl, allowLoopback: false });
  /** An environment the runner cloned (through the real job channel). */
  const ready = async (w: Awaited<ReturnType<typeof world>>, actor: Actor, repoUrl = "https://github.com/acme/app") => {
    const outcome = await create(actor, w.seeded.runnerId, repoUrl);
    if (outcome.kind !== "created") throw new Error(`not created: ${outcome.kind}`);
    const job = await w.runner.claim("environment.create");
    await w.runner.succeed(job, { branch: "main", headSha: "a".repeat(40), clonePath: `/srv/runner/environments/${outcome.environmentId}`, osUser: "scm-env-1" });
    return outcome.environmentId;
  };
  const statusOf = async (actor: Actor, id: string) => (await listEnvironments({ db, actor })).find((e) => e.id === id)?.status;

  it("derives needs reconnect from the same rules as the credential lookup, in one list query", async () => {
    const w = await world();
    const id = await ready(w, w.member);
    expect(await listEnvironments({ db, actor: w.member })).toMatchObject([{ id, status: "ready", branch: "main", errorCode: null, reconnectReason: null, runnerId: w.seeded.runnerId }]);
    const tokenOf = and(eq(hostAuthTokens.runnerId, w.seeded.runnerId), eq(hostAuthTokens.userId, w.member.userId));
    const [token] = await db.select().from(hostAuthTokens).where(tokenOf);
    const runnerEnv = { db, runner: await authenticateRunner({ db, token: w.seeded.accessToken }), environmentId: id };

    // Marked for re-authentication (expired, revoked at the provider).
    await db.update(hostAuthTokens).set({ needsReauthReason: "revoked" }).where(tokenOf);
    expect(await listEnvironments({ db, actor: w.member })).toMatchObject([{ id, status: "needs_reconnect", errorCode: "credential_needs_reauth", reconnectReason: "revoked" }]);
    await expectCode(getEnvironmentCredential(runnerEnv), "credential_needs_reauth");
    await db.update(hostAuthTokens).set({ needsReauthReason: null }).where(tokenOf);
    expect(await statusOf(w.member, id)).toBe("ready");

    // Sealed to a key the runner no longer has.
    await db.update(runners).set({ keyId: "rotated-key" }).where(eq(runners.id, w.seeded.runnerId));
    expect(await listEnvironments({ db, actor: w.member })).toMatchObject([{ status: "needs_reconnect", reconnectReason: "runner_key_rotated" }]);
    await db.update(runners).set({ keyId: token!.keyId }).where(eq(runners.id, w.seeded.runnerId));

    // The admin turned the token's method (OAuth) off; PAT stays on.
    await db.update(scmIntegrations).set({ oauthEnabled: false }).where(eq(scmIntegrations.id, w.ids[0]!));
    expect(await listEnvironments({ db, actor: w.member })).toMatchObject([{ status: "needs_reconnect", reconnectReason: "method_disabled" }]);
    await db.update(scmIntegrations).set({ oauthEnabled: true }).where(eq(scmIntegrations.id, w.ids[0]!));
    expect(await statusOf(w.member, id)).toBe("ready");
    expect((await getEnvironmentCredential(runnerEnv)).keyId).toBe(token!.keyId);

    // Disconnected: no token at all. Reconnecting (a new token) makes it ready again; nothing is recreated.
    await db.delete(hostAuthTokens).where(tokenOf);
    expect(await listEnvironments({ db, actor: w.member })).toMatchObject([{ id, status: "needs_reconnect", reconnectReason: "disconnected" }]);
    await db.insert(hostAuthTokens).values({ ...token!, id: undefined });
    expect(await listEnvironments({ db, actor: w.member })).toMatchObject([{ id, status: "ready" }]);
    expect(await db.select({ id: environments.id }).from(environments).where(eq(environments.ownerId, w.member.userId))).toHaveLength(1);
  });

  it("shows creating with progress, failed with its code, owner disabled, deleting, and leaves deleted ones out", async () => {
    const w = await world();
    const readyId = await ready(w, w.member);
    const creating = await create(w.member, w.seeded.runnerId, "https://github.com/acme/creating");
    if (creating.kind !== "created") throw new Error("not created");
    const job = await w.runner.claim("environment.create");
    await w.runner.progress(job, "receiving_objects: 30%");
    const failing = await create(w.member, w.seeded.runnerId, "https://github.com/acme/private");
    if (failing.kind !== "created") throw new Error("not created");
    await w.runner.fail(await w.runner.claim("environment.create"), { code: "repository_not_found" });
    const byId = async () => Object.fromEntries((await listEnvironments({ db, actor: w.member })).map((e) => [e.id, e]));
    expect(await byId()).toMatchObject({
      [readyId]: { status: "ready" },
      [creating.environmentId]: { status: "creating", progress: "receiving_objects: 30%", errorCode: null },
      [failing.environmentId]: { status: "failed", errorCode: "repository_not_found", progress: null },
    });

    // Owner disabled (seen by an admin on the page; the owner cannot sign in while disabled).
    await db.update(users).set({ disabledAt: new Date() }).where(eq(users.id, w.member.userId));
    expect((await getEnvironment({ db, actor: w.admin, environmentId: readyId })).environment).toMatchObject({ status: "owner_disabled", errorCode: "environment_owner_disabled" });
    expect(await listEnvironments({ db, actor: w.member })).toEqual(expect.arrayContaining([expect.objectContaining({ id: readyId, status: "owner_disabled" }), expect.objectContaining({ id: failing.environmentId, status: "failed" })]));
    await db.update(users).set({ disabledAt: null }).where(eq(users.id, w.member.userId));
    expect(await statusOf(w.member, readyId)).toBe("ready");

    // Deleting, then deleted once the runner reports the clone gone: no longer listed.
    await deleteEnvironment({ db, actor: w.member, environmentId: readyId });
    expect((await byId())[readyId]).toMatchObject({ status: "deleting", errorCode: "environment_deleted" });
    await w.runner.succeed(await w.runner.claim("environment.delete"), { removed: true });
    expect((await byId())[readyId]).toBeUndefined();
    await expectCode(getEnvironment({ db, actor: w.member, environmentId: readyId }), "not_found");
  });

  it("loads the page for the owner and admins; another member, another organization, unknown and malformed ids are the same not_found", async () => {
    const w = await world();
    const id = await ready(w, w.member);
    const [runner] = await db.select().from(runners).where(eq(runners.id, w.seeded.runnerId));
    const event = (operation: string, stage: string, outcome: "succeeded" | "refused" | "started", errorCode: string | null, at: Date, detail: Record<string, unknown> = {}) =>
      recordEvent(db, { orgId: w.orgId, actorType: "runner", runnerId: w.seeded.runnerId, userId: w.member.userId, host: "github.com", operation, stage, outcome, errorCode, correlationId: null, detail: { environmentId: id, ...detail }, at });
    const t0 = Date.now();
    await event("git.credential", "served", "succeeded", null, new Date(t0 + 1000));
    await event("git.credential", "request", "refused", "credential_needs_reauth", new Date(t0 + 2000));
    await event("git.credential", "security", "refused", "environment_access_refused", new Date(t0 + 3000), { reason: "other_environment", requestedHost: "gitlab.example.com" });
    await event("agent.tool_call", "finish", "succeeded", null, new Date(t0 + 4000));

    const page = await getEnvironment({ db, actor: w.member, environmentId: id });
    expect(page.environment).toMatchObject({
      id,
      status: "ready",
      repoUrl: "https://github.com/acme/app",
      branch: "main",
      runnerName: runner!.name,
      runnerIsolation: null,
      clonePath: `/srv/runner/environments/${id}`,
      osUser: "scm-env-1",
      ownerId: w.member.userId,
      reconnectTarget: expect.objectContaining({ integrationId: w.ids[0], host: "github.com", oauthEnabled: true, patEnabled: true, runnerPublicKey: w.seeded.keys.publicKey }),
    });
    expect(page.gitOperations.map((e) => [e.stage, e.outcome, e.errorCode])).toEqual([
      ["security", "refused", "environment_access_refused"],
      ["request", "refused", "credential_needs_reauth"],
      ["served", "succeeded", null],
    ]);
    expect(page.gitOperations[0]!.refusal).toEqual({ reason: "other_environment", requestedHost: "gitlab.example.com" });
    // The history is everything else, newest first: the tool call, then the clone's stages.
    expect(page.history[0]).toMatchObject({ operation: "agent.tool_call" });
    expect(page.history.map((e) => e.operation)).toContain("clone");
    expect(page.history.every((e) => e.operation !== "git.credential")).toBe(true);
    expect(page.history.map((e) => e.at.getTime())).toEqual([...page.history.map((e) => e.at.getTime())].sort((a, b) => b - a));

    const asAdmin = await getEnvironment({ db, actor: w.admin, environmentId: id });
    expect(asAdmin.environment.id).toBe(id);
    expect(asAdmin.gitOperations).toHaveLength(3);

    const colleague = await seedUser(db, w.orgId, "member");
    const outsider = (await world()).admin;
    for (const [actor, environmentId] of [
      [colleague, id],
      [outsider, id],
      [w.member, "00000000-0000-4000-8000-000000000000"],
      [w.member, "../etc/passwd"],
      [w.member, "not-a-uuid"],
    ] as const) {
      await expectCode(getEnvironment({ db, actor, environmentId }), "not_found");
    }
  });

  it("deletes for the owner or an admin only, once: the job is written, the credential refused at once, and a second delete returns the same job", async () => {
    const w = await world();
    const id = await ready(w, w.member);
    const colleague = await seedUser(db, w.orgId, "member");
    const support = await seedUser(db, w.orgId, "support");
    const outsider = (await world()).admin;
    for (const actor of [colleague, support, outsider]) await expectCode(deleteEnvironment({ db, actor, environmentId: id }), "not_found");
    expect(await statusOf(w.member, id)).toBe("ready");

    const first = await deleteEnvironment({ db, actor: w.member, environmentId: id });
    const again = await deleteEnvironment({ db, actor: w.member, environmentId: id });
    expect(again.jobId).toBe(first.jobId);
    const jobs = await db.select().from(runnerJobs).where(and(eq(runnerJobs.runnerId, w.seeded.runnerId), eq(runnerJobs.kind, "environment.delete")));
    expect(jobs).toHaveLength(1);
    expect(environmentDeletePayloadSchema.parse(jobs[0]!.payload)).toMatchObject({ environmentId: id, ownerId: w.member.userId });
    const [row] = await db.select().from(environments).where(eq(environments.id, id));
    expect(row).toMatchObject({ status: "deleting", deleteJobId: first.jobId });
    const runner = await authenticateRunner({ db, token: w.seeded.accessToken });
    await expectCode(getEnvironmentCredential({ db, runner, environmentId: id }), "environment_deleted");

    const done = await w.runner.claim("environment.delete");
    expect(done.id).toBe(first.jobId);
    await w.runner.succeed(done, { removed: true });

    // An admin deletes another person's environment.
    const other = await ready(w, w.member, "https://github.com/acme/other");
    const byAdmin = await deleteEnvironment({ db, actor: w.admin, environmentId: other });
    expect(byAdmin.jobId).not.toBe(first.jobId);
    const second = await w.runner.claim("environment.delete");
    expect(second.id).toBe(byAdmin.jobId);
    await w.runner.succeed(second, { removed: true });
    expect(await listEnvironments({ db, actor: w.member })).toEqual([]);
    // Deleted for good: a further delete is not_found.
    await expectCode(deleteEnvironment({ db, actor: w.member, environmentId: id }), "not_found");
  });

  it("an unisolated runner refuses a second person's environment until an admin turns on shared use (audited, admins only)", async () => {
    const w = await world();
    const second = await w.colleague();
    await w.runner.call("POST", "/me", { version: "test", isolation: "none" });
    await ready(w, w.member);

    // The first person may add more; a second person is refused with the remedy's code on the runner field.
    await expect(create(w.member, w.seeded.runnerId, "https://github.com/acme/more")).resolves.toMatchObject({ kind: "created" });
    await w.runner.claim("environment.create");
    const refusal = await create(second, w.seeded.runnerId).catch((e: unknown) => e);
    await expectCode(Promise.reject(refusal), "runner_not_isolated");
    expect((refusal as { fieldErrors?: Record<string, string[]> }).fieldErrors?.runnerId).toHaveLength(1);
    expect(await listEnvironments({ db, actor: second })).toEqual([]);

    // Only an admin may allow shared use.
    await expectCode(setRunnerSharedUse({ db, actor: w.member, runnerId: w.seeded.runnerId, sharedUse: true }), "forbidden");
    await expectCode(setRunnerSharedUse({ db, actor: (await world()).admin, runnerId: w.seeded.runnerId, sharedUse: true }), "not_found");
    expect(await setRunnerSharedUse({ db, actor: w.admin, runnerId: w.seeded.runnerId, sharedUse: true })).toEqual({ sharedUse: true, changed: true });
    expect(await setRunnerSharedUse({ db, actor: w.admin, runnerId: w.seeded.runnerId, sharedUse: true })).toEqual({ sharedUse: true, changed: false });
    const audit = await db.select().from(auditLog).where(and(eq(auditLog.orgId, w.orgId), eq(auditLog.action, "runner.shared_use_changed")));
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actorId: w.admin.userId, targetType: "runner", targetId: w.seeded.runnerId, before: { sharedUse: false, isolation: "none" }, after: { sharedUse: true, isolation: "none" } });

    // Now the second person is accepted.
    await expect(create(second, w.seeded.runnerId)).resolves.toMatchObject({ kind: "created" });
    await w.runner.claim("environment.create");

    // Off again: existing environments stay, a third person is refused again.
    expect(await setRunnerSharedUse({ db, actor: w.admin, runnerId: w.seeded.runnerId, sharedUse: false })).toEqual({ sharedUse: false, changed: true });
    expect(await listEnvironments({ db, actor: second })).toHaveLength(1);
    await expectCode(create(await w.colleague(), w.seeded.runnerId), "runner_not_isolated");
  });

  it("an isolated runner hosts several people's environments without shared use, which it refuses to turn on", async () => {
    const w = await world();
    const second = await w.colleague();
    await w.runner.call("POST", "/me", { version: "test", isolation: "os_user" });
    await ready(w, w.member);
    await expect(create(second, w.seeded.runnerId)).resolves.toMatchObject({ kind: "created" });
    await expectCode(setRunnerSharedUse({ db, actor: w.admin, runnerId: w.seeded.runnerId, sharedUse: true }), "validation_failed");
    const [runner] = await db.select({ sharedUse: runners.sharedUse, isolation: runners.isolation }).from(runners).where(eq(runners.id, w.seeded.runnerId));
    expect(runner).toEqual({ sharedUse: false, isolation: "os_user" });
  });
});
