import { branchNotPushed, headBranch, type ScmBackend } from "../../agent-tools/backend";
import { ToolFailure } from "../../agent-tools/tool-error";
import { markDraft } from "./graphql";
import { afterApplied, call, client, mapFailure, ownerAndName, statusOf } from "./octokit";
import { linksNext, readPage } from "./paging";
import { checkRunCheck, commentView, fileView, pullDetail, pullView, statusCheck, type GithubPull } from "./views";
import { searchWords } from "./search-query";

/** How many pull requests are read at once when one search answer's items are completed. */
const READ_AHEAD = 8;

export const createPullRequest: ScmBackend["create_pull_request"] = async (ctx, input) => {
  const octokit = client(ctx);
  const where = ownerAndName(ctx);
  const head = await headBranch(ctx, input.head);
  // Reading the repository first tells "no access" (404 here) apart from "branch not pushed" below.
  const repository = await call(ctx, () => octokit.rest.repos.get(where));
  const base = input.base ?? repository.data.default_branch;
  if (head === base) throw new ToolFailure("validation_failed", `The head and base branches are both "${head}". Nothing was created.`, { fieldErrors: { head: ["Must differ from base."] } });
  try {
    await octokit.rest.repos.getBranch({ ...where, branch: head });
  } catch (e) {
    if (statusOf(e) === 404) throw branchNotPushed(ctx.host, head);
    throw mapFailure(ctx, e);
  }
  const { data } = await call(ctx, () => octokit.rest.pulls.create({ ...where, title: input.title, body: input.body, head, base, draft: input.draft }));
  const pullRequest = pullView(data);
  return { url: pullRequest.url, data: { pullRequest } };
};

export const getPullRequest: ScmBackend["get_pull_request"] = async (ctx, input) => {
  const { data } = await call(ctx, () => client(ctx).rest.pulls.get({ ...ownerAndName(ctx), pull_number: input.number }));
  const pullRequest = pullDetail(data);
  return { url: pullRequest.url, data: { pullRequest } };
};

export const listPullRequests: ScmBackend["list_pull_requests"] = async (ctx, input) => {
  const octokit = client(ctx);
  const where = ownerAndName(ctx);
  // GitHub has no "merged" filter: closed ones are read and told apart by merged_at.
  const state = input.state === "open" ? "open" : input.state === "all" ? "all" : "closed";
  const split = input.state === "merged" || input.state === "closed";
  const page = await readPage({
    cursor: input.cursor,
    limit: input.limit,
    fetch: async (page, perPage) => {
      const answer = await call(ctx, () =>
        octokit.rest.pulls.list({ ...where, state, head: input.head ? `${where.owner}:${input.head}` : undefined, base: input.base, sort: "created", direction: "desc", per_page: perPage, page }),
      );
      return { items: answer.data.map(pullView), hasNext: linksNext(answer.headers.link) };
    },
    keep: split ? (p) => p.state === input.state : undefined,
  });
  return { url: null, data: { pullRequests: page.items, hasMore: page.hasMore, nextCursor: page.nextCursor } };
};

/** The search qualifiers for a pull request state: GitHub tells merged from closed with is:merged / is:unmerged. */
const PULL_STATE: Record<"open" | "closed" | "merged" | "all", string> = { open: "is:open", closed: "is:closed is:unmerged", merged: "is:merged", all: "" };

export const searchPullRequests: ScmBackend["search_pull_requests"] = async (ctx, input) => {
  const octokit = client(ctx);
  const where = ownerAndName(ctx);
  const { words, notes } = searchWords(input.query);
  const q = `repo:${ctx.repository} is:pr ${PULL_STATE[input.state]} ${words}`.replace(/\s+/g, " ");
  const found = await readPage({
    cursor: input.cursor,
    limit: input.limit,
    fetch: async (page, perPage) => {
      const answer = await call(ctx, () => octokit.rest.search.issuesAndPullRequests({ q, sort: "created", order: "desc", per_page: perPage, page }));
      return { items: answer.data.items.map((i) => i.number), hasNext: linksNext(answer.headers.link) };
    },
  });
  // Search answers issue-shaped items: each pull request is read for its branches and head commit.
  const pullRequests = [];
  for (let i = 0; i < found.items.length; i += READ_AHEAD) {
    const batch = found.items.slice(i, i + READ_AHEAD);
    const read = await Promise.all(batch.map((n) => call(ctx, () => octokit.rest.pulls.get({ ...where, pull_number: n }))));
    pullRequests.push(...read.map((r) => pullView(r.data)));
  }
  return { url: null, data: { pullRequests, hasMore: found.hasMore, nextCursor: found.nextCursor, ...(notes.length ? { notes } : {}) } };
};

