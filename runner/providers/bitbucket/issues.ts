import type { ScmBackend } from "../../agent-tools/backend";
import { ToolFailure } from "../../agent-tools/tool-error";
import { bbqlString, bitbucketApi, positionOf, readAll, readPage, repoPath, type BitbucketApi } from "./api";
import { made } from "./review-comments";
import { uuidsOf } from "./repository-tools";
import { CLOSED_ISSUE_STATES, commentItem, issueDetail, issueItem, OPEN_ISSUE_STATES } from "./views";

/**
 * Issues on Bitbucket Cloud (`/repositories/{workspace}/{repo_slug}/issues`, where the repository's
 * issue tracker is on). Bitbucket issues have no labels and one assignee: a label given is set as
 * the issue's component (one at most, from the tracker's components), and more than one label or
 * assignee is refused in words before anything is sent. Closing sets the state `resolved`,
 * reopening `open`.
 */

type Json = Record<string, unknown>;

const COMPONENT_NOTE = "Bitbucket issues have no labels: the label was set as the issue's component.";

function stateQuery(state: "open" | "closed" | "all"): string | null {
  if (state === "all") return null;
  const states = state === "open" ? OPEN_ISSUE_STATES : CLOSED_ISSUE_STATES;
  return `(${states.map((s) => `state = ${bbqlString(s)}`).join(" OR ")})`;
}

function atMostOne(values: string[] | undefined, field: "labels" | "assignees"): string | null | undefined {
  if (values === undefined) return undefined;
  if (values.length > 1) {
    const message =
      field === "labels"
        ? "Bitbucket issues have no labels; the tools set a label as the issue's component, and an issue has one component at most. Give one label (or none)."
        : "A Bitbucket issue has one assignee at most. Give one user name (or none).";
    throw new ToolFailure("validation_failed", `${message} Nothing was sent to Bitbucket.`, { fieldErrors: { [field]: [message] } });
  }
  return values[0] ?? null;
}

/** The `component` field for a label, checked against the tracker's components. */
async function componentFor(api: BitbucketApi, label: string | null): Promise<Json | null> {
  if (label === null) return null;
  const { values } = await readAll(api, `${repoPath(api.ctx)}/components`);
  const names = values.map((c) => String(c.name ?? ""));
  const name = names.find((n) => n.toLowerCase() === label.toLowerCase());
  if (!name) {
    const message = `"${label.slice(0, 64)}" is not a component of this repository's issue tracker (Bitbucket's stand-in for labels; list_labels lists them${names.length ? `: ${names.slice(0, 10).join(", ")}` : ", and there are none"}).`;
    throw new ToolFailure("validation_failed", `${message} Nothing was sent to Bitbucket.`, { fieldErrors: { labels: [message] } });
  }
  return { name };
}

async function assigneeFor(api: BitbucketApi, login: string | null): Promise<Json | null> {
  if (login === null) return null;
  const [uuid] = await uuidsOf(api, [login], "assignees");
  return { uuid };
}

const issuePath = (api: BitbucketApi, n: number) => `${repoPath(api.ctx)}/issues/${n}`;

async function listed(api: BitbucketApi, q: (string | null)[], input: { limit: number; cursor?: string }, notes?: string[]) {
  const terms = q.filter((t): t is string => t !== null);
  const page = await readPage(api, `${repoPath(api.ctx)}/issues`, { q: terms.length ? terms.join(" AND ") : undefined, sort: "-id" }, positionOf(input.cursor, input.limit));
  return { url: null, data: { issues: page.values.map(issueItem), hasMore: page.hasMore, nextCursor: page.nextCursor, ...(notes ? { notes } : {}) } };
}

