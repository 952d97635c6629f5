import { Gitlab } from "@gitbeaker/rest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSandbox, type Sandbox, type UserDto } from "../index";

let sandbox: Sandbox;
let owner: UserDto;
let reporter: UserDto;
const project = "gitlab-user/app";

/** The HTTP status a gitbeaker call failed with (GitbeakerRequestError keeps the response). */
async function statusOf(call: Promise<unknown>): Promise<number> {
  try {
    await call;
    return 200;
  } catch (error) {
    return (error as { cause?: { response?: Response } }).cause?.response?.status ?? -1;
  }
}

async function clientFor(login: string, scopes: string[] = ["api"]) {
  const token = await sandbox.admin.issuePat({ provider: "gitlab", login, scopes });
  return new Gitlab({ host: sandbox.urls.gitlab.web, token: token.value });
}

beforeAll(async () => {
  sandbox = await startSandbox();
  owner = await sandbox.admin.createUser({ provider: "gitlab", login: "gitlab-user" });
  reporter = await sandbox.admin.createUser({ provider: "gitlab", login: "reporter" });
  await sandbox.admin.createUser({ provider: "gitlab", login: "developer" });
  await sandbox.admin.createUser({ provider: "gitlab", login: "outsider" });
  await sandbox.admin.createRepo({
    provider: "gitlab",
    path: project,
    files: { "README.md": "# app\n" },
    branches: [{ name: "feature", files: { "README.md": "# app\n\nMore text.\n" } }],
    collaborators: [
      { login: "reporter", permission: "read" },
      { login: "developer", permission: "write" },
    ],
  });
});

afterAll(async () => {
  await sandbox?.close();
});

describe("gitbeaker against the GitLab host", () => {
  it("creates, reads and lists a merge request and starts a discussion on a diff line", async () => {
    const api = await clientFor("gitlab-user");
    const mr = await api.MergeRequests.create(project, "feature", "main", "Add feature", { description: "Please review" });
    expect(mr).toMatchObject({ iid: 1, state: "opened", source_branch: "feature", target_branch: "main" });
    const shown = await api.MergeRequests.show(project, mr.iid);
    expect(shown.title).toBe("Add feature");
    const listed = await api.MergeRequests.all({ projectId: project, state: "opened" });
    expect(listed.map((m) => m.iid)).toEqual([mr.iid]);

    const refs = shown.diff_refs as { base_sha: string; head_sha: string; start_sha: string };
    const discussion = await api.MergeRequestDiscussions.create(project, mr.iid, "Say more?", {
      position: { baseSha: refs.base_sha, startSha: refs.start_sha, headSha: refs.head_sha, positionType: "text", oldPath: "README.md", newPath: "README.md", newLine: "3" },
    });
    expect(discussion.notes?.[0]).toMatchObject({ type: "DiffNote", body: "Say more?", position: { new_path: "README.md", new_line: 3 } });
    const discussions = await api.MergeRequestDiscussions.all(project, mr.iid);
    expect(discussions.map((d) => d.id)).toEqual([discussion.id]);

    const wrongLine = api.MergeRequestDiscussions.create(project, mr.iid, "x", {
      position: { baseSha: refs.base_sha, startSha: refs.start_sha, headSha: refs.head_sha, positionType: "text", newPath: "README.md", newLine: "40" },
    });
    expect(await statusOf(wrongLine)).toBe(400);
    const note = await api.MergeRequestNotes.create(project, mr.iid, "General remark");
    expect(note.body).toBe("General remark");
  });

  it("creates an issue, updates its state, labels and assignees, lists it and comments", async () => {
    const api = await clientFor("gitlab-user");
    const issue = await api.Issues.create(project, "Crash on start", { description: "Steps...", labels: "bug", assigneeIds: [owner.id] });
    expect(issue).toMatchObject({ title: "Crash on start", state: "opened", labels: ["bug"], assignees: [{ username: "gitlab-user" }] });
    const closed = await api.Issues.edit(project, issue.iid, { stateEvent: "close", addLabels: "p1", assigneeIds: [reporter.id] });
    expect(closed).toMatchObject({ state: "closed", labels: ["bug", "p1"], assignees: [{ username: "reporter" }] });
    const listed = await api.Issues.all({ projectId: project, state: "closed", labels: "p1" });
    expect(listed.map((i) => i.iid)).toEqual([issue.iid]);
    const note = await api.IssueNotes.create(project, issue.iid, "Fixed in !1");
    expect(note.body).toBe("Fixed in !1");
    expect((await api.IssueNotes.all(project, issue.iid)).map((n) => n.body)).toEqual(["Fixed in !1"]);
  });
});

