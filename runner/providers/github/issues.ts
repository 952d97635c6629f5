import type { ScmBackend } from "../../agent-tools/backend";
import { ToolFailure } from "../../agent-tools/tool-error";
import { call, client, ownerAndName } from "./octokit";
import { linksNext, positionAfter, readPage } from "./paging";
import { commentView, issueDetail, issueView, madeComment, type GithubIssue } from "./views";
import { searchWords } from "./search-query";

export const createIssue: ScmBackend["create_issue"] = async (ctx, input) => {
  const { data } = await call(ctx, () => client(ctx).rest.issues.create({ ...ownerAndName(ctx), title: input.title, body: input.body, labels: input.labels, assignees: input.assignees }));
  const issue = issueView(data);
  return { url: issue.url, data: { issue } };
};

/** GitHub's issue endpoints answer for pull requests too; the issue tools keep them apart. */
function notAnIssue(ctx: { repository: string }, n: number): ToolFailure {
  return new ToolFailure("scm_item_not_found", `#${n} in ${ctx.repository} is a pull request, not an issue: use get_pull_request or list_pull_request_comments for it. Nothing was changed.`);
}

export const getIssue: ScmBackend["get_issue"] = async (ctx, input) => {
  const octokit = client(ctx);
  const where = { ...ownerAndName(ctx), issue_number: input.number };
  const { data } = await call(ctx, () => octokit.rest.issues.get(where));
  if ((data as GithubIssue).pull_request) throw notAnIssue(ctx, input.number);
  const issue = issueDetail(data);
  const comments = input.commentLimit > 0 ? (await call(ctx, () => octokit.rest.issues.listComments({ ...where, per_page: input.commentLimit, page: 1 }))).data.map(commentView) : [];
  const more = data.comments > comments.length;
  return { url: issue.url, data: { issue, comments, commentsHasMore: more, commentsNextCursor: more ? positionAfter(comments.length) : null } };
};

export const listIssueComments: ScmBackend["list_issue_comments"] = async (ctx, input) => {
  const octokit = client(ctx);
  const page = await readPage({
    cursor: input.cursor,
    limit: input.limit,
    fetch: async (page, perPage) => {
      const answer = await call(ctx, () => octokit.rest.issues.listComments({ ...ownerAndName(ctx), issue_number: input.number, per_page: perPage, page }));
      return { items: answer.data.map(commentView), hasNext: linksNext(answer.headers.link) };
    },
  });
  return { url: null, data: { comments: page.items, hasMore: page.hasMore, nextCursor: page.nextCursor } };
};

export const updateIssue: ScmBackend["update_issue"] = async (ctx, input) => {
  const { data } = await call(ctx, () =>
    client(ctx).rest.issues.update({ ...ownerAndName(ctx), issue_number: input.number, title: input.title, body: input.body, state: input.state, labels: input.labels, assignees: input.assignees }),
  );
  const issue = issueView(data);
  const notes: string[] = [];
  // GitHub drops labels and assignees set by someone without push access, without an error.
  if (input.labels && input.labels.some((l) => !issue.labels.includes(l))) notes.push("GitHub did not set every label given (setting labels needs push access).");
  if (input.assignees && input.assignees.some((a) => !issue.assignees.some((x) => x.toLowerCase() === a.toLowerCase()))) notes.push("GitHub did not assign everyone given (assigning needs push access).");
  return { url: issue.url, data: { issue, ...(notes.length ? { notes } : {}) } };
};

export const listIssues: ScmBackend["list_issues"] = async (ctx, input) => {
  const octokit = client(ctx);
  // GitHub's issue list includes pull requests, which the tools keep apart.
  const page = await readPage<GithubIssue>({
    cursor: input.cursor,
    limit: input.limit,
    fetch: async (page, perPage) => {
      const answer = await call(ctx, () =>
        octokit.rest.issues.listForRepo({ ...ownerAndName(ctx), state: input.state, labels: input.labels?.join(","), sort: "created", direction: "desc", per_page: perPage, page }),
      );
      return { items: answer.data, hasNext: linksNext(answer.headers.link) };
    },
    keep: (i) => !i.pull_request,
  });
  return { url: null, data: { issues: page.items.map(issueView), hasMore: page.hasMore, nextCursor: page.nextCursor } };
};

const ISSUE_STATE: Record<"open" | "closed" | "all", string> = { open: "is:open", closed: "is:closed", all: "" };

export const searchIssues: ScmBackend["search_issues"] = async (ctx, input) => {
  const octokit = client(ctx);
  const { words, notes } = searchWords(input.query);
  const q = `repo:${ctx.repository} is:issue ${ISSUE_STATE[input.state]} ${words}`.replace(/\s+/g, " ");
  const page = await readPage({
    cursor: input.cursor,
    limit: input.limit,
    fetch: async (page, perPage) => {
      const answer = await call(ctx, () => octokit.rest.search.issuesAndPullRequests({ q, sort: "created", order: "desc", per_page: perPage, page }));
      return { items: answer.data.items.map((i) => issueView(i as GithubIssue)), hasNext: linksNext(answer.headers.link) };
    },
  });
  return { url: null, data: { issues: page.items, hasMore: page.hasMore, nextCursor: page.nextCursor, ...(notes.length ? { notes } : {}) } };
};

export const commentOnIssue: ScmBackend["comment_on_issue"] = async (ctx, input) => {
  const { data } = await call(ctx, () => client(ctx).rest.issues.createComment({ ...ownerAndName(ctx), issue_number: input.number, body: input.body }));
  const comment = madeComment(data);
  return { url: comment.url, data: { comment } };
};
