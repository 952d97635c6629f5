import { Gitlab } from "@gitbeaker/rest";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hostAuthTokens, scmIntegrations } from "@/db/schema";
import { seal } from "@/lib/crypto/sealed-box";
import { testEngines } from "@/tests/helpers/test-database";
import { providerClients } from "../providers";
import { authorizeCode, CALLBACK, noDeadline, sandboxEndpoints } from "../providers/test-support/sandbox";
import { activityOf, addEnvironment, connect, disconnect, errorOf, startWorld, type ToolSession, type World } from "./test-support/world";

describe("agent SCM tools on the GitLab sandbox", () => {
  let world: World;
  let session: ToolSession;
  let api: InstanceType<typeof Gitlab>;
  const project = "gl-owner/app";

  beforeAll(async () => {
    world = await startWorld(testEngines()[0]!);
    const added = await addEnvironment(world, { provider: "gitlab", login: "gl-owner", repo: "app", pushBranch: "feature" });
    api = new Gitlab({ host: world.sandbox.urls.gitlab.web, token: added.token });
    session = await connect(world, added.environment);
  });
  afterAll(async () => {
    if (session) await disconnect(session);
    await world?.close();
  });

  it("opens a merge request from the pushed branch and comments on a line of its diff, as the owner", async () => {
    const opened = await session.call("create_pull_request", { title: "Explain the app", body: "Adds a sentence.", head: "feature" });
    expect(errorOf(opened)).toBeNull();
    const { pullRequest } = opened.structuredContent as { pullRequest: { number: number; url: string } };
    const mr = await api.MergeRequests.show(project, pullRequest.number);
    expect(mr).toMatchObject({ title: "Explain the app", source_branch: "feature", target_branch: "main", author: { username: "gl-owner" }, web_url: pullRequest.url });

    const commented = await session.call("add_review_comment", { number: pullRequest.number, path: "README.md", line: 3, body: "Say which app." });
    expect(errorOf(commented)).toBeNull();
    const discussions = await api.MergeRequestDiscussions.all(project, pullRequest.number);
    expect(discussions[0]?.notes?.[0]).toMatchObject({ type: "DiffNote", body: "Say which app.", author: { username: "gl-owner" }, position: { new_path: "README.md", new_line: 3 } });

    const reviewed = await session.call("submit_review", { number: pullRequest.number, event: "COMMENT", body: "Looks good overall." });
    expect(errorOf(reviewed)).toBeNull();
    const notes = await api.MergeRequestNotes.all(project, pullRequest.number);
    expect(notes.map((n) => [n.body, (n.author as { username: string }).username])).toContainEqual(["Looks good overall.", "gl-owner"]);

    const activity = await activityOf(world, session.environment.id);
    expect(activity.map((a) => [a.tool, a.outcome, a.provider])).toEqual([
      ["create_pull_request", "succeeded", "gitlab"],
      ["add_review_comment", "succeeded", "gitlab"],
      ["submit_review", "succeeded", "gitlab"],
    ]);
    expect(activity[0]!.resultUrl).toBe(pullRequest.url);
    expect(activity[1]!.resultUrl).toMatch(new RegExp(`^${pullRequest.url}#note_\\d+$`));
  });

  // Regression: GitLab answers the author's own approval with a bare 401, which the tools read as
  // a revoked token, marking the owner's connection for reconnection.
  it("the owner's APPROVE of their own merge request is refused as such, and leaves the connection alone", async () => {
    const [mr] = await api.MergeRequests.all({ projectId: project, state: "opened" });
    const result = await session.call("submit_review", { number: mr!.iid, event: "APPROVE", body: "Approving my own." });
    expect(errorOf(result)).toMatchObject({ code: "validation_failed", fieldErrors: { event: [expect.any(String)] } });
    expect(await api.MergeRequestApprovals.showConfiguration(project, { mergerequestIId: mr!.iid })).toMatchObject({ approved: false, approved_by: [] });
    expect((await api.MergeRequestNotes.all(project, mr!.iid)).map((n) => n.body)).not.toContain("Approving my own.");
    const [row] = await world.database.db.select().from(hostAuthTokens).where(eq(hostAuthTokens.userId, session.environment.ownerId));
    expect(row).toMatchObject({ needsReauthReason: null });
    expect((await activityOf(world, session.environment.id)).at(-1)).toMatchObject({ tool: "submit_review", outcome: "failed", errorCode: "validation_failed" });
    // The connection still works.
    expect(errorOf(await session.call("get_pull_request", { number: mr!.iid }))).toBeNull();
  });

  it("approves someone else's merge request from a Developer's environment, with a note", async () => {
    await world.sandbox.admin.createUser({ provider: "gitlab", login: "gl-dev" });
    await world.sandbox.admin.createRepo({
      provider: "gitlab",
      path: "gl-owner/reviewed",
      files: { "README.md": "# reviewed\n" },
      branches: [{ name: "topic", files: { "README.md": "# reviewed\n\nMore.\n" } }],
      collaborators: [{ login: "gl-dev", permission: "write" }],
    });
    const mr = await api.MergeRequests.create("gl-owner/reviewed", "topic", "main", "Topic");
    const added = await addEnvironment(world, { provider: "gitlab", login: "gl-dev", repo: "own" });
    const developer = await connect(world, added.environment);
    try {
      const result = await developer.call("submit_review", { repository: "gl-owner/reviewed", number: mr.iid, event: "APPROVE", body: "Ship it." });
      expect(errorOf(result)).toBeNull();
      expect(result.structuredContent).toMatchObject({ review: { state: "APPROVED" } });
      const state = await api.MergeRequestApprovals.showConfiguration("gl-owner/reviewed", { mergerequestIId: mr.iid });
      expect(state).toMatchObject({ approved: true, approved_by: [{ user: { username: "gl-dev" } }] });
      const notes = await api.MergeRequestNotes.all("gl-owner/reviewed", mr.iid);
      expect(notes.map((n) => [n.body, (n.author as { username: string }).username])).toEqual([["Ship it.", "gl-dev"]]);
      // Approving again keeps the approval (GitLab answers a repeat with 304).
      expect(errorOf(await developer.call("submit_review", { repository: "gl-owner/reviewed", number: mr.iid, event: "APPROVE" }))).toBeNull();
      expect(await api.MergeRequestApprovals.showConfiguration("gl-owner/reviewed", { mergerequestIId: mr.iid })).toMatchObject({ approved_by: [{ user: { username: "gl-dev" } }] });
    } finally {
      await disconnect(developer);
    }
  });

  it("creates and closes an issue with a comment, as the owner", async () => {
    const created = await session.call("create_issue", { title: "Crash on start", labels: ["bug"] });
    const { issue } = created.structuredContent as { issue: { number: number; url: string } };
    expect(errorOf(await session.call("update_issue", { number: issue.number, state: "closed", title: "Crash on start (fixed)" }))).toBeNull();
    expect(errorOf(await session.call("comment_on_issue", { number: issue.number, body: "Fixed in !1" }))).toBeNull();
    const shown = await api.Issues.show(issue.number, { projectId: project });
    expect(shown).toMatchObject({ title: "Crash on start (fixed)", state: "closed", labels: ["bug"], author: { username: "gl-owner" }, web_url: issue.url });
    expect((await api.IssueNotes.all(project, issue.number)).map((n) => [n.body, (n.author as { username: string }).username])).toEqual([["Fixed in !1", "gl-owner"]]);
    expect((await session.call("list_issues", { state: "closed" })).structuredContent).toMatchObject({ issues: [{ number: issue.number }] });
  });

  it("an owner who is only a Reporter gets repository_permission_denied for a merge request; nothing is created", async () => {
    await world.sandbox.admin.createUser({ provider: "gitlab", login: "gl-reporter" });
    await world.sandbox.admin.createRepo({
      provider: "gitlab",
      path: "gl-owner/shared",
      files: { "README.md": "# shared\n" },
      branches: [{ name: "topic", files: { "README.md": "# shared\n\nMore.\n" } }],
      collaborators: [{ login: "gl-reporter", permission: "read" }],
    });
    const reporter = await addEnvironment(world, { provider: "gitlab", login: "gl-reporter", repo: "own" });
    const limited = await connect(world, reporter.environment);
    try {
      const result = await limited.call("create_pull_request", { title: "Mine", head: "topic", repository: "gl-owner/shared" });
      expect(errorOf(result)).toMatchObject({ code: "repository_permission_denied" });
      expect(await api.MergeRequests.all({ projectId: "gl-owner/shared" })).toHaveLength(0);
      expect(await activityOf(world, reporter.environment.id)).toMatchObject([{ repository: "gl-owner/shared", outcome: "failed", errorCode: "repository_permission_denied" }]);
    } finally {
      await disconnect(limited);
    }
  });

  it("refreshes an expiring OAuth token first, saving the rotated one at the plane", async () => {
    const { sandbox, database } = world;
    const endpoints = sandboxEndpoints(sandbox, "gitlab");
    const app = await sandbox.admin.registerOAuthApp({ provider: "gitlab", callbackUrls: [CALLBACK] });
    await sandbox.admin.setAutoApprove("gitlab", true);
    await sandbox.admin.createUser({ provider: "gitlab", login: "gl-oauth" });
    await sandbox.admin.signIn("gitlab", "gl-oauth");
    const { code, verifier } = await authorizeCode(endpoints, { client_id: app.clientId, scope: "api read_user" });
    const tokens = await providerClients.gitlab.exchangeCode({ endpoints, clientId: app.clientId, clientSecret: app.clientSecret, code, verifier, redirectUri: CALLBACK, signal: noDeadline() });
    const host = world.hosts.gitlab;
    await database.db
      .update(scmIntegrations)
      .set({
        oauthEnabled: true,
        oauthClientId: app.clientId,
        oauthClientSecretSealed: await seal(world.runner.keys.publicKey, { purpose: "oauth_client_secret", runnerId: world.runner.runnerId, host }, app.clientSecret),
        oauthSecretKeyId: world.runner.keyId,
      })
      .where(eq(scmIntegrations.id, world.integrationIds.gitlab));
    const added = await addEnvironment(world, { provider: "gitlab", login: "gl-oauth", repo: "app", token: tokens.accessToken, oauth: { refreshToken: tokens.refreshToken!, expiresAt: new Date(Date.now() + 60_000) } });
    const oauth = await connect(world, added.environment);
    try {
      const refreshes = sandbox.admin.tokenEndpointCounters().gitlab?.refresh_token ?? 0;
      const result = await oauth.call("create_issue", { title: "Made with a refreshed token" });
      expect(errorOf(result)).toBeNull();
      expect(sandbox.admin.tokenEndpointCounters().gitlab?.refresh_token).toBe(refreshes + 1);
      const [row] = await database.db.select().from(hostAuthTokens).where(eq(hostAuthTokens.userId, added.owner.userId));
      expect(row).toMatchObject({ generation: 2, needsReauthReason: null });
      expect(row!.expiresAt!.getTime()).toBeGreaterThan(Date.now() + 30 * 60_000);
      // GitLab rotates: the first access token is dead, so the issue was made with the new one.
      const reader = new Gitlab({ host: sandbox.urls.gitlab.web, token: (await sandbox.admin.issuePat({ provider: "gitlab", login: "gl-oauth" })).value });
      expect((await reader.Issues.all({ projectId: "gl-oauth/app" })).map((i) => (i.author as { username: string }).username)).toEqual(["gl-oauth"]);
    } finally {
      await disconnect(oauth);
    }
  });
});
