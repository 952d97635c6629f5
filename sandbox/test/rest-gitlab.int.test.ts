import { Gitlab } from "@gitbeaker/rest";
import { writeFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSandbox, type Sandbox, type UserDto } from "../index";
import { GitClient } from "./support/git-client";

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
    // GitLab wrote its own note when the issue was closed; the listing is newest first by default.
    expect((await api.IssueNotes.all(project, issue.iid)).map((n) => [n.body, n.system])).toEqual([
      ["Fixed in !1", false],
      ["closed", true],
    ]);
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

describe("what the agent tools read and do on a merge request", () => {
  const ci = "gitlab-user/ci";
  let git: GitClient;
  let iid: number;
  let headSha: string;

  type Refs = { base_sha: string; head_sha: string; start_sha: string };
  const positionOn = (refs: Refs, line: number, side: "new" | "old" = "new") => ({
    baseSha: refs.base_sha,
    startSha: refs.start_sha,
    headSha: refs.head_sha,
    positionType: "text" as const,
    oldPath: "README.md",
    newPath: "README.md",
    ...(side === "new" ? { newLine: String(line) } : { oldLine: String(line) }),
  });

  beforeAll(async () => {
    await sandbox.admin.createRepo({
      provider: "gitlab",
      path: ci,
      files: { "README.md": "# ci\n\nOne.\nTwo.\n", "old.txt": "old\n", "gone.txt": "bye\n" },
      collaborators: [
        { login: "reporter", permission: "read" },
        { login: "developer", permission: "write" },
      ],
    });
    // A branch that adds, changes, deletes and renames files, pushed with git itself.
    git = await GitClient.create();
    const token = (await sandbox.admin.issuePat({ provider: "gitlab", login: "gitlab-user" })).value;
    const credentials = { username: "gitlab-user", password: token };
    const work = git.workdir("ci");
    expect((await git.run(["clone", "--quiet", `${sandbox.urls.gitlab.web}/${ci}.git`, work], { credentials })).code).toBe(0);
    await git.run(["checkout", "--quiet", "-b", "topic"], { cwd: work });
    await writeFile(path.join(work, "README.md"), "# ci\n\nOne, changed.\nTwo.\nThree.\n");
    await writeFile(path.join(work, "new.txt"), "new\n");
    await git.run(["rm", "--quiet", "gone.txt"], { cwd: work });
    await git.run(["mv", "old.txt", "renamed.txt"], { cwd: work });
    await git.run(["add", "-A"], { cwd: work });
    await git.run(["commit", "--quiet", "-m", "Topic"], { cwd: work });
    expect((await git.run(["push", "--quiet", "origin", "topic"], { cwd: work, credentials })).code).toBe(0);
    const api = await clientFor("gitlab-user");
    const mr = await api.MergeRequests.create(ci, "topic", "main", "Topic work", { description: "Adds a third line" });
    iid = mr.iid;
    headSha = mr.sha as string;
  });
  afterAll(async () => {
    await git?.dispose();
  });

  it("lists the changed files from git: added, modified, deleted and renamed, with GitLab's diff text, paged", async () => {
    const api = await clientFor("reporter", ["read_api"]);
    const diffs = await api.MergeRequests.allDiffs(ci, iid);
    const byPath = Object.fromEntries(diffs.map((d) => [d.new_path, d]));
    expect(Object.keys(byPath).sort()).toEqual(["README.md", "gone.txt", "new.txt", "renamed.txt"]);
    expect(byPath["new.txt"]).toMatchObject({ new_file: true, deleted_file: false, renamed_file: false, a_mode: "0", b_mode: "100644", diff: "@@ -0,0 +1 @@\n+new\n" });
    expect(byPath["gone.txt"]).toMatchObject({ deleted_file: true, b_mode: "0", diff: "@@ -1 +0,0 @@\n-bye\n" });
    expect(byPath["renamed.txt"]).toMatchObject({ renamed_file: true, old_path: "old.txt", diff: "" });
    expect(byPath["README.md"]?.diff).toMatch(/^@@ -1,4 \+1,5 @@\n # ci\n \n-One\.\n\+One, changed\.\n Two\.\n\+Three\.\n$/);
    const first = await api.MergeRequests.allDiffs(ci, iid, { page: 1, perPage: 3, showExpanded: true, pagination: "offset" });
    expect(first.data).toHaveLength(3);
    expect(first.paginationInfo).toMatchObject({ next: 2, total: 4 });
  });

  it("updates a merge request's target branch, draft status by title and reviewers, and lists the reviewers with their states", async () => {
    const api = await clientFor("gitlab-user");
    const edited = await api.MergeRequests.edit(ci, iid, { title: "Draft: Topic work", reviewerIds: [reporter.id, 999_999] });
    expect(edited).toMatchObject({ title: "Draft: Topic work", draft: true, reviewers: [{ username: "reporter" }] });
    const ready = await api.MergeRequests.edit(ci, iid, { title: "Topic work" });
    expect(ready).toMatchObject({ draft: false, reviewers: [{ username: "reporter" }] });
    expect(await statusOf(api.MergeRequests.edit(ci, iid, { targetBranch: "nowhere" }))).toBe(422);
    const reviewers = (await api.MergeRequests.requester.get(`projects/${encodeURIComponent(ci)}/merge_requests/${iid}/reviewers`)).body;
    expect(reviewers).toMatchObject([{ user: { username: "reporter" }, state: "unreviewed" }]);
    expect(await statusOf((await clientFor("reporter")).MergeRequests.edit(ci, iid, { title: "Mine" }))).toBe(403);
    // Changing the title wrote system notes, which a search does not care about.
    const notes = await api.MergeRequestNotes.all(ci, iid, { sort: "asc" });
    expect(notes.filter((n) => n.system).map((n) => n.body)).toEqual(["changed title from **Topic work** to **Draft: Topic work**", "changed title from **Draft: Topic work** to **Topic work**"]);
    expect((await api.MergeRequests.all({ projectId: ci, search: "third line" })).map((m) => m.iid)).toEqual([iid]);
    expect(await api.MergeRequests.all({ projectId: ci, search: "fourth line" })).toEqual([]);
  });

  it("a Reporter replies to a diff discussion but may not resolve it; a Developer resolves and unresolves it", async () => {
    const author = await clientFor("gitlab-user");
    const refs = (await author.MergeRequests.show(ci, iid)).diff_refs as Refs;
    const started = await author.MergeRequestDiscussions.create(ci, iid, "Why changed?", { position: positionOn(refs, 3) });
    const reporterApi = await clientFor("reporter");
    const reply = await reporterApi.MergeRequestDiscussions.addNote(ci, iid, started.id, "Because.");
    expect(reply).toMatchObject({ body: "Because.", type: "DiffNote", resolvable: true, resolved: false, author: { username: "reporter" } });
    expect(await statusOf(reporterApi.MergeRequestDiscussions.resolve(ci, iid, started.id, true))).toBe(403);
    const developer = await clientFor("developer");
    const resolved = await developer.MergeRequestDiscussions.resolve(ci, iid, started.id, true);
    expect(resolved.notes?.map((n) => [n.body, n.resolved, (n.resolved_by as { username: string } | null)?.username])).toEqual([
      ["Why changed?", true, "developer"],
      ["Because.", true, "developer"],
    ]);
    expect((await developer.MergeRequestDiscussions.resolve(ci, iid, started.id, false)).notes?.[0]).toMatchObject({ resolved: false, resolved_by: null });
    // A general comment is not a resolvable thread; an unknown discussion is not found.
    const general = await author.MergeRequestDiscussions.create(ci, iid, "General");
    expect(await statusOf(developer.MergeRequestDiscussions.resolve(ci, iid, general.id, true))).toBe(403);
    expect(await statusOf(developer.MergeRequestDiscussions.addNote(ci, iid, "0".repeat(40), "x"))).toBe(404);
  });

  it("draft notes stay their author's until published together; a position off the diff is refused", async () => {
    const reviewerApi = await clientFor("reporter");
    const refs = (await reviewerApi.MergeRequests.show(ci, iid)).diff_refs as Refs;
    const before = (await reviewerApi.MergeRequestDiscussions.all(ci, iid)).length;
    const summary = await reviewerApi.MergeRequestDraftNotes.create(ci, iid, "Overall fine.");
    const inline = await reviewerApi.MergeRequestDraftNotes.create(ci, iid, "Typo here?", { position: positionOn(refs, 3) });
    expect(inline).toMatchObject({ note: "Typo here?", position: { new_path: "README.md", new_line: 3 } });
    const dropped = await reviewerApi.MergeRequestDraftNotes.create(ci, iid, "Never mind.", { position: positionOn(refs, 3, "old") });
    expect(await statusOf(reviewerApi.MergeRequestDraftNotes.create(ci, iid, "Off the diff", { position: positionOn(refs, 40) }))).toBe(400);
    await reviewerApi.MergeRequestDraftNotes.remove(ci, iid, dropped.id);
    expect((await reviewerApi.MergeRequestDraftNotes.all(ci, iid)).map((d) => d.id)).toEqual([summary.id, inline.id]);
    expect(await (await clientFor("gitlab-user")).MergeRequestDraftNotes.all(ci, iid)).toEqual([]);
    expect((await reviewerApi.MergeRequestDiscussions.all(ci, iid)).length).toBe(before);

    await reviewerApi.MergeRequestDraftNotes.publishBulk(ci, iid);
    expect(await reviewerApi.MergeRequestDraftNotes.all(ci, iid)).toEqual([]);
    const discussions = (await reviewerApi.MergeRequestDiscussions.all(ci, iid)).slice(before);
    expect(discussions.map((d) => [d.notes?.[0]?.body, d.notes?.[0]?.type])).toEqual([
      ["Overall fine.", "DiscussionNote"],
      ["Typo here?", "DiffNote"],
    ]);
    // Publishing a review marks the reviewer's review done.
    const reviewers = (await reviewerApi.MergeRequests.requester.get(`projects/${encodeURIComponent(ci)}/merge_requests/${iid}/reviewers`)).body;
    expect(reviewers).toMatchObject([{ user: { username: "reporter" }, state: "reviewed" }]);
  });

  it("pipelines and jobs from the admin API, external statuses from a Developer; the commit lists both", async () => {
    const pipeline = await sandbox.admin.createGitlabPipeline({ project: ci, ref: "topic", jobs: [{ name: "unit", status: "running" }, { name: "lint", stage: "lint", status: "success" }] });
    expect(pipeline).toMatchObject({ sha: headSha, ref: "topic", status: "running" });
    const api = await clientFor("reporter", ["read_api"]);
    expect(await api.MergeRequests.allPipelines(ci, iid)).toMatchObject([{ id: pipeline.id, sha: headSha, status: "running", source: "push" }]);
    const jobs = await api.Jobs.all(ci, { pipelineId: pipeline.id });
    expect(jobs.map((j) => [j.name, j.stage, j.status])).toEqual([
      ["lint", "lint", "success"],
      ["unit", "test", "running"],
    ]);

    const unit = pipeline.jobs.find((j) => j.name === "unit")!;
    expect(await sandbox.admin.updateGitlabJob(unit.id, { status: "failed" })).toMatchObject({ status: "failed", pipelineStatus: "failed" });
    expect(await sandbox.admin.updateGitlabJob(unit.id, { status: "success" })).toMatchObject({ pipelineStatus: "success" });

    const developer = await clientFor("developer");
    const posted = await developer.Commits.editStatus(ci, headSha, "running", { name: "external/ci", targetUrl: "https://ci.example.test/1", description: "Building" });
    expect(posted).toMatchObject({ name: "external/ci", status: "running", ref: "topic", target_url: "https://ci.example.test/1" });
    expect(await statusOf(developer.Commits.editStatus(ci, headSha, "running", { name: "external/ci" }))).toBe(400);
    expect(await statusOf((await clientFor("reporter")).Commits.editStatus(ci, headSha, "success", { name: "x" }))).toBe(403);
    expect(await statusOf(developer.Commits.editStatus(ci, "f".repeat(40), "success"))).toBe(404);
    await developer.Commits.editStatus(ci, headSha, "success", { name: "external/ci" });

    const statuses = await api.Commits.allStatuses(ci, headSha);
    expect(statuses.map((s) => [s.name, s.status, s.pipeline_id === pipeline.id])).toEqual([
      ["unit", "success", true],
      ["lint", "success", true],
      ["external/ci", "success", true],
    ]);
  });

  it("lists labels (made when first used) and the members who can be assigned", async () => {
    const api = await clientFor("gitlab-user");
    await api.Issues.create(ci, "Labelled", { labels: "bug,ux" });
    await api.ProjectLabels.create(ci, "docs", "#00ff00", { description: "Documentation" });
    expect(await statusOf(api.ProjectLabels.create(ci, "Docs", "#00ff00"))).toBe(409);
    const labels = await (await clientFor("reporter", ["read_api"])).ProjectLabels.all(ci);
    expect(labels.map((l) => [l.name, l.description, l.open_issues_count])).toEqual([
      ["bug", null, 1],
      ["docs", "Documentation", 0],
      ["ux", null, 1],
    ]);
    const members = await api.ProjectMembers.all(ci, { includeInherited: true });
    expect(members.map((m) => [m.username, m.access_level])).toEqual([
      ["gitlab-user", 50],
      ["reporter", 20],
      ["developer", 30],
    ]);
    expect((await api.ProjectMembers.all(ci, { includeInherited: true, query: "dev" })).map((m) => m.username)).toEqual(["developer"]);
    expect(await statusOf((await clientFor("outsider")).ProjectMembers.all(ci, { includeInherited: true }))).toBe(404);
  });
});
