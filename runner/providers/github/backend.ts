import { Octokit } from "@octokit/rest";
import { USER_AGENT } from "../../version";
import { boundedFetch, branchNotPushed, headBranch, listResult, wrappedFailure, type BackendContext, type IssueView, type PullRequestView, type ScmBackend } from "../../agent-tools/backend";
import { failureFromAnswer } from "../../agent-tools/provider-failure";
import { ToolFailure } from "../../agent-tools/tool-error";

/** Issues are listed 100 a page; at most this many pages are read for one call (pull requests are skipped). */
const ISSUES_PER_PAGE = 100;
const ISSUE_PAGES_READ = 5;

/** Octokit logs every 4xx itself; these are answers the tools report, not events to log. */
const quiet = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };

function client(ctx: BackendContext): Octokit {
  return new Octokit({ auth: ctx.token, baseUrl: ctx.apiUrl, userAgent: USER_AGENT, log: quiet, request: { fetch: boundedFetch(ctx) } });
}

function ownerAndName(ctx: BackendContext): { owner: string; repo: string } {
  const [owner, repo, ...rest] = ctx.repository.split("/");
  if (!owner || !repo || rest.length > 0) {
    throw new ToolFailure("validation_failed", "A GitHub repository is named owner/name.", { fieldErrors: { repository: ['Expected "owner/name".'] } });
  }
  return { owner, repo };
}

type OctokitFailure = { status?: number; response?: { status: number; headers: Record<string, string | number | undefined>; data?: unknown } };

/** Turns whatever Octokit threw into the tools' typed failure. */
function mapFailure(ctx: BackendContext, e: unknown): ToolFailure {
  const own = wrappedFailure(e);
  if (own) return own;
  const response = (e as OctokitFailure | null)?.response;
  if (!response) return new ToolFailure("provider_error", `The call to ${ctx.host} failed before an answer was read.`);
  const headers = new Headers();
  for (const [key, value] of Object.entries(response.headers ?? {})) if (value !== undefined) headers.set(key, String(value));
  const answer = { status: response.status, headers, contentType: headers.get("content-type") ?? "", body: response.data };
  return failureFromAnswer(answer, { host: ctx.host, repository: ctx.repository, token: ctx.token });
}

/** Runs one Octokit call, mapping its failure. */
async function call<T>(ctx: BackendContext, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    throw mapFailure(ctx, e);
  }
}

/** The HTTP status of an Octokit failure, for the few places where a 404 means "no such branch". */
function statusOf(e: unknown): number | undefined {
  return (e as OctokitFailure | null)?.response?.status;
}

type GithubPull = {
  number: number;
  title: string;
  state: string;
  draft?: boolean;
  merged_at: string | null;
  html_url: string;
  user: { login: string } | null;
  head: { ref: string; sha: string };
  base: { ref: string };
};

function pullView(p: GithubPull): PullRequestView {
  return {
    number: p.number,
    title: p.title,
    state: p.merged_at ? "merged" : p.state === "closed" ? "closed" : "open",
    draft: p.draft ?? false,
    head: p.head.ref,
    base: p.base.ref,
    headSha: p.head.sha,
    author: p.user?.login ?? null,
    url: p.html_url,
  };
}

type GithubIssue = {
  number: number;
  title: string;
  state: string;
  html_url: string;
  user: { login: string } | null;
  labels: (string | { name?: string })[];
  assignees?: { login: string }[] | null;
};

function issueView(i: GithubIssue): IssueView {
  return {
    number: i.number,
    title: i.title,
    state: i.state === "closed" ? "closed" : "open",
    labels: i.labels.map((l) => (typeof l === "string" ? l : (l.name ?? ""))).filter(Boolean),
    assignees: (i.assignees ?? []).map((a) => a.login),
    author: i.user?.login ?? null,
    url: i.html_url,
  };
}