describe("user lookup", () => {
  it("GET /api/v4/users finds a user by exact username (any case) or by search, and answers [] for none", async () => {
    const api = await clientFor("gitlab-user", ["read_api"]);
    expect(await api.Users.all({ username: "Reporter", perPage: 1, maxPages: 1 })).toMatchObject([{ id: reporter.id, username: "reporter", state: "active" }]);
    expect(await api.Users.all({ username: "nobody", perPage: 1, maxPages: 1 })).toEqual([]);
    expect((await api.Users.all({ search: "velop", maxPages: 1 })).map((u) => u.username)).toEqual(["developer"]);
    const anonymous = await fetch(`${sandbox.urls.gitlab.web}/api/v4/users?username=reporter`);
    expect(anonymous.status).toBe(401);
  });
});

describe("merge request approvals", () => {
  type ApprovalState = { approved: boolean; user_has_approved: boolean; user_can_approve: boolean; approved_by: { user: { username: string } }[] };

  it("a Developer approves and unapproves; the author, a second approval, a Reporter and a stale SHA are refused", async () => {
    const author = await clientFor("gitlab-user");
    const developer = await clientFor("developer");
    const [mr] = await author.MergeRequests.all({ projectId: project, state: "opened" });
    const iid = mr!.iid;
    const stateFor = async (api: InstanceType<typeof Gitlab>) => (await api.MergeRequestApprovals.showConfiguration(project, { mergerequestIId: iid })) as unknown as ApprovalState;

    // By default GitLab prevents approval by the author: the approval service answers 401.
    expect(await stateFor(author)).toMatchObject({ approved: false, user_can_approve: false, user_has_approved: false });
    expect(await statusOf(author.MergeRequestApprovals.approve(project, iid))).toBe(401);
    expect(await statusOf((await clientFor("reporter")).MergeRequestApprovals.approve(project, iid))).toBe(403);
    expect(await stateFor(developer)).toMatchObject({ approved: false, user_can_approve: true });
    expect(await statusOf(developer.MergeRequestApprovals.approve(project, iid, { sha: "0".repeat(40) }))).toBe(409);

    const approved = (await developer.MergeRequestApprovals.approve(project, iid, { sha: mr!.sha as string })) as unknown as ApprovalState & { iid: number };
    expect(approved).toMatchObject({ iid, approved: true, user_has_approved: true, user_can_approve: false, approved_by: [{ user: { username: "developer" } }] });
    expect(await statusOf(developer.MergeRequestApprovals.approve(project, iid))).toBe(304);
    expect(await stateFor(author)).toMatchObject({ approved: true, user_has_approved: false, approved_by: [{ user: { username: "developer" } }] });

    await developer.MergeRequestApprovals.unapprove(project, iid);
    expect(await stateFor(developer)).toMatchObject({ approved: false, approved_by: [], user_can_approve: true });
    expect(await statusOf(developer.MergeRequestApprovals.unapprove(project, iid))).toBe(304);
    expect(await statusOf(developer.MergeRequestApprovals.approve(project, 999))).toBe(404);
  });
});

describe("GitLab permissions", () => {
  it("a Reporter may open issues but not merge requests (403)", async () => {
    const api = await clientFor("reporter");
    expect((await api.Issues.create(project, "Question")).state).toBe("opened");
    expect(await statusOf(api.MergeRequests.create(project, "feature", "main", "Mine"))).toBe(403);
  });

  it("a read_api token gets 403 insufficient_scope on writes; a stranger 404", async () => {
    const readOnly = await clientFor("gitlab-user", ["read_api"]);
    expect((await readOnly.Projects.show(project)).path_with_namespace).toBe(project);
    expect(await statusOf(readOnly.Issues.create(project, "x"))).toBe(403);
    const stranger = await clientFor("outsider");
    expect(await statusOf(stranger.Projects.show(project))).toBe(404);
    expect(await statusOf(stranger.Issues.create(project, "x"))).toBe(404);
  });
});
