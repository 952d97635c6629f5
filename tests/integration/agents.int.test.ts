import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { and, eq } from "drizzle-orm";
import type { Database } from "@/db/client";
import { agentActivity, auditLog, groupMembers, groups, hostAuthTokens } from "@/db/schema";
import type { ToolName } from "@/lib/agents/capabilities";
import { getAgentPolicyForUser } from "@/lib/agents/get-agent-policy-for-user";
import { getAgentPolicySettings } from "@/lib/agents/get-agent-policy-settings";
import { listAgentActivity } from "@/lib/agents/list-agent-activity";
import { updateAgentPolicySchema, type UpdateAgentPolicyInput } from "@/lib/agents/schemas";
import { updateAgentPolicy } from "@/lib/agents/update-agent-policy";
import type { ProviderId } from "@/lib/providers";
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
    const tool = (environmentId: string, name: ToolName, repository?: string) => call("/agent-calls", runner.accessToken, { environmentId, tool: name, ...(repository ? { repository } : {}) });
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

  it.each<ProviderId>(["bitbucket", "azure_devops"])("%s environments answer scm_tools_not_supported, whatever the policy", async (provider) => {
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
    const all = await listAgentActivity({ db, actor: admin });
    expect(all.map((a) => a.ownerEmail).sort()).toEqual([admin.email, member.email].sort());
    const own = await listAgentActivity({ db, actor: member });
    expect(own).toHaveLength(1);
    expect(own[0]).toMatchObject({ tool: "list_pull_requests", ownerEmail: member.email, outcome: "pending" });

    const { admin: stranger } = await seedOrg(db, "Stranger");
    expect(await listAgentActivity({ db, actor: stranger })).toEqual([]);
  });
});
