import { branchNotPushed, cutPatch, headBranch, type ScmBackend } from "../../agent-tools/backend";
import { isToolFailure, ToolFailure } from "../../agent-tools/tool-error";
import type { FileItem } from "../../agent-tools/tool-output";
import { gitlabClient } from "./gitlab-client";
import { offsetPage, readPage } from "./paging";
import { userIds } from "./users";
import { DRAFT_PREFIX, draftTitle, isConversationNote, mergeRequestDetail, mergeRequestItem, noteComment, type GitlabMergeRequest, type GitlabNote } from "./views";

type MergeRequestTools =
  | "create_pull_request"
  | "get_pull_request"
  | "list_pull_requests"
  | "search_pull_requests"
  | "update_pull_request"
  | "list_pull_request_files"
  | "list_pull_request_comments";

/** The tools' states as GitLab's `state` filter names them. */
function stateFilter(state: "open" | "closed" | "merged" | "all"): "opened" | "closed" | "merged" | undefined {
  return state === "open" ? "opened" : state === "all" ? undefined : state;
}

/** One file of `GET .../merge_requests/:iid/diffs`. */
type GitlabDiff = { old_path: string; new_path: string; diff?: string | null; new_file?: boolean; deleted_file?: boolean; renamed_file?: boolean; too_large?: boolean; collapsed?: boolean };

/** A changed file as the tools report it; GitLab gives no line counts, so they are counted in its diff. */
export function fileItem(d: GitlabDiff): FileItem {
  const status = d.new_file ? "added" : d.deleted_file ? "removed" : d.renamed_file ? "renamed" : "modified";
  const diff = d.diff ?? "";
  const lines = diff.split("\n");
  const counted = !(d.too_large || d.collapsed);
  return {
    path: d.new_path,
    previousPath: d.renamed_file ? d.old_path : null,
    status,
    additions: counted ? lines.filter((l) => l.startsWith("+")).length : null,
    deletions: counted ? lines.filter((l) => l.startsWith("-")).length : null,
    ...cutPatch(diff === "" ? null : diff),
  };
}

/** Which of the asked-for changes the merge request now shows. */
function appliedChanges(input: { title?: string; body?: string; state?: "open" | "closed"; draft?: boolean; base?: string; reviewers?: string[] }, after: GitlabMergeRequest): { changed: string[]; notApplied: string[] } {
  const now = mergeRequestDetail(after);
  const checks: [string, boolean | undefined][] = [
    ["title", input.title === undefined ? undefined : now.title.replace(DRAFT_PREFIX, "") === input.title.replace(DRAFT_PREFIX, "")],
    ["body", input.body === undefined ? undefined : (after.description ?? "") === input.body],
    ["state", input.state === undefined ? undefined : now.state === input.state],
    ["draft", input.draft === undefined ? undefined : now.draft === input.draft],
    ["base", input.base === undefined ? undefined : now.base === input.base],
    ["reviewers", input.reviewers === undefined ? undefined : input.reviewers.every((r) => now.reviewers.some((x) => x.toLowerCase() === r.toLowerCase()))],
  ];
  return {
    changed: checks.filter(([, ok]) => ok === true).map(([field]) => field),
    notApplied: checks.filter(([, ok]) => ok === false).map(([field]) => field),
  };
}

