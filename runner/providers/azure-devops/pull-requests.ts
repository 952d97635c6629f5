import { branchNotPushed, headBranch, type ScmBackend } from "../../agent-tools/backend";
import { ToolFailure } from "../../agent-tools/tool-error";
import type { FileItem } from "../../agent-tools/tool-output";
import { resolvePeople } from "./people";
import { isConversationThread, humanComments, commentView, pullPage as prPage, policyChecks, pullDetail, pullView, statusChecks, type AzEvaluation, type AzPullRequest, type AzStatus, type AzThread } from "./pull-request-views";
import { AzureRest, offsetOf, pageOf, PREVIEW_1 } from "./rest";

/**
 * The pull request tools on Azure DevOps (git/pull-requests, pull-request-iterations,
 * pull-request-statuses, policy/evaluations).
 */

type List<T> = { value?: T[] };
type PullTools = Pick<
  ScmBackend,
  "create_pull_request" | "get_pull_request" | "list_pull_requests" | "search_pull_requests" | "update_pull_request" | "list_pull_request_files" | "get_pull_request_checks" | "list_pull_request_comments"
>;

const STATUS = { open: "active", closed: "abandoned", merged: "completed", all: "all" } as const;
const PER_PAGE = 100;
/** search_pull_requests reads at most this many pull requests per call. */
const SEARCH_PAGES = 10;

export async function getPull(rest: AzureRest, n: number): Promise<AzPullRequest> {
  return rest.get<AzPullRequest>(rest.repo(`pullrequests/${n}`));
}

async function listPage(rest: AzureRest, state: keyof typeof STATUS, top: number, skip: number, branches: { head?: string; base?: string } = {}): Promise<AzPullRequest[]> {
  const page = await rest.get<List<AzPullRequest>>(rest.repo("pullrequests"), {
    "searchCriteria.status": STATUS[state],
    "searchCriteria.sourceRefName": branches.head ? `refs/heads/${branches.head}` : undefined,
    "searchCriteria.targetRefName": branches.base ? `refs/heads/${branches.base}` : undefined,
    $top: top,
    $skip: skip,
  });
  return page.value ?? [];
}

function matches(pr: AzPullRequest, words: string[]): boolean {
  const text = `${pr.title}\n${pr.description ?? ""}`.toLowerCase();
  return words.every((w) => text.includes(w));
}

const CHANGE_STATUS: [RegExp, FileItem["status"]][] = [
  [/rename/, "renamed"],
  [/add/, "added"],
  [/delete/, "removed"],
  [/edit/, "modified"],
];

type AzChange = { changeType?: string; item?: { path?: string; isFolder?: boolean }; originalPath?: string; sourceServerItem?: string };

