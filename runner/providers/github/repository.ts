import type { BackendContext, ScmBackend } from "../../agent-tools/backend";
import { call, client, ownerAndName, statusOf } from "./octokit";
import { linksNext, readPage } from "./paging";

export const getMe: ScmBackend["get_me"] = async (ctx) => {
  const { data } = await call(ctx, () => client(ctx).rest.users.getAuthenticated());
  return { url: data.html_url, data: { user: { login: data.login, name: data.name ?? null, url: data.html_url } } };
};

export const listLabels: ScmBackend["list_labels"] = async (ctx, input) => {
  const octokit = client(ctx);
  const page = await readPage({
    cursor: input.cursor,
    limit: input.limit,
    fetch: async (page, perPage) => {
      const answer = await call(ctx, () => octokit.rest.issues.listLabelsForRepo({ ...ownerAndName(ctx), per_page: perPage, page }));
      return { items: answer.data.map((l) => ({ name: l.name, description: l.description ?? null, color: l.color ?? null })), hasNext: linksNext(answer.headers.link) };
    },
  });
  return { url: null, data: { labels: page.items, hasMore: page.hasMore, nextCursor: page.nextCursor } };
};

export const listAssignableUsers: ScmBackend["list_assignable_users"] = async (ctx, input) => {
  const octokit = client(ctx);
  const wanted = input.query?.toLowerCase();
  // GitHub's assignee list has no search: a query filters the pages as they are read.
  const page = await readPage({
    cursor: input.cursor,
    limit: input.limit,
    fetch: async (page, perPage) => {
      const answer = await call(ctx, () => octokit.rest.issues.listAssignees({ ...ownerAndName(ctx), per_page: perPage, page }));
      return { items: answer.data.map((u) => ({ login: u.login, name: u.name ?? null, url: u.html_url })), hasNext: linksNext(answer.headers.link) };
    },
    keep: wanted ? (u) => u.login.toLowerCase().includes(wanted) || (u.name ?? "").toLowerCase().includes(wanted) : undefined,
  });
  return { url: null, data: { users: page.items, hasMore: page.hasMore, nextCursor: page.nextCursor } };
};

/**
 * Whether the repository is readable and has no pull request (or issue) numbered `n`. On GitHub a
 * pull request is also an issue: for "issue", a number that is a pull request counts as missing.
 */
export async function itemMissing(ctx: BackendContext, kind: "pull" | "issue", n: number): Promise<boolean> {
  const octokit = client(ctx);
  const where = ownerAndName(ctx);
  await octokit.rest.repos.get(where);
  try {
    if (kind === "pull") {
      await octokit.rest.pulls.get({ ...where, pull_number: n });
      return false;
    }
    const { data } = await octokit.rest.issues.get({ ...where, issue_number: n });
    return data.pull_request !== undefined && data.pull_request !== null;
  } catch (e) {
    return statusOf(e) === 404;
  }
}