/** GitHub and GitHub Enterprise Server through `@octokit/rest`. */
export const githubBackend: ScmBackend = {
  async create_pull_request(ctx, input) {
    const octokit = client(ctx);
    const where = ownerAndName(ctx);
    const head = await headBranch(ctx, input.head);
    // Reading the repository first tells "no access" (404 here) apart from "branch not pushed" below.
    const repository = await call(ctx, () => octokit.rest.repos.get(where));
    const base = input.base ?? repository.data.default_branch;
    if (head === base) throw new ToolFailure("validation_failed", `The head and base branches are both "${head}".`, { fieldErrors: { head: ["Must differ from base."] } });
    try {
      await octokit.rest.repos.getBranch({ ...where, branch: head });
    } catch (e) {
      if (statusOf(e) === 404) throw branchNotPushed(ctx.host, head);
      throw mapFailure(ctx, e);
    }
    const { data } = await call(ctx, () => octokit.rest.pulls.create({ ...where, title: input.title, body: input.body, head, base, draft: input.draft }));
    const pr = pullView(data);
    return { text: `Opened pull request #${pr.number} "${pr.title}" (${pr.head} → ${pr.base}): ${pr.url}`, url: pr.url, data: { pullRequest: pr } };
  },

  async get_pull_request(ctx, input) {
    const { data } = await call(ctx, () => client(ctx).rest.pulls.get({ ...ownerAndName(ctx), pull_number: input.number }));
    const pr = { ...pullView(data), body: data.body ?? "" };
    return { text: `Pull request #${pr.number} "${pr.title}" is ${pr.state} (${pr.head} → ${pr.base}, head ${pr.headSha}): ${pr.url}`, url: pr.url, data: { pullRequest: pr } };
  },

  async list_pull_requests(ctx, input) {
    const where = ownerAndName(ctx);
    // GitHub has no "merged" filter: closed ones are read and split by merged_at.
    const state = input.state === "open" ? "open" : input.state === "all" ? "all" : "closed";
    const perPage = input.state === "merged" || input.state === "closed" ? 100 : input.limit;
    const { data } = await call(ctx, () =>
      client(ctx).rest.pulls.list({ ...where, state, head: input.head ? `${where.owner}:${input.head}` : undefined, base: input.base, per_page: perPage }),
    );
    const pulls = data
      .map(pullView)
      .filter((p) => input.state === "all" || p.state === input.state)
      .slice(0, input.limit);
    return listResult("pullRequests", pulls, "pull requests");
  },

  async create_issue(ctx, input) {
    const { data } = await call(ctx, () => client(ctx).rest.issues.create({ ...ownerAndName(ctx), title: input.title, body: input.body, labels: input.labels, assignees: input.assignees }));
    const issue = issueView(data);
    return { text: `Created issue #${issue.number} "${issue.title}": ${issue.url}`, url: issue.url, data: { issue } };
  },

  async update_issue(ctx, input) {
    const { data } = await call(ctx, () =>
      client(ctx).rest.issues.update({
        ...ownerAndName(ctx),
        issue_number: input.number,
        title: input.title,
        body: input.body,
        state: input.state,
        labels: input.labels,
        assignees: input.assignees,
      }),
    );
    const issue = issueView(data);
    return { text: `Updated issue #${issue.number} "${issue.title}" (${issue.state}): ${issue.url}`, url: issue.url, data: { issue } };
  },

  async list_issues(ctx, input) {
    // GitHub's issue list includes pull requests, which the tools keep apart: read pages until
    // there is one issue more than asked for (so hasMore is known) or the list ends.
    const found: ReturnType<typeof issueView>[] = [];
    let more = false;
    for (let page = 1; page <= ISSUE_PAGES_READ; page++) {
      const { data } = await call(ctx, () =>
        client(ctx).rest.issues.listForRepo({ ...ownerAndName(ctx), state: input.state, labels: input.labels?.join(","), per_page: ISSUES_PER_PAGE, page }),
      );
      found.push(...data.filter((i) => !i.pull_request).map(issueView));
      more = data.length === ISSUES_PER_PAGE;
      if (found.length > input.limit || !more) break;
    }
    const result = listResult("issues", found.slice(0, input.limit), "issues");
    return { ...result, data: { ...result.data, hasMore: found.length > input.limit || more } };
  },

  async comment_on_issue(ctx, input) {
    const { data } = await call(ctx, () => client(ctx).rest.issues.createComment({ ...ownerAndName(ctx), issue_number: input.number, body: input.body }));
    const comment = { id: String(data.id), url: data.html_url, author: data.user?.login ?? null };
    return { text: `Commented on #${input.number}: ${comment.url}`, url: comment.url, data: { comment } };
  },

  async add_review_comment(ctx, input) {
    const octokit = client(ctx);
    const where = ownerAndName(ctx);
    const commit = input.commit ?? (await call(ctx, () => octokit.rest.pulls.get({ ...where, pull_number: input.number }))).data.head.sha;
    const { data } = await call(ctx, () =>
      octokit.rest.pulls.createReviewComment({ ...where, pull_number: input.number, commit_id: commit, path: input.path, line: input.line, side: input.side, body: input.body }),
    );
    const comment = { id: String(data.id), url: data.html_url, path: data.path, line: data.line ?? input.line, side: data.side ?? input.side, commit: data.commit_id, author: data.user?.login ?? null };
    return { text: `Commented on ${comment.path}:${comment.line} (${comment.side}) in pull request #${input.number}: ${comment.url}`, url: comment.url, data: { comment } };
  },

  async submit_review(ctx, input) {
    const { data } = await call(ctx, () => client(ctx).rest.pulls.createReview({ ...ownerAndName(ctx), pull_number: input.number, event: input.event, body: input.body }));
    const review = { id: String(data.id), state: data.state, url: data.html_url, author: data.user?.login ?? null };
    return { text: `Submitted a ${input.event} review on pull request #${input.number}: ${review.url}`, url: review.url, data: { review } };
  },
};
