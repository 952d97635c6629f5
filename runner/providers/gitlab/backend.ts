import { branchNotPushed, headBranch, listResult, type BackendContext, type IssueView, type PullRequestView, type ScmBackend } from "../../agent-tools/backend";
import { gitlabClient } from "./gitlab-client";
import { isToolFailure, ToolFailure } from "../../agent-tools/tool-error";

type Api = ReturnType<typeof gitlabClient>;

type GitlabMergeRequest = {
  iid: number;
  title: string;
  state: string;
  draft?: boolean;
  work_in_progress?: boolean;
  source_branch: string;
  target_branch: string;
  sha?: string | null;
  web_url: string;
  author?: { username?: string } | null;
  diff_refs?: { base_sha: string; head_sha: string; start_sha: string } | null;
};

function mergeRequestView(mr: GitlabMergeRequest): PullRequestView {
  return {
    number: mr.iid,
    title: mr.title,
    state: mr.state === "merged" ? "merged" : mr.state === "closed" ? "closed" : "open",
    draft: mr.draft ?? mr.work_in_progress ?? false,
    head: mr.source_branch,
    base: mr.target_branch,
    headSha: mr.sha ?? mr.diff_refs?.head_sha ?? null,
    author: mr.author?.username ?? null,
    url: mr.web_url,
  };
}

type GitlabIssue = {
  iid: number;
  title: string;
  state: string;
  web_url: string;
  labels?: (string | { name?: string })[];
  assignees?: { username?: string }[] | null;
  author?: { username?: string } | null;
};

function issueView(i: GitlabIssue): IssueView {
  return {
    number: i.iid,
    title: i.title,
    state: i.state === "closed" ? "closed" : "open",
    labels: (i.labels ?? []).map((l) => (typeof l === "string" ? l : (l.name ?? ""))).filter(Boolean),
    assignees: (i.assignees ?? []).map((a) => a.username ?? "").filter(Boolean),
    author: i.author?.username ?? null,
    url: i.web_url,
  };
}

function notEligibleToApprove(number: number): ToolFailure {
  return new ToolFailure(
    "validation_failed",
    `GitLab does not let the environment owner approve merge request !${number}: an author cannot approve their own merge request, and approving needs at least the Developer role.`,
    { fieldErrors: { event: ["Not eligible to approve this merge request; submit a COMMENT review instead."] } },
  );
}

/**
 * Approves a merge request. GitLab refuses an approver it finds ineligible (by default the merge
 * request's own author) with a bare 401, which read as a dead token would mark the owner's
 * connection revoked. So the approval state is read first with the same token: that refusal is
 * named for what it is, and an approval already given stands (approving again answers 304).
 */
async function approve(api: Api, ctx: BackendContext, number: number): Promise<void> {
  const state = (await api.MergeRequestApprovals.showConfiguration(ctx.repository, { mergerequestIId: number })) as unknown as {
    user_has_approved?: boolean;
    user_can_approve?: boolean;
  };
  if (state.user_has_approved) return;
  if (state.user_can_approve === false) throw notEligibleToApprove(number);
  try {
    await api.MergeRequestApprovals.approve(ctx.repository, number);
  } catch (e) {
    // The token was accepted a moment ago: a 401 now is the approval refused, not the token.
    if (isToolFailure(e) && e.code === "credential_needs_reauth") throw notEligibleToApprove(number);
    throw e;
  }
}

/** GitLab assigns by user id; the tools take user names, as people and models know them. */
async function userIds(api: Api, logins: string[] | undefined): Promise<number[] | undefined> {
  if (!logins) return undefined;
  const ids: number[] = [];
  for (const username of logins) {
    const [user] = (await api.Users.all({ username, perPage: 1, maxPages: 1 })) as { id: number }[];
    if (!user) throw new ToolFailure("validation_failed", `There is no GitLab user named "${username}".`, { fieldErrors: { assignees: [`Unknown user "${username}".`] } });
    ids.push(user.id);
  }
  return ids;
}

/** A link to a note, which GitLab's API does not return: its page plus the note's anchor. */
function noteUrl(pageUrl: string, noteId: number | string | undefined): string {
  return noteId === undefined ? pageUrl : `${pageUrl}#note_${noteId}`;
}

const itemPage = (ctx: BackendContext, kind: "issues" | "merge_requests", iid: number) => `${ctx.webUrl}/${ctx.repository}/-/${kind}/${iid}`;