export const updatePullRequest: ScmBackend["update_pull_request"] = async (ctx, input) => {
  const octokit = client(ctx);
  const where = { ...ownerAndName(ctx), pull_number: input.number };
  const applied: string[] = [];
  let current: GithubPull | null = null;
  try {
    const patch = { title: input.title, body: input.body, state: input.state, base: input.base };
    const fields = Object.entries(patch).filter(([, v]) => v !== undefined).map(([k]) => k);
    if (fields.length > 0) {
      current = (await call(ctx, () => octokit.rest.pulls.update({ ...where, ...patch }))).data;
      applied.push(...fields);
    }
    if (input.draft !== undefined) {
      current ??= (await call(ctx, () => octokit.rest.pulls.get(where))).data;
      // The REST API cannot change draft status; GraphQL's mutations can.
      if ((current.draft ?? false) !== input.draft) await markDraft(ctx, (current as GithubPull & { node_id: string }).node_id, input.draft);
      applied.push("draft");
    }
    if (input.reviewers?.length) {
      await call(ctx, () => octokit.rest.pulls.requestReviewers({ ...where, reviewers: input.reviewers }));
      applied.push("reviewers");
    }
  } catch (e) {
    throw afterApplied(e instanceof ToolFailure ? e : mapFailure(ctx, e), applied);
  }
  const { data } = await call(ctx, () => octokit.rest.pulls.get(where));
  const pullRequest = pullDetail(data);
  return { url: pullRequest.url, data: { pullRequest, changed: applied } };
};

export const listPullRequestFiles: ScmBackend["list_pull_request_files"] = async (ctx, input) => {
  const octokit = client(ctx);
  const page = await readPage({
    cursor: input.cursor,
    limit: input.limit,
    fetch: async (page, perPage) => {
      const answer = await call(ctx, () => octokit.rest.pulls.listFiles({ ...ownerAndName(ctx), pull_number: input.number, per_page: perPage, page }));
      return { items: answer.data.map(fileView), hasNext: linksNext(answer.headers.link) };
    },
  });
  return { url: null, data: { files: page.items, hasMore: page.hasMore, nextCursor: page.nextCursor } };
};

/** GitHub reads at most this many check runs of a commit in one call here (its largest page). */
const CHECK_RUNS_READ = 100;

export const getPullRequestChecks: ScmBackend["get_pull_request_checks"] = async (ctx, input) => {
  const octokit = client(ctx);
  const where = ownerAndName(ctx);
  const { data: pull } = await call(ctx, () => octokit.rest.pulls.get({ ...where, pull_number: input.number }));
  const sha = pull.head.sha;
  const notes: string[] = [];
  const [combined, runs] = await Promise.all([
    call(ctx, () => octokit.rest.repos.getCombinedStatusForRef({ ...where, ref: sha, per_page: 100 })),
    octokit.rest.checks.listForRef({ ...where, ref: sha, per_page: CHECK_RUNS_READ }).catch((e: unknown) => {
      // Fine-grained tokens need the Checks permission for check runs: statuses are still worth reporting.
      if (statusOf(e) === 403 || statusOf(e) === 404) {
        notes.push("The owner's token may not read check runs (GitHub's Checks permission), so only commit statuses are shown.");
        return null;
      }
      throw mapFailure(ctx, e);
    }),
  ]);
  const checks = [...(runs?.data.check_runs ?? []).map(checkRunCheck), ...combined.data.statuses.map(statusCheck)];
  if (runs && runs.data.total_count > runs.data.check_runs.length) notes.push(`Only the first ${runs.data.check_runs.length} of ${runs.data.total_count} check runs are shown.`);
  return { url: `${pull.html_url}/checks`, data: { sha, checks, ...(notes.length ? { notes } : {}) } };
};

export const listPullRequestComments: ScmBackend["list_pull_request_comments"] = async (ctx, input) => {
  const octokit = client(ctx);
  // A pull request's conversation is its issue's comments on GitHub (oldest first); an issue's
  // number answers the same endpoint, so the first page also asks that it is a pull request.
  const isPull = input.cursor ? Promise.resolve() : call(ctx, () => octokit.rest.pulls.get({ ...ownerAndName(ctx), pull_number: input.number }));
  const [, page] = await Promise.all([isPull, readPage({
    cursor: input.cursor,
    limit: input.limit,
    fetch: async (page, perPage) => {
      const answer = await call(ctx, () => octokit.rest.issues.listComments({ ...ownerAndName(ctx), issue_number: input.number, per_page: perPage, page }));
      return { items: answer.data.map(commentView), hasNext: linksNext(answer.headers.link) };
    },
  })]);
  return { url: null, data: { comments: page.items, hasMore: page.hasMore, nextCursor: page.nextCursor } };
};