function fileView(change: AzChange): FileItem {
  const type = change.changeType ?? "";
  const original = change.originalPath ?? change.sourceServerItem;
  const status = CHANGE_STATUS.find(([re]) => re.test(type))?.[1] ?? "changed";
  return {
    path: (change.item?.path ?? "").replace(/^\//, ""),
    previousPath: status === "renamed" && original ? original.replace(/^\//, "") : null,
    status,
    additions: null,
    deletions: null,
    patch: null,
    patchTruncated: false,
  };
}

/** The branch policies evaluated for the pull request, named by its code review artifact. */
async function policyEvaluations(rest: AzureRest, pr: AzPullRequest): Promise<AzEvaluation[]> {
  const projectId = pr.repository?.project?.id;
  if (!projectId) return [];
  const artifactId = `vstfs:///CodeReview/CodeReviewId/${projectId}/${pr.pullRequestId}`;
  return (await rest.get<List<AzEvaluation>>(rest.project("policy/evaluations"), { artifactId }, PREVIEW_1)).value ?? [];
}

export const pullRequestTools: PullTools = {
  async create_pull_request(ctx, input) {
    const rest = new AzureRest(ctx);
    const head = await headBranch(ctx, input.head);
    // Reading the repository first tells "no access" apart from "branch not pushed" below.
    const repository = await rest.get<{ defaultBranch?: string }>(rest.repo());
    const base = input.base ?? repository.defaultBranch?.replace(/^refs\/heads\//, "") ?? "main";
    if (head === base) throw new ToolFailure("validation_failed", `The head and base branches are both "${head}".`, { fieldErrors: { head: ["Must differ from base."] } });
    const refs = await rest.get<List<{ name: string }>>(rest.repo("refs"), { filter: `heads/${head}` });
    if (!(refs.value ?? []).some((r) => r.name === `refs/heads/${head}`)) throw branchNotPushed(ctx.host, head);
    const pr = (await rest.call<AzPullRequest>("POST", rest.repo("pullrequests"), { json: { sourceRefName: `refs/heads/${head}`, targetRefName: `refs/heads/${base}`, title: input.title, description: input.body ?? "", isDraft: input.draft } })).body;
    const pullRequest = pullView(rest.target, pr);
    return { url: pullRequest.url, data: { pullRequest } };
  },

  async get_pull_request(ctx, input) {
    const rest = new AzureRest(ctx);
    const pullRequest = pullDetail(rest.target, await getPull(rest, input.number));
    return { url: pullRequest.url, data: { pullRequest } };
  },

  async list_pull_requests(ctx, input) {
    const rest = new AzureRest(ctx);
    const offset = offsetOf(input.cursor);
    const page = await listPage(rest, input.state, input.limit + 1, offset, { head: input.head, base: input.base });
    const hasMore = page.length > input.limit;
    return { url: null, data: { pullRequests: page.slice(0, input.limit).map((p) => pullView(rest.target, p)), hasMore, nextCursor: hasMore ? String(offset + input.limit) : null } };
  },

  async search_pull_requests(ctx, input) {
    const rest = new AzureRest(ctx);
    const words = input.query.toLowerCase().split(/\s+/).filter(Boolean);
    const start = offsetOf(input.cursor);
    const found: { pr: AzPullRequest; at: number }[] = [];
    let position = start;
    let exhausted = false;
    for (let read = 0; read < SEARCH_PAGES && found.length <= input.limit && !exhausted; read += 1) {
      const page = await listPage(rest, input.state, PER_PAGE, position);
      page.forEach((pr, i) => {
        if (matches(pr, words)) found.push({ pr, at: position + i });
      });
      position += page.length;
      exhausted = page.length < PER_PAGE;
    }
    const notes = [`Azure DevOps has no text search for pull requests: the tools read the repository's pull requests newest first (up to ${SEARCH_PAGES * PER_PAGE} per call) and matched every word in titles and descriptions themselves.`];
    const pullRequests = found.slice(0, input.limit).map((f) => pullView(rest.target, f.pr));
    if (found.length > input.limit) return { url: null, data: { pullRequests, hasMore: true, nextCursor: String(found[input.limit]!.at), notes } };
    // The reading stopped before the end: more may match further on.
    return { url: null, data: { pullRequests, hasMore: !exhausted, nextCursor: exhausted ? null : String(position), notes } };
  },

  async update_pull_request(ctx, input) {
    const rest = new AzureRest(ctx);
    const patch: Record<string, unknown> = {};
    const changed: string[] = [];
    const set = (field: string, key: string, value: unknown) => {
      if (value === undefined) return;
      patch[key] = value;
      changed.push(field);
    };
    set("title", "title", input.title);
    set("body", "description", input.body);
    set("draft", "isDraft", input.draft);
    set("base", "targetRefName", input.base === undefined ? undefined : `refs/heads/${input.base}`);
    set("state", "status", input.state === undefined ? undefined : input.state === "closed" ? "abandoned" : "active");
    // Reviewers are resolved first, so an unknown name changes nothing.
    const reviewers = input.reviewers ? await resolvePeople(rest, input.reviewers, "reviewers") : [];
    if (Object.keys(patch).length > 0) await rest.call("PATCH", rest.repo(`pullrequests/${input.number}`), { json: patch });
    for (const reviewer of reviewers) await rest.call("PUT", rest.repo(`pullRequests/${input.number}/reviewers/${encodeURIComponent(reviewer.id ?? "")}`), { json: { vote: 0 } });
    if (reviewers.length > 0) changed.push("reviewers");
    const pullRequest = pullDetail(rest.target, await getPull(rest, input.number));
    return { url: pullRequest.url, data: { pullRequest, changed } };
  },

  async list_pull_request_files(ctx, input) {
    const rest = new AzureRest(ctx);
    // The position is "iteration:offset", so later pages read the same iteration after a push.
    const [iterationText, offsetText] = (input.cursor ?? ":0").split(":");
    let iteration = Number(iterationText);
    if (!input.cursor) {
      const iterations = await rest.get<List<{ id: number }>>(rest.repo(`pullRequests/${input.number}/iterations`));
      iteration = Math.max(0, ...(iterations.value ?? []).map((i) => i.id));
    }
    const offset = offsetOf(offsetText);
    const notes = ["Azure DevOps' REST API gives no line counts or patches for a pull request's files: additions, deletions and patch are null. Read the diff with git in the environment (git fetch, then git diff origin/<base>...origin/<head>)."];
    if (iteration === 0) return { url: null, data: { files: [], hasMore: false, nextCursor: null, notes } };
    const page = await rest.get<{ changeEntries?: AzChange[] }>(rest.repo(`pullRequests/${input.number}/iterations/${iteration}/changes`), { $top: input.limit + 1, $skip: offset });
    const entries = page.changeEntries ?? [];
    const hasMore = entries.length > input.limit;
    const files = entries
      .slice(0, input.limit)
      .filter((c) => c.item?.isFolder !== true)
      .map(fileView);
    return { url: null, data: { files, hasMore, nextCursor: hasMore ? `${iteration}:${offset + input.limit}` : null, notes } };
  },

  async get_pull_request_checks(ctx, input) {
    const rest = new AzureRest(ctx);
    const pr = await getPull(rest, input.number);
    const statuses = await rest.get<List<AzStatus>>(rest.repo(`pullRequests/${input.number}/statuses`));
    const notes = ["Azure DevOps: the pull request's statuses (the latest of each context) and its branch policy evaluations."];
    const evaluations = await policyEvaluations(rest, pr).catch((e: unknown) => {
      // Reading policies takes more than reading the pull request: without it the statuses still stand.
      if (!(e instanceof ToolFailure) || !["repository_permission_denied", "pat_missing_scopes"].includes(e.code)) throw e;
      notes.push("The branch policy evaluations could not be read with the owner's token, so only statuses are listed.");
      return [];
    });
    const checks = [...statusChecks(statuses.value ?? []), ...policyChecks(evaluations)];
    return { url: prPage(rest.target, pr), data: { sha: pr.lastMergeSourceCommit?.commitId ?? null, checks, notes } };
  },

  async list_pull_request_comments(ctx, input) {
    const rest = new AzureRest(ctx);
    const threads = await rest.get<List<AzThread>>(rest.repo(`pullRequests/${input.number}/threads`));
    const page = prPage(rest.target, { pullRequestId: input.number } as AzPullRequest);
    const comments = (threads.value ?? [])
      .filter(isConversationThread)
      .flatMap((t) => humanComments(t).map((c) => commentView(page, t, c)))
      .sort((a, b) => (a.createdAt ?? "").localeCompare(b.createdAt ?? ""));
    const { items, hasMore, nextCursor } = pageOf(comments, input.limit, input.cursor);
    return { url: null, data: { comments: items, hasMore, nextCursor, notes: ["Azure DevOps: the comments of the pull request's threads that are not on a file (each reply in a thread is its own comment)."] } };
  },
};
