import { Octokit } from "@octokit/rest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { groupMembers, groups } from "@/db/schema";
import { getProvider } from "@/lib/providers";
import { testEngines } from "@/tests/helpers/test-database";
import { activityOf, addEnvironment, connect, disconnect, disconnectOwner, errorOf, git, startWorld, type ToolSession, type World } from "./test-support/world";

const quiet = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };

describe.each(testEngines())("the organization's policy, checked on every agent tool call, on $name", (engine) => {
  let world: World;
  let session: ToolSession;
  let octokit: Octokit;
  const repo = { owner: "policy-owner", repo: "app" };

  /** What exists at the sandbox: a refused call must leave these unchanged. */
  const counts = async () => ({
    pulls: (await octokit.rest.pulls.list({ ...repo, state: "all" })).data.length,
    issues: (await octokit.rest.issues.listForRepo({ ...repo, state: "all" })).data.length,
  });

  beforeAll(async () => {
    world = await startWorld(engine);
    const added = await addEnvironment(world, { provider: "github", login: "policy-owner", repo: "app", pushBranch: "feature" });
    octokit = new Octokit({ auth: added.token, baseUrl: world.sandbox.urls.github.enterpriseApi, log: quiet });
    session = await connect(world, added.environment);
  });
  afterAll(async () => {
    if (session) await disconnect(session);
    await world?.close();
  });

  it("disabled refuses every tool with scm_tools_disabled and nothing is done; re-enabling applies at the next call of the same session", async () => {
    const before = await counts();
    await world.setPolicy({ mode: "disabled" });
    for (const [tool, args] of [
      ["create_pull_request", { title: "x", head: "feature" }],
      ["create_issue", { title: "x" }],
      ["add_review_comment", { number: 1, path: "README.md", line: 3, body: "x" }],
    ] as const) {
      const result = await session.call(tool, args);
      expect(errorOf(result), tool).toMatchObject({ code: "scm_tools_disabled" });
      expect((result.content as { text: string }[])[0]!.text).toMatch(/^Error scm_tools_disabled: Agent SCM tools are disabled\.[\s\S]*Remedy: Ask an admin/);
    }
    expect(await counts()).toEqual(before);

    await world.setPolicy({ mode: "enabled" });
    expect(errorOf(await session.call("create_issue", { title: "Allowed again" }))).toBeNull();
    expect((await counts()).issues).toBe(before.issues + 1);
    expect((await activityOf(world, session.environment.id)).map((a) => [a.tool, a.outcome, a.errorCode])).toEqual([
      ["create_pull_request", "refused", "scm_tools_disabled"],
      ["create_issue", "refused", "scm_tools_disabled"],
      ["add_review_comment", "refused", "scm_tools_disabled"],
      ["create_issue", "succeeded", null],
    ]);
  });

  it("restricted to a group the owner is not in: scm_tools_not_allowed, nothing done; adding the owner allows the next call", async () => {
    const { db } = world.database;
    const [group] = await db.insert(groups).values({ orgId: world.admin.orgId, name: `agents-${engine.name}` }).returning();
    await world.setPolicy({ mode: "groups", allowedGroupIds: [group!.id] });
    const before = await counts();
    // Regression: the refusal says which check refused, the group restriction here.
    expect(errorOf(await session.call("create_pull_request", { title: "x", head: "feature" }))).toMatchObject({
      code: "scm_tools_not_allowed",
      message: expect.stringMatching(/only for members of certain groups, and the environment's owner is in none of them/),
    });
    expect(await counts()).toEqual(before);

    await db.insert(groupMembers).values({ groupId: group!.id, userId: session.environment.ownerId });
    const opened = await session.call("create_pull_request", { title: "From the group", head: "feature" });
    expect(errorOf(opened)).toBeNull();
    expect((await counts()).pulls).toBe(before.pulls + 1);
    await world.setPolicy({ mode: "enabled" });
  });

  it("one capability off refuses its tools only", async () => {
    await world.setPolicy({ issues: false });
    const before = await counts();
    expect(errorOf(await session.call("create_issue", { title: "x" }))).toMatchObject({ code: "scm_tools_not_allowed", message: expect.stringMatching(/switched off the issues capability/) });
    expect(errorOf(await session.call("comment_on_issue", { number: 1, body: "x" }))).toMatchObject({ code: "scm_tools_not_allowed" });
    expect(errorOf(await session.call("list_pull_requests", {}))).toBeNull();
    expect(await counts()).toEqual(before);
    await world.setPolicy({});
  });

  it("an owner who disconnected gets credential_needs_reauth, and nothing is done", async () => {
    const added = await addEnvironment(world, { provider: "github", login: "policy-owner", repo: "gone" });
    const gone = await connect(world, added.environment);
    try {
      expect(errorOf(await gone.call("list_issues", {}))).toBeNull();
      await disconnectOwner(world, added.environment);
      const result = await gone.call("create_issue", { title: "x" });
      expect(errorOf(result)).toMatchObject({ code: "credential_needs_reauth" });
      expect((await octokit.rest.issues.listForRepo({ owner: "policy-owner", repo: "gone", state: "all" })).data).toHaveLength(0);
      expect((await activityOf(world, added.environment.id)).map((a) => [a.outcome, a.errorCode])).toEqual([
        ["succeeded", null],
        ["refused", "credential_needs_reauth"],
      ]);
    } finally {
      await disconnect(gone);
    }
  });

  it("tools that only say who the owner is and what the repository offers (get_me, labels, assignable users) need no capability, only the tools switched on", async () => {
    await world.setPolicy({ pullRequests: false, issues: false, reviewComments: false });
    try {
      expect(errorOf(await session.call("get_me", {}))).toBeNull();
      expect(errorOf(await session.call("list_labels", {}))).toBeNull();
      expect(errorOf(await session.call("list_assignable_users", {}))).toBeNull();
      expect(errorOf(await session.call("list_review_threads", { number: 1 }))).toMatchObject({ code: "scm_tools_not_allowed", message: expect.stringMatching(/review comments capability/) });
      await world.setPolicy({ mode: "disabled" });
      expect(errorOf(await session.call("get_me", {}))).toMatchObject({ code: "scm_tools_disabled" });
    } finally {
      await world.setPolicy({});
    }
  });

  it("a provider without agent tools answers scm_tools_not_supported, while git clone and push keep working", async () => {
    // Every provider has agent tools now: one is switched off in the registry, as a provider without them is.
    const capabilities = getProvider("azure_devops").capabilities as { agentTools: boolean };
    const added = await addEnvironment(world, { provider: "azure_devops", login: "azure-dev", repo: "web", pushBranch: "topic" });
    // addEnvironment cloned and pushed `topic` with the owner's token: git works for this provider.
    expect(await git(world, ["rev-parse", "--abbrev-ref", "HEAD"], { cwd: added.environment.workdir! })).toBe("topic\n");
    const unsupported = await connect(world, added.environment);
    capabilities.agentTools = false;
    try {
      const result = await unsupported.call("create_pull_request", { title: "x" });
      expect(errorOf(result)).toMatchObject({ code: "scm_tools_not_supported" });
      expect((result.content as { text: string }[])[0]!.text).toContain("Git itself (clone, commit, push) keeps working");
      expect(await activityOf(world, added.environment.id)).toMatchObject([{ tool: "create_pull_request", provider: "azure_devops", outcome: "refused", errorCode: "scm_tools_not_supported" }]);
    } finally {
      capabilities.agentTools = true;
      await disconnect(unsupported);
    }
  });
});