/** Merge requests: open, read, list, search, update, their changed files and their conversation. */
export const mergeRequestTools = {
  async create_pull_request(ctx, input) {
    const api = gitlabClient(ctx);
    const head = await headBranch(ctx, input.head);
    // Reading the project first tells "no access" apart from "branch not pushed" below.
    const project = (await api.Projects.show(ctx.repository)) as { default_branch?: string };
    const base = input.base ?? project.default_branch ?? "main";
    if (head === base) throw new ToolFailure("validation_failed", `The head and base branches are both "${head}". Nothing was opened.`, { fieldErrors: { head: ["Must differ from base."] } });
    try {
      await api.Branches.show(ctx.repository, head);
    } catch (e) {
      if (isToolFailure(e) && e.code === "repository_permission_denied") throw branchNotPushed(ctx.host, head);
      throw e;
    }
    const title = input.draft ? draftTitle(input.title, true) : input.title;
    const mr = mergeRequestItem((await api.MergeRequests.create(ctx.repository, head, base, title, { description: input.body })) as GitlabMergeRequest);
    return { url: mr.url, data: { pullRequest: mr } };
  },

  async get_pull_request(ctx, input) {
    const mr = mergeRequestDetail((await gitlabClient(ctx).MergeRequests.show(ctx.repository, input.number)) as GitlabMergeRequest);
    return { url: mr.url, data: { pullRequest: mr } };
  },

  async list_pull_requests(ctx, input) {
    const api = gitlabClient(ctx);
    const page = await readPage({
      cursor: input.cursor,
      limit: input.limit,
      fetch: async (p, perPage) =>
        offsetPage(
          await api.MergeRequests.all({ projectId: ctx.repository, state: stateFilter(input.state), sourceBranch: input.head, targetBranch: input.base, orderBy: "created_at", sort: "desc", page: p, perPage, pagination: "offset", showExpanded: true }),
        ),
    });
    return { url: null, data: { pullRequests: (page.items as GitlabMergeRequest[]).map(mergeRequestItem), hasMore: page.hasMore, nextCursor: page.nextCursor } };
  },

  async search_pull_requests(ctx, input) {
    const api = gitlabClient(ctx);
    const page = await readPage({
      cursor: input.cursor,
      limit: input.limit,
      fetch: async (p, perPage) =>
        offsetPage(await api.MergeRequests.all({ projectId: ctx.repository, search: input.query, state: stateFilter(input.state), orderBy: "created_at", sort: "desc", page: p, perPage, pagination: "offset", showExpanded: true })),
    });
    return { url: null, data: { pullRequests: (page.items as GitlabMergeRequest[]).map(mergeRequestItem), hasMore: page.hasMore, nextCursor: page.nextCursor } };
  },

  async update_pull_request(ctx, input) {
    const api = gitlabClient(ctx);
    const before = (await api.MergeRequests.show(ctx.repository, input.number)) as GitlabMergeRequest;
    const added = await userIds(api, input.reviewers, "reviewers");
    // GitLab has no draft field: a draft is a title starting with "Draft:". A new title keeps the
    // merge request as draft as it was, unless draft says otherwise.
    const draft = input.draft ?? (input.title === undefined ? undefined : (before.draft ?? false) || DRAFT_PREFIX.test(input.title));
    const title = draft === undefined ? input.title : draftTitle(input.title ?? before.title, draft);
    const options: Record<string, unknown> = {};
    if (title !== undefined && title !== before.title) options.title = title;
    if (input.body !== undefined) options.description = input.body;
    if (input.state !== undefined) options.stateEvent = input.state === "closed" ? "close" : "reopen";
    if (input.base !== undefined) options.targetBranch = input.base;
    // reviewer_ids replaces the reviewers: the ones asked for are added to those already asked.
    if (added) options.reviewerIds = [...new Set([...(before.reviewers ?? []).flatMap((r) => (r.id === undefined ? [] : [r.id])), ...added])];
    const after = Object.keys(options).length === 0 ? before : ((await api.MergeRequests.edit(ctx.repository, input.number, options)) as GitlabMergeRequest);
    const { changed, notApplied } = appliedChanges(input, after);
    const pullRequest = mergeRequestDetail(after);
    const notes = notApplied.length
      ? [`GitLab did not apply ${notApplied.join(", ")} (merge request !${input.number} is ${pullRequest.state}${notApplied.includes("reviewers") ? "; reviewers must be members of the project" : ""}).`]
      : undefined;
    return { url: pullRequest.url, data: { pullRequest, changed, ...(notes ? { notes } : {}) } };
  },

  async list_pull_request_files(ctx, input) {
    const api = gitlabClient(ctx);
    const page = await readPage({
      cursor: input.cursor,
      limit: input.limit,
      fetch: async (p, perPage) => offsetPage(await api.MergeRequests.allDiffs(ctx.repository, input.number, { page: p, perPage, pagination: "offset", showExpanded: true })),
    });
    return { url: null, data: { files: (page.items as GitlabDiff[]).map(fileItem), hasMore: page.hasMore, nextCursor: page.nextCursor } };
  },

  async list_pull_request_comments(ctx, input) {
    const api = gitlabClient(ctx);
    const mr = (await api.MergeRequests.show(ctx.repository, input.number)) as GitlabMergeRequest;
    const page = await readPage({
      cursor: input.cursor,
      limit: input.limit,
      keep: (n: GitlabNote) => isConversationNote(n),
      fetch: async (p, perPage) =>
        offsetPage(await api.MergeRequestNotes.all(ctx.repository, input.number, { sort: "asc", orderBy: "created_at", page: p, perPage, pagination: "offset", showExpanded: true })),
    });
    return { url: null, data: { comments: (page.items as GitlabNote[]).map((n) => noteComment(mr.web_url, n)), hasMore: page.hasMore, nextCursor: page.nextCursor } };
  },
} satisfies Pick<ScmBackend, MergeRequestTools>;