export const issueTools = {
  create_issue: async (ctx, input) => {
    const api = bitbucketApi(ctx);
    const label = atMostOne(input.labels, "labels");
    const login = atMostOne(input.assignees, "assignees");
    const component = await componentFor(api, label ?? null);
    const assignee = await assigneeFor(api, login ?? null);
    const issue = issueItem(
      (await api.send("POST", `${repoPath(ctx)}/issues`, {
        title: input.title,
        content: { raw: input.body ?? "" },
        ...(component ? { component } : {}),
        ...(assignee ? { assignee } : {}),
      })) ?? {},
    );
    return { url: issue.url, data: { issue, ...(component ? { notes: [COMPONENT_NOTE] } : {}) } };
  },

  get_issue: async (ctx, input) => {
    const api = bitbucketApi(ctx);
    const issue = issueDetail(await api.get(issuePath(api, input.number)));
    // With commentLimit 0, one comment is read only to tell whether there are any.
    const page = await readPage(api, `${issuePath(api, input.number)}/comments`, { sort: "id" }, positionOf(undefined, Math.max(1, input.commentLimit)));
    const comments = page.values.slice(0, input.commentLimit).map(commentItem);
    const more = input.commentLimit === 0 ? page.values.length > 0 : page.hasMore;
    const next = input.commentLimit === 0 ? "1:30" : page.nextCursor;
    return { url: issue.url, data: { issue, comments, commentsHasMore: more, commentsNextCursor: more ? next : null } };
  },

  list_issue_comments: async (ctx, input) => {
    const api = bitbucketApi(ctx);
    const page = await readPage(api, `${issuePath(api, input.number)}/comments`, { sort: "id" }, positionOf(input.cursor, input.limit));
    return { url: null, data: { comments: page.values.map(commentItem), hasMore: page.hasMore, nextCursor: page.nextCursor } };
  },

  update_issue: async (ctx, input) => {
    const api = bitbucketApi(ctx);
    const label = atMostOne(input.labels, "labels");
    const login = atMostOne(input.assignees, "assignees");
    const fields: Json = {};
    const notes: string[] = [];
    if (input.title !== undefined) fields.title = input.title;
    if (input.body !== undefined) fields.content = { raw: input.body };
    if (label !== undefined) {
      fields.component = await componentFor(api, label);
      if (label !== null) notes.push(COMPONENT_NOTE);
    }
    if (login !== undefined) fields.assignee = await assigneeFor(api, login);
    if (input.state !== undefined) {
      const current = String((await api.get(issuePath(api, input.number))).state);
      const open = OPEN_ISSUE_STATES.includes(current);
      if (input.state === "closed" && open) {
        fields.state = "resolved";
        notes.push('Closed as Bitbucket\'s "resolved" state.');
      } else if (input.state === "open" && !open) fields.state = "open";
      else notes.push(`The issue was already ${input.state} (Bitbucket state "${current}").`);
    }
    const issue = issueItem((await api.send("PUT", issuePath(api, input.number), fields)) ?? {});
    return { url: issue.url, data: { issue, ...(notes.length ? { notes } : {}) } };
  },

  list_issues: async (ctx, input) => {
    const label = input.labels?.length ? input.labels : null;
    if (label && label.length > 1) {
      const note = "Bitbucket issues have no labels; the tools read them as the issue's component, of which an issue has one: no issue has all of these.";
      return { url: null, data: { issues: [], hasMore: false, nextCursor: null, notes: [note] } };
    }
    const component = label ? `component.name = ${bbqlString(label[0]!)}` : null;
    return listed(bitbucketApi(ctx), [stateQuery(input.state), component], input, label ? ["Bitbucket issues have no labels: the label was matched against the issue's component."] : undefined);
  },

  search_issues: async (ctx, input) => {
    const words = bbqlString(input.query);
    return listed(bitbucketApi(ctx), [`(title ~ ${words} OR content.raw ~ ${words})`, stateQuery(input.state)], input);
  },

  comment_on_issue: async (ctx, input) => {
    const api = bitbucketApi(ctx);
    const comment = made(await api.send("POST", `${issuePath(api, input.number)}/comments`, { content: { raw: input.body } }));
    return { url: comment.url, data: { comment } };
  },
} satisfies Pick<ScmBackend, "create_issue" | "get_issue" | "list_issue_comments" | "update_issue" | "list_issues" | "search_issues" | "comment_on_issue">;