/** GitLab (gitlab.com and self-managed) through `@gitbeaker/rest`: merge requests, issues, notes, discussions. */
export const gitlabBackend: ScmBackend = {
  async create_pull_request(ctx, input) {
    const api = gitlabClient(ctx);
    const head = await headBranch(ctx, input.head);
    // Reading the project first tells "no access" apart from "branch not pushed" below.
    const project = (await api.Projects.show(ctx.repository)) as { default_branch?: string };
    const base = input.base ?? project.default_branch ?? "main";
    if (head === base) throw new ToolFailure("validation_failed", `The head and base branches are both "${head}".`, { fieldErrors: { head: ["Must differ from base."] } });
    try {
      await api.Branches.show(ctx.repository, head);
    } catch (e) {
      if (isToolFailure(e) && e.code === "repository_permission_denied") throw branchNotPushed(ctx.host, head);
      throw e;
    }
    const title = input.draft && !/^draft:/i.test(input.title) ? `Draft: ${input.title}` : input.title;
    const mr = mergeRequestView((await api.MergeRequests.create(ctx.repository, head, base, title, { description: input.body })) as GitlabMergeRequest);
    return { text: `Opened merge request !${mr.number} "${mr.title}" (${mr.head} → ${mr.base}): ${mr.url}`, url: mr.url, data: { pullRequest: mr } };
  },

  async get_pull_request(ctx, input) {
    const raw = (await gitlabClient(ctx).MergeRequests.show(ctx.repository, input.number)) as GitlabMergeRequest & { description?: string | null };
    const mr = { ...mergeRequestView(raw), body: raw.description ?? "" };
    return { text: `Merge request !${mr.number} "${mr.title}" is ${mr.state} (${mr.head} → ${mr.base}, head ${mr.headSha}): ${mr.url}`, url: mr.url, data: { pullRequest: mr } };
  },

  async list_pull_requests(ctx, input) {
    const state = input.state === "open" ? "opened" : input.state === "all" ? undefined : input.state;
    const list = (await gitlabClient(ctx).MergeRequests.all({
      projectId: ctx.repository,
      state,
      sourceBranch: input.head,
      targetBranch: input.base,
      perPage: input.limit,
      maxPages: 1,
    })) as GitlabMergeRequest[];
    return listResult("pullRequests", list.map(mergeRequestView).slice(0, input.limit), "merge requests");
  },

  async create_issue(ctx, input) {
    const api = gitlabClient(ctx);
    const assigneeIds = await userIds(api, input.assignees);
    const issue = issueView((await api.Issues.create(ctx.repository, input.title, { description: input.body, labels: input.labels?.join(","), assigneeIds })) as GitlabIssue);
    return { text: `Created issue #${issue.number} "${issue.title}": ${issue.url}`, url: issue.url, data: { issue } };
  },

  async update_issue(ctx, input) {
    const api = gitlabClient(ctx);
    const assigneeIds = await userIds(api, input.assignees);
    const raw = await api.Issues.edit(ctx.repository, input.number, {
      title: input.title,
      description: input.body,
      stateEvent: input.state === "closed" ? "close" : input.state === "open" ? "reopen" : undefined,
      labels: input.labels?.join(","),
      // GitLab unassigns everyone with [0].
      assigneeIds: assigneeIds && assigneeIds.length === 0 ? [0] : assigneeIds,
    });
    const issue = issueView(raw as GitlabIssue);
    return { text: `Updated issue #${issue.number} "${issue.title}" (${issue.state}): ${issue.url}`, url: issue.url, data: { issue } };
  },

  async list_issues(ctx, input) {
    const list = (await gitlabClient(ctx).Issues.all({
      projectId: ctx.repository,
      state: input.state === "open" ? "opened" : input.state === "closed" ? "closed" : undefined,
      labels: input.labels?.join(","),
      perPage: input.limit,
      maxPages: 1,
    })) as GitlabIssue[];
    return listResult("issues", list.map(issueView).slice(0, input.limit), "issues");
  },

  async comment_on_issue(ctx, input) {
    const note = (await gitlabClient(ctx).IssueNotes.create(ctx.repository, input.number, input.body)) as { id: number; author?: { username?: string } };
    const comment = { id: String(note.id), url: noteUrl(itemPage(ctx, "issues", input.number), note.id), author: note.author?.username ?? null };
    return { text: `Commented on #${input.number}: ${comment.url}`, url: comment.url, data: { comment } };
  },

  async add_review_comment(ctx, input) {
    const api = gitlabClient(ctx);
    const mr = (await api.MergeRequests.show(ctx.repository, input.number)) as GitlabMergeRequest;
    const refs = mr.diff_refs;
    if (!refs) throw new ToolFailure("validation_failed", `Merge request !${input.number} has no diff to comment on yet.`);
    // A GitLab diff position is tied to one diff version: only the latest head is accepted here.
    if (input.commit && input.commit !== refs.head_sha) {
      throw new ToolFailure("validation_failed", `The commit is not merge request !${input.number}'s latest head (${refs.head_sha}).`, {
        fieldErrors: { commit: [`Use ${refs.head_sha}, or omit it.`] },
      });
    }
    const line = String(input.line);
    const position = {
      baseSha: refs.base_sha,
      startSha: refs.start_sha,
      headSha: refs.head_sha,
      positionType: "text" as const,
      oldPath: input.path,
      newPath: input.path,
      ...(input.side === "LEFT" ? { oldLine: line } : { newLine: line }),
    };
    const discussion = (await api.MergeRequestDiscussions.create(ctx.repository, input.number, input.body, { position })) as {
      id: string;
      notes?: { id: number; author?: { username?: string } }[];
    };
    const note = discussion.notes?.[0];
    const comment = { id: String(note?.id ?? discussion.id), url: noteUrl(mr.web_url, note?.id), path: input.path, line: input.line, side: input.side, commit: refs.head_sha, author: note?.author?.username ?? null };
    return { text: `Commented on ${comment.path}:${comment.line} (${comment.side}) in merge request !${input.number}: ${comment.url}`, url: comment.url, data: { comment } };
  },

  async submit_review(ctx, input) {
    const api = gitlabClient(ctx);
    const page = itemPage(ctx, "merge_requests", input.number);
    if (input.event === "APPROVE") await approve(api, ctx, input.number);
    let noteId: number | undefined;
    if (input.body) noteId = ((await api.MergeRequestNotes.create(ctx.repository, input.number, input.body)) as { id: number }).id;
    const review = { id: noteId === undefined ? null : String(noteId), state: input.event === "APPROVE" ? "APPROVED" : "COMMENTED", url: noteUrl(page, noteId) };
    return { text: `Submitted a ${input.event} review on merge request !${input.number}: ${review.url}`, url: review.url, data: { review } };
  },
};
