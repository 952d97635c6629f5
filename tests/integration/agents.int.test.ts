import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { and, eq, sql } from "drizzle-orm";
import { queriesIssued, type Database } from "@/db/client";
import { agentActivity, auditLog, environments, groupMembers, groups, hostAuthTokens, scmEvents } from "@/db/schema";
import type { ToolName } from "@/lib/agents/capabilities";
import { getAgentPolicyForUser } from "@/lib/agents/get-agent-policy-for-user";
import { getAgentPolicySettings } from "@/lib/agents/get-agent-policy-settings";
import { listAgentActivity } from "@/lib/agents/list-agent-activity";
import { loadAgentActivityView } from "@/lib/agents/load-activity-view";
import { describeRefusalReason } from "@/lib/agents/refusal-reason";
import { updateAgentPolicySchema, type UpdateAgentPolicyInput } from "@/lib/agents/schemas";
import { updateAgentPolicy } from "@/lib/agents/update-agent-policy";
import { getProvider, providerIds, type ProviderId } from "@/lib/providers";
import { RUNNER_API_PATH } from "@/lib/runners/protocol";
import { seedAgentEnvironment, type SeedAgentEnvironmentInput } from "@/lib/testing/seed-agent-environment";
import { seedRegisteredRunner } from "@/lib/testing/seed-registered-runner";
import type { Actor } from "@/lib/users/actor";
import { expectCode } from "../helpers/expect-code";
import { startRunnerApiServer, type RunnerApiServer } from "../helpers/runner-api-server";
import { seedOrg, seedUser } from "../helpers/seed";
import { testEngines } from "../helpers/test-database";

type Json = Record<string, unknown>;
const allOn = { pullRequests: true, issues: true, reviewComments: true };

