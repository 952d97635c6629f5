import type { ScmBackend } from "../../agent-tools/backend";
import { gitlabClient } from "./gitlab-client";
import { offsetPage, readPage } from "./paging";
import { userIds } from "./users";
import { isConversationNote, issueDetail, issueItem, itemPage, noteComment, noteUrl, type GitlabIssue, type GitlabNote } from "./views";

type IssueTools = "create_issue" | "get_issue" | "list_issue_comments" | "update_issue" | "list_issues" | "search_issues" | "comment_on_issue";

type Api = ReturnType<typeof gitlabClient>;

/** The tools' states as GitLab's `state` filter names them. */
const stateFilter = (state: "open" | "closed" | "all") => (state === "open" ? "opened" : state === "closed" ? "closed" : undefined);

/** An issue's comments from `cursor` on, oldest first, without GitLab's system notes ("closed", "changed the title"). */
function issueNotes(api: Api, repository: string, iid: number, cursor: string | undefined, limit: number) {
  return readPage({
    cursor,
    limit,
    keep: (n: GitlabNote) => isConversationNote(n),
    fetch: async (page, perPage) => offsetPage(await api.IssueNotes.all(repository, iid, { sort: "asc", orderBy: "created_at", page, perPage, pagination: "offset", showExpanded: true })),
  });
}

/** Issues: open, read with their comments, list, search, update and comment. */
export const issueTools = {
  async create_issue(ctx, input) {
    const api = gitlabClient(ctx);
    const assigneeIds = await userIds(api, input.assignees, "assignees");
    const issue = issueItem((await api.Issues.create(ctx.repository, input.title, { description: input.body, labels: input.labels?.join(","), assigneeIds })) as GitlabIssue);
    return { url: issue.url, data: { issue } };
  },

  async get_issue(ctx, input) {
    const api = gitlabClient(ctx);
    const issue = issueDetail((await api.Issues.show(input.number, { projectId: ctx.repository })) as GitlabIssue);
    const notes = await issueNotes(api, ctx.repository, input.number, undefined, input.commentLimit);
    return {
      url: issue.url,
      data: { issue, comments: (notes.items as GitlabNote[]).map((n) => noteComment(issue.url, n)), commentsHasMore: notes.hasMore, commentsNextCursor: notes.nextCursor },
    };
  },

  async list_issue_comments(ctx, input) {
    const api = gitlabClient(ctx);
    const page = await issueNotes(api, ctx.repository, input.number, input.cursor, input.limit);
    const url = itemPage(ctx, "issues", input.number);
    return { url: null, data: { comments: (page.items as GitlabNote[]).map((n) => noteComment(url, n)), hasMore: page.hasMore, nextCursor: page.nextCursor } };
  },

  async update_issue(ctx, input) {
    const api = gitlabClient(ctx);
    const assigneeIds = await userIds(api, input.assignees, "assignees");
    const raw = await api.Issues.edit(ctx.repository, input.number, {
      title: input.title,
      description: input.body,
      stateEvent: input.state === "closed" ? "close" : input.state === "open" ? "reopen" : undefined,
      labels: input.labels?.join(","),
      // GitLab unassigns everyone with [0].
      assigneeIds: assigneeIds && assigneeIds.length === 0 ? [0] : assigneeIds,
    });
    const issue = issueItem(raw as GitlabIssue);
    const dropped = (input.assignees ?? []).filter((a) => !issue.assignees.some((x) => x.toLowerCase() === a.toLowerCase()));
    const notes = dropped.length ? [`GitLab did not assign ${dropped.join(", ")}: only members of the project can be assigned.`] : undefined;
    return { url: issue.url, data: { issue, ...(notes ? { notes } : {}) } };
  },

  async list_issues(ctx, input) {
    const api = gitlabClient(ctx);
    const page = await readPage({
      cursor: input.cursor,
      limit: input.limit,
      fetch: async (p, perPage) =>
        offsetPage(
          await api.Issues.all({ projectId: ctx.repository, state: stateFilter(input.state), labels: input.labels?.join(","), orderBy: "created_at", sort: "desc", page: p, perPage, pagination: "offset", showExpanded: true }),
        ),
    });
    return { url: null, data: { issues: (page.items as GitlabIssue[]).map(issueItem), hasMore: page.hasMore, nextCursor: page.nextCursor } };
  },

  async search_issues(ctx, input) {
    const api = gitlabClient(ctx);
    const page = await readPage({
      cursor: input.cursor,
      limit: input.limit,
      fetch: async (p, perPage) =>
        offsetPage(await api.Issues.all({ projectId: ctx.repository, search: input.query, state: stateFilter(input.state), orderBy: "created_at", sort: "desc", page: p, perPage, pagination: "offset", showExpanded: true })),
    });
    return { url: null, data: { issues: (page.items as GitlabIssue[]).map(issueItem), hasMore: page.hasMore, nextCursor: page.nextCursor } };
  },

  async comment_on_issue(ctx, input) {
    const note = (await gitlabClient(ctx).IssueNotes.create(ctx.repository, input.number, input.body)) as GitlabNote;
    const comment = { id: String(note.id), url: noteUrl(itemPage(ctx, "issues", input.number), note.id), author: note.author?.username ?? null };
    return { url: comment.url, data: { comment } };
  },
} satisfies Pick<ScmBackend, IssueTools>;