describe.each(testEngines())("agent SCM-tools policy and activity on $name", (engine) => {
  let database: Database;
  let api: RunnerApiServer;
  beforeAll(async () => {
    database = await engine.open();
    api = await startRunnerApiServer(database);
  });
  afterAll(async () => {
    await api.close();
    await database.close();
  });

  async function call(path: string, token: string, body: unknown): Promise<{ status: number; body: Json }> {
    const res = await fetch(`${api.url}${RUNNER_API_PATH}${path}`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
      body: JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as Json };
  }

  /** An organization with a registered runner, acting over the runner API with its token. */
  async function world() {
    const { db } = database;
    const { admin } = await seedOrg(db);
    const runner = await seedRegisteredRunner({ db, orgId: admin.orgId });
    const environment = (owner: Actor, opts: Partial<Pick<SeedAgentEnvironmentInput, "provider" | "credential">> = {}) =>
      seedAgentEnvironment({ db, orgId: admin.orgId, runnerId: runner.runnerId, ownerId: owner.userId, ...opts });
    const tool = (environmentId: string, name: ToolName, repository?: string, extra: Json = {}) =>
      call("/agent-calls", runner.accessToken, { environmentId, tool: name, ...(repository ? { repository } : {}), ...extra });
    const setPolicy = (input: Partial<UpdateAgentPolicyInput>) => updateAgentPolicy({ db, actor: admin, input: { mode: "enabled", allowedGroupIds: [], ...allOn, ...input } });
    return { db, admin, runner, environment, tool, setPolicy };
  }

  async function activityOf(environmentId: string) {
    return database.db.select().from(agentActivity).where(eq(agentActivity.environmentId, environmentId)).orderBy(agentActivity.at);
  }

  it("allows by default, as the owner, and records the call; finish records the outcome and the URL once", async () => {
    const { admin, runner, environment, tool } = await world();
    const env = await environment(admin);
    const res = await tool(env.environmentId, "create_pull_request");
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ allowed: true, ownerId: admin.userId, host: "github.com", provider: "github", repository: "acme/app" });
    const callId = res.body.callId as string;
    expect(await activityOf(env.environmentId)).toMatchObject([{ id: callId, outcome: "pending", tool: "create_pull_request", capability: "pull_requests", ownerId: admin.userId, repository: "acme/app" }]);

    const url = "https://github.com/acme/app/pull/7";
    expect((await call(`/agent-calls/${callId}/finish`, runner.accessToken, { outcome: "succeeded", resultUrl: url, durationMs: 120 })).status).toBe(200);
    expect(await activityOf(env.environmentId)).toMatchObject([{ outcome: "succeeded", resultUrl: url, durationMs: 120, errorCode: null }]);
    // A call ends once: a replayed finish finds nothing pending.
    expect((await call(`/agent-calls/${callId}/finish`, runner.accessToken, { outcome: "failed", errorCode: "rate_limited" })).body).toMatchObject({ error: { code: "not_found" } });

    const failed = await tool(env.environmentId, "list_issues");
    await call(`/agent-calls/${failed.body.callId as string}/finish`, runner.accessToken, { outcome: "failed", errorCode: "repository_permission_denied" });
    expect((await activityOf(env.environmentId)).at(-1)).toMatchObject({ outcome: "failed", errorCode: "repository_permission_denied", resultUrl: null });
  });

  it("refuses a result URL that is not a web link, so the activity list never links to one", async () => {
    const { admin, runner, environment, tool } = await world();
    const env = await environment(admin);
    const { body } = await tool(env.environmentId, "create_issue");
    const res = await call(`/agent-calls/${body.callId as string}/finish`, runner.accessToken, { outcome: "succeeded", resultUrl: "javascript:alert(1)" });
    expect(res).toMatchObject({ status: 400, body: { error: { code: "validation_failed" } } });
    expect(await activityOf(env.environmentId)).toMatchObject([{ outcome: "pending", resultUrl: null }]);
  });

  it("disabled refuses every tool with scm_tools_disabled, and a change applies at the very next call", async () => {
    const { admin, environment, tool, setPolicy } = await world();
    const env = await environment(admin);
    expect((await tool(env.environmentId, "create_issue")).body).toMatchObject({ allowed: true });
    await setPolicy({ mode: "disabled" });
    for (const name of ["create_pull_request", "create_issue", "add_review_comment"] as const) {
      expect((await tool(env.environmentId, name)).body).toMatchObject({ allowed: false, code: "scm_tools_disabled" });
    }
    await setPolicy({ mode: "enabled" });
    expect((await tool(env.environmentId, "create_issue")).body).toMatchObject({ allowed: true });
    const outcomes = (await activityOf(env.environmentId)).map((a) => [a.tool, a.outcome, a.errorCode]);
    expect(outcomes).toEqual([
      ["create_issue", "pending", null],
      ["create_pull_request", "refused", "scm_tools_disabled"],
      ["create_issue", "refused", "scm_tools_disabled"],
      ["add_review_comment", "refused", "scm_tools_disabled"],
      ["create_issue", "pending", null],
    ]);
  });

  it("restricted to groups: allowed for a member of a chosen group, scm_tools_not_allowed for everyone else", async () => {
    const { db, admin, environment, tool, setPolicy } = await world();
    const insider = await seedUser(db, admin.orgId, "member");
    const outsider = await seedUser(db, admin.orgId, "member");
    const [group] = await db.insert(groups).values({ orgId: admin.orgId, name: "Agents allowed" }).returning();
    const [other] = await db.insert(groups).values({ orgId: admin.orgId, name: "Someone else" }).returning();
    await db.insert(groupMembers).values([{ groupId: group!.id, userId: insider.userId }, { groupId: other!.id, userId: outsider.userId }]);
    await setPolicy({ mode: "groups", allowedGroupIds: [group!.id] });
    const mine = await environment(insider);
    const theirs = await environment(outsider);
    expect((await tool(mine.environmentId, "create_pull_request")).body).toMatchObject({ allowed: true, ownerId: insider.userId });
    expect((await tool(theirs.environmentId, "create_pull_request")).body).toMatchObject({ allowed: false, code: "scm_tools_not_allowed" });

    // What each member is shown agrees with what their agents get.
    expect(await getAgentPolicyForUser({ db, actor: insider })).toMatchObject({ mode: "groups", inAllowedGroup: true, allowedGroupNames: ["Agents allowed"], decisions: { pull_requests: { allowed: true } } });
    expect(await getAgentPolicyForUser({ db, actor: outsider })).toMatchObject({ inAllowedGroup: false, decisions: { issues: { allowed: false, code: "scm_tools_not_allowed" } } });

    // Deleting the only allowed group allows nobody rather than everybody.
    await db.delete(groups).where(eq(groups.id, group!.id));
    expect((await tool(mine.environmentId, "create_pull_request")).body).toMatchObject({ allowed: false, code: "scm_tools_not_allowed" });
  });

  it("a capability switched off refuses its tools only", async () => {
    const { admin, environment, tool, setPolicy } = await world();
    const env = await environment(admin);
    await setPolicy({ issues: false });
    for (const name of ["create_issue", "update_issue", "list_issues", "comment_on_issue"] as const) {
      expect((await tool(env.environmentId, name)).body, name).toMatchObject({ allowed: false, code: "scm_tools_not_allowed" });
    }
    for (const name of ["create_pull_request", "get_pull_request", "add_review_comment", "submit_review"] as const) {
      expect((await tool(env.environmentId, name)).body, name).toMatchObject({ allowed: true });
    }
    const refused = (await activityOf(env.environmentId)).filter((a) => a.outcome === "refused");
    expect(new Set(refused.map((a) => a.capability))).toEqual(new Set(["issues"]));
  });

  // Providers gain the tools one by one: the registry says which still lack them.
  for (const provider of providerIds.filter((p: ProviderId) => !getProvider(p).capabilities.agentTools)) {
    it(`${provider} environments answer scm_tools_not_supported, whatever the policy`, async () => {
      const { admin, environment, tool, setPolicy } = await world();
      const env = await environment(admin, { provider });
      expect((await tool(env.environmentId, "create_pull_request")).body).toMatchObject({ allowed: false, code: "scm_tools_not_supported" });
      await setPolicy({ mode: "disabled" });
      // Not supported comes first: a policy change would not make the tool exist.
      expect((await tool(env.environmentId, "list_issues")).body).toMatchObject({ allowed: false, code: "scm_tools_not_supported" });
      expect(await activityOf(env.environmentId)).toMatchObject([
        { outcome: "refused", errorCode: "scm_tools_not_supported", provider },
        { outcome: "refused", errorCode: "scm_tools_not_supported", provider },
      ]);
    });
  }

  it("an owner who disconnected, or whose connection needs re-authorization, gets credential_needs_reauth", async () => {
    const { db, admin, environment, tool } = await world();
    const never = await environment(admin, { credential: "none" });
    expect((await tool(never.environmentId, "create_issue")).body).toMatchObject({ allowed: false, code: "credential_needs_reauth" });

    const member = await seedUser(db, admin.orgId, "member");
    const stale = await environment(member, { credential: "needs_reauth" });
    expect((await tool(stale.environmentId, "create_issue")).body).toMatchObject({ allowed: false, code: "credential_needs_reauth" });

    const other = await seedUser(db, admin.orgId, "member");
    const disconnected = await environment(other);
    expect((await tool(disconnected.environmentId, "create_issue")).body).toMatchObject({ allowed: true });
    await db.delete(hostAuthTokens).where(and(eq(hostAuthTokens.userId, other.userId), eq(hostAuthTokens.host, disconnected.host)));
    expect((await tool(disconnected.environmentId, "create_issue")).body).toMatchObject({ allowed: false, code: "credential_needs_reauth" });
  });

  it("another runner's environment, or another runner's call, is not_found and nothing is recorded for it", async () => {
    const a = await world();
    const b = await world();
    const env = await a.environment(a.admin);
    const foreign = await b.tool(env.environmentId, "create_pull_request");
    expect(foreign).toMatchObject({ status: 404, body: { error: { code: "not_found" } } });
    expect(await activityOf(env.environmentId)).toHaveLength(0);

    const { body } = await a.tool(env.environmentId, "create_pull_request");
    const stolen = await call(`/agent-calls/${body.callId as string}/finish`, b.runner.accessToken, { outcome: "succeeded", resultUrl: "https://evil.example/x" });
    expect(stolen.status).toBe(404);
    expect(await activityOf(env.environmentId)).toMatchObject([{ outcome: "pending", resultUrl: null }]);

    expect((await call("/agent-calls", "scmr_at_" + "x".repeat(43), { environmentId: env.environmentId, tool: "create_issue" })).status).toBe(401);
    expect((await a.tool(env.environmentId, "delete_repository" as ToolName)).body).toMatchObject({ error: { code: "validation_failed" } });
  });

  it("saving validates groups against the organization, writes one audit row, and is for admins only", async () => {
    const { db, admin, setPolicy } = await world();
    const { admin: otherAdmin } = await seedOrg(db, "Other");
    const [theirs] = await db.insert(groups).values({ orgId: otherAdmin.orgId, name: "Theirs" }).returning();
    const [ours] = await db.insert(groups).values({ orgId: admin.orgId, name: "Ours" }).returning();
    const audit = () => db.select().from(auditLog).where(and(eq(auditLog.orgId, admin.orgId), eq(auditLog.action, "agent_policy.updated")));

    await expectCode(setPolicy({ mode: "groups", allowedGroupIds: [ours!.id, theirs!.id] }), "not_found");
    expect(await audit()).toHaveLength(0);
    expect((await getAgentPolicySettings({ db, actor: admin })).policy).toMatchObject({ mode: "enabled", updatedAt: null, updatedBy: null });

    await setPolicy({ mode: "groups", allowedGroupIds: [ours!.id], reviewComments: false });
    const rows = await audit();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      actorId: admin.userId,
      before: { mode: "enabled", allowedGroupIds: [], pull_requests: true, issues: true, review_comments: true },
      after: { mode: "groups", allowedGroupIds: [ours!.id], pull_requests: true, issues: true, review_comments: false },
    });
    const settings = await getAgentPolicySettings({ db, actor: admin });
    expect(settings.policy).toMatchObject({ mode: "groups", allowedGroups: [{ id: ours!.id, name: "Ours" }], updatedBy: { email: admin.email } });
    expect(settings.groups).toEqual([{ id: ours!.id, name: "Ours", memberCount: 0 }]);

    for (const role of ["member", "support"] as const) {
      const actor = await seedUser(db, admin.orgId, role);
      await expectCode(updateAgentPolicy({ db, actor, input: { mode: "disabled", allowedGroupIds: [], ...allOn } }), "forbidden");
      await expectCode(getAgentPolicySettings({ db, actor }), "forbidden");
    }
    expect(await audit()).toHaveLength(1);
    expect(updateAgentPolicySchema.safeParse({ mode: "groups", allowedGroupIds: [] }).success).toBe(false);
    expect(updateAgentPolicySchema.parse({ mode: "disabled", pullRequests: "true", issues: "false" })).toMatchObject({ pullRequests: true, issues: false, reviewComments: false });
  });

  it("admins see every call in the organization; a member sees only their own environments'", async () => {
    const { db, admin, environment, tool } = await world();
    const member = await seedUser(db, admin.orgId, "member");
    const adminEnv = await environment(admin);
    const memberEnv = await environment(member);
    await tool(adminEnv.environmentId, "create_issue");
    await tool(memberEnv.environmentId, "list_pull_requests");
    const all = (await listAgentActivity({ db, actor: admin })).calls;
    expect(all.map((a) => a.ownerEmail).sort()).toEqual([admin.email, member.email].sort());
    const own = (await listAgentActivity({ db, actor: member })).calls;
    expect(own).toHaveLength(1);
    expect(own[0]).toMatchObject({ tool: "list_pull_requests", ownerEmail: member.email, outcome: "pending" });

    const { admin: stranger } = await seedOrg(db, "Stranger");
    expect((await listAgentActivity({ db, actor: stranger })).calls).toEqual([]);
  });

  it("an environment whose Git provider was removed answers scm_tools_not_supported, with no policy reason", async () => {
    const { db, admin, environment, tool } = await world();
    const env = await environment(admin);
    await db.update(environments).set({ integrationId: null }).where(eq(environments.id, env.environmentId));
    expect((await tool(env.environmentId, "get_me")).body).toMatchObject({ allowed: false, code: "scm_tools_not_supported" });
    expect(await activityOf(env.environmentId)).toMatchObject([{ outcome: "refused", errorCode: "scm_tools_not_supported", refusalReason: null }]);
  });

  it("records which check refused: each policy reason, and the runner's own refusal with the field names it sent", async () => {
    const { db, admin, environment, tool, setPolicy } = await world();
    const outsider = await seedUser(db, admin.orgId, "member");
    const [group] = await db.insert(groups).values({ orgId: admin.orgId, name: "Pilots" }).returning();
    const env = await environment(admin);
    const theirs = await environment(outsider);

    await setPolicy({ issues: false });
    await tool(env.environmentId, "create_issue");
    // The repository tools need no capability: allowed while one is off.
    expect((await tool(env.environmentId, "list_labels")).body).toMatchObject({ allowed: true });
    await setPolicy({ mode: "groups", allowedGroupIds: [group!.id] });
    await tool(theirs.environmentId, "get_me");
    await setPolicy({ mode: "disabled" });
    await tool(env.environmentId, "get_pull_request");
    await setPolicy({ mode: "enabled" });
    expect((await tool(env.environmentId, "update_issue", undefined, { refusedByRunner: "validation_failed", refusalDetail: "number, body" })).body).toMatchObject({ allowed: false, code: "validation_failed" });
    await tool(env.environmentId, "create_pull_request", "https://gitlab.com/acme/app", { refusedByRunner: "repository_host_mismatch", refusalDetail: "repository" });
    await tool(env.environmentId, "list_issues", undefined, { refusedByRunner: "validation_failed" });

    const rows = [...(await activityOf(env.environmentId)), ...(await activityOf(theirs.environmentId))].filter((r) => r.outcome === "refused");
    const reasons = rows.map((r) => [r.tool, r.errorCode, r.refusalReason, describeRefusalReason(r.refusalReason, r.capability)]);
    expect(reasons).toEqual([
      ["create_issue", "scm_tools_not_allowed", "capability_off", "The Issues capability is switched off"],
      ["get_pull_request", "scm_tools_disabled", "tools_disabled", "SCM tools are switched off for the organization"],
      ["update_issue", "validation_failed", "validation_failed: number, body", "Arguments did not match: number, body"],
      ["create_pull_request", "repository_host_mismatch", "repository_host_mismatch: repository", "The repository named is on another host than the environment's"],
      ["list_issues", "validation_failed", "validation_failed", "Arguments did not match the tool's input schema"],
      ["get_me", "scm_tools_not_allowed", "not_in_allowed_group", "The owner is in none of the allowed groups"],
    ]);
    // The event trail carries the same reason.
    const [event] = await db.select().from(scmEvents).where(and(eq(scmEvents.correlationId, rows[0]!.id), eq(scmEvents.stage, "authorize")));
    expect(event?.detail).toMatchObject({ refusalReason: "capability_off" });
  });

  it("refuses a refusal detail that is more than field names, so no argument value can be stored through it", async () => {
    const { admin, environment, tool } = await world();
    const env = await environment(admin);
    for (const refusalDetail of ["body=ghp_secretvalue", "token: abc", "x".repeat(201), "a,b", ""]) {
      const res = await tool(env.environmentId, "create_issue", undefined, { refusedByRunner: "validation_failed", refusalDetail });
      expect(res, refusalDetail).toMatchObject({ status: 400, body: { error: { code: "validation_failed" } } });
    }
    expect(await activityOf(env.environmentId)).toHaveLength(0);
  });

  /** Calls written directly, `count` of them, several sharing each instant (to the microsecond). */
  async function seedCalls(orgId: string, env: { environmentId: string }, ownerId: string, count: number, opts: { tool?: ToolName; outcome?: "succeeded" | "refused"; base?: string } = {}) {
    const base = opts.base ?? "2026-03-01T10:00:00";
    const values = Array.from({ length: count }, (_, n) => ({
      orgId,
      environmentId: env.environmentId,
      ownerId,
      tool: opts.tool ?? "get_issue",
      capability: "issues",
      outcome: opts.outcome ?? ("succeeded" as const),
      // Three calls an instant, and instants a microsecond apart: a millisecond cursor would lose some.
      at: sql`${`${base}.${String(100000 + Math.floor(n / 3)).padStart(6, "0")}Z`}::timestamptz`,
    }));
    return database.db.insert(agentActivity).values(values).returning({ id: agentActivity.id });
  }

  it("pages older and newer by (at, id) without duplicates or gaps, also across calls of the same instant", async () => {
    const { db, admin, environment } = await world();
    const env = await environment(admin);
    const seeded = await seedCalls(admin.orgId, env, admin.userId, 23);
    const pageSize = 5;
    const seen: string[] = [];
    let page = await listAgentActivity({ db, actor: admin, pageSize });
    expect(page.newer).toBeNull();
    const pages = [page];
    while (page.older) {
      page = await listAgentActivity({ db, actor: admin, pageSize, page: { before: page.older } });
      pages.push(page);
    }
    for (const p of pages) seen.push(...p.calls.map((c) => c.id));
    expect(pages.map((p) => p.calls.length)).toEqual([5, 5, 5, 5, 3]);
    expect(new Set(seen).size).toBe(23);
    expect(new Set(seen)).toEqual(new Set(seeded.map((r) => r.id)));
    // Newest first by (at, id): each cursor is strictly below the one before it.
    const keys = pages.flatMap((p) => p.calls.map((c) => `${c.cursor.at}|${c.cursor.id}`));
    expect(keys).toEqual([...keys].sort().reverse());

    // Back up from the oldest page with the newer links: the same pages, in the same order.
    const last = pages.at(-1)!;
    expect(last.older).toBeNull();
    let back = await listAgentActivity({ db, actor: admin, pageSize, page: { after: last.newer! } });
    const backwards = [back];
    while (back.newer) {
      back = await listAgentActivity({ db, actor: admin, pageSize, page: { after: back.newer } });
      backwards.push(back);
    }
    expect(backwards.map((p) => p.calls.map((c) => c.id))).toEqual(pages.slice(0, -1).reverse().map((p) => p.calls.map((c) => c.id)));
  });

  it("filters by tool, outcome, owner and environment, and pages within the filter", async () => {
    const { db, admin, environment } = await world();
    const member = await seedUser(db, admin.orgId, "member");
    const a = await environment(admin);
    const b = await environment(member);
    await seedCalls(admin.orgId, a, admin.userId, 4, { tool: "create_issue" });
    await seedCalls(admin.orgId, a, admin.userId, 3, { tool: "get_me", outcome: "refused" });
    await seedCalls(admin.orgId, b, member.userId, 6, { tool: "create_issue", outcome: "refused", base: "2026-03-02T10:00:00" });
    const ids = async (filters: Parameters<typeof listAgentActivity>[0]["filters"], pageSize?: number) => (await listAgentActivity({ db, actor: admin, filters, pageSize })).calls;

    expect(await ids({ tool: "get_me" })).toHaveLength(3);
    expect(await ids({ outcome: "refused" })).toHaveLength(9);
    expect(await ids({ tool: "create_issue", outcome: "refused" })).toHaveLength(6);
    expect((await ids({ ownerId: member.userId })).every((c) => c.ownerEmail === member.email)).toBe(true);
    expect(await ids({ environmentId: a.environmentId })).toHaveLength(7);
    expect(await ids({ environmentId: a.environmentId, outcome: "refused", tool: "create_issue" })).toEqual([]);

    const first = await listAgentActivity({ db, actor: admin, filters: { outcome: "refused" }, pageSize: 4 });
    const second = await listAgentActivity({ db, actor: admin, filters: { outcome: "refused" }, pageSize: 4, page: { before: first.older! } });
    const third = await listAgentActivity({ db, actor: admin, filters: { outcome: "refused" }, pageSize: 4, page: { before: second.older! } });
    expect([first, second, third].map((p) => p.calls.length)).toEqual([4, 4, 1]);
    expect([first, second, third].flatMap((p) => p.calls).every((c) => c.outcome === "refused")).toBe(true);
    expect(third.older).toBeNull();
  });

  it("the page's URL params: a member sees only their own environments' calls whatever owner or environment the URL names", async () => {
    const { db, admin, environment } = await world();
    const member = await seedUser(db, admin.orgId, "member");
    const other = await seedUser(db, admin.orgId, "member");
    const mine = await environment(member);
    const theirs = await environment(other);
    await seedCalls(admin.orgId, mine, member.userId, 2);
    await seedCalls(admin.orgId, theirs, other.userId, 5);

    const byOwner = await loadAgentActivityView({ db, actor: member, query: { owner: other.userId } });
    expect(byOwner.calls).toHaveLength(2);
    expect(byOwner.calls.every((c) => c.environmentName === mine.environmentName)).toBe(true);
    expect(byOwner.ignored.owner).toMatch(/Only admins/);
    expect(byOwner.options.owners).toEqual([]);
    expect(byOwner.options.environments.map((e) => e.id)).toEqual([mine.environmentId]);

    const byEnvironment = await loadAgentActivityView({ db, actor: member, query: { environment: theirs.environmentId } });
    expect(byEnvironment.calls.map((c) => c.environmentName)).toEqual([mine.environmentName, mine.environmentName]);
    expect(byEnvironment.ignored).toEqual({ environment: "Not one of your environments" });
    expect(byEnvironment.filters).toEqual({});
    // Even a listing asked directly for the other owner's environment has nothing.
    expect((await listAgentActivity({ db, actor: member, filters: { ownerId: other.userId, environmentId: theirs.environmentId } })).calls).toEqual([]);

    // An admin may filter by that owner and that environment.
    const asAdmin = await loadAgentActivityView({ db, actor: admin, query: { owner: other.userId, environment: theirs.environmentId } });
    expect(asAdmin.calls).toHaveLength(5);
    expect(asAdmin.ignored).toEqual({});
    expect(asAdmin.options.owners.map((o) => o.id).sort()).toEqual([member.userId, other.userId].sort());
  });

  it("ignores and reports what of the URL does not parse, and never fails on it", async () => {
    const { db, admin, environment } = await world();
    const env = await environment(admin);
    await seedCalls(admin.orgId, env, admin.userId, 3);
    const { admin: stranger } = await seedOrg(db, "Stranger");
    const view = await loadAgentActivityView({
      db,
      actor: admin,
      query: { tool: "delete_repository", outcome: ["refused", "failed"], owner: stranger.userId, environment: "not-a-uuid", before: "2026-13-45T00:00:00.000000Z_00000000-0000-4000-8000-000000000000", after: "x" },
    });
    expect(Object.keys(view.ignored).sort()).toEqual(["after", "before", "environment", "outcome", "owner", "tool"]);
    expect(view.ignored.owner).toBe("Not a member of this organization");
    expect(view.filters).toEqual({});
    expect(view.page).toEqual({ before: undefined, after: undefined });
    expect(view.calls).toHaveLength(3);
    // Empty values are what the form sends for "Any": not an error.
    expect((await loadAgentActivityView({ db, actor: admin, query: { tool: "", outcome: "", owner: "", environment: "" } })).ignored).toEqual({});
  });

  it("reads the page's data in a fixed number of queries, whatever the policy and the filters", async () => {
    // The admin's page issued six with the actor's (policy, groups, owners and environments apart), over the budget of five.
    const { db, admin, environment, setPolicy } = await world();
    const member = await seedUser(db, admin.orgId, "member");
    const idle = await seedUser(db, admin.orgId, "member");
    const [allowed] = await db.insert(groups).values({ orgId: admin.orgId, name: "Agents allowed" }).returning();
    const [other] = await db.insert(groups).values({ orgId: admin.orgId, name: "bystanders" }).returning();
    await db.insert(groupMembers).values([{ groupId: allowed!.id, userId: member.userId }, { groupId: allowed!.id, userId: idle.userId }, { groupId: other!.id, userId: admin.userId }]);
    await setPolicy({ mode: "groups", allowedGroupIds: [allowed!.id] });
    const env = await environment(member);
    await seedCalls(admin.orgId, env, member.userId, 3);

    const counted = async <T>(work: () => Promise<T>): Promise<[T, number]> => {
      const before = queriesIssued();
      const result = await work();
      return [result, queriesIssued() - before];
    };
    const [[settings, view], adminQueries] = await counted(() =>
      Promise.all([getAgentPolicySettings({ db, actor: admin }), loadAgentActivityView({ db, actor: admin, query: { owner: member.userId, environment: env.environmentId, outcome: "succeeded" } })]),
    );
    expect(adminQueries).toBe(3);
    expect(settings.policy).toMatchObject({ mode: "groups", allowedGroups: [{ id: allowed!.id, name: "Agents allowed" }], updatedBy: { email: admin.email } });
    expect(settings.groups).toEqual([
      { id: allowed!.id, name: "Agents allowed", memberCount: 2 },
      { id: other!.id, name: "bystanders", memberCount: 1 },
    ]);
    expect(view.ignored).toEqual({});
    expect(view.filters).toEqual({ ownerId: member.userId, environmentId: env.environmentId, outcome: "succeeded" });
    expect(view.calls).toHaveLength(3);
    expect(view.options.owners).toEqual([{ id: member.userId, email: member.email }]);

    // An owner with no environment is offered too, from the same query.
    const [byIdle, idleQueries] = await counted(() => loadAgentActivityView({ db, actor: admin, query: { owner: idle.userId } }));
    expect(idleQueries).toBe(2);
    expect(byIdle.ignored).toEqual({});
    expect(byIdle.options.owners.map((o) => o.id)).toEqual([member.userId, idle.userId]);
    expect(byIdle.calls).toEqual([]);

    // A member's view: the policy, whether they are in an allowed group, the filters, the page.
    const [[forMember, memberView], memberQueries] = await counted(() => Promise.all([getAgentPolicyForUser({ db, actor: member }), loadAgentActivityView({ db, actor: member, query: {} })]));
    expect(memberQueries).toBe(4);
    expect(forMember).toMatchObject({ mode: "groups", inAllowedGroup: true, allowedGroupNames: ["Agents allowed"] });
    expect(memberView.options).toEqual({ owners: [], environments: [{ id: env.environmentId, name: env.environmentName, ownerEmail: member.email, deleted: false }] });
  });
});
