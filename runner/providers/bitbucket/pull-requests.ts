import { branchNotPushed, cutPatch, headBranch, type ScmBackend } from "../../agent-tools/backend";
import { ToolFailure } from "../../agent-tools/tool-error";
import type { CheckItem, CheckState, FileItem } from "../../agent-tools/tool-output";
import { bbqlString, bitbucketApi, positionOf, readAll, readPage, repoPath, type BitbucketApi } from "./api";
import { uuidsOf } from "./repository-tools";
import { at, htmlOf, pullDetail, pullItem } from "./views";

/**
 * Pull requests on Bitbucket Cloud: `/repositories/{workspace}/{repo_slug}/pullrequests` (list with
 * `state` and BBQL `q`, create, get, update with PUT, `POST .../decline`), the build statuses of
 * the head commit, and the changed files from the diffstat and diff of the pull request's revision
 * range (`source..destination`, `topic=true`: against the merge base, as Bitbucket's own
 * pull request diff; its `.../pullrequests/{id}/diff(stat)` only redirect there).
 */

type Json = Record<string, unknown>;

const STATES: Record<"open" | "closed" | "merged" | "all", string[]> = {
  open: ["OPEN"],
  closed: ["DECLINED", "SUPERSEDED"],
  merged: ["MERGED"],
  all: ["OPEN", "MERGED", "DECLINED", "SUPERSEDED"],
};

const pullPath = (api: BitbucketApi, n: number) => `${repoPath(api.ctx)}/pullrequests/${n}`;

/** The full SHA of a commit Bitbucket names by its 12-character prefix in pull requests. */
async function fullHash(api: BitbucketApi, hash: unknown): Promise<string | null> {
  if (typeof hash !== "string" || !/^[0-9a-f]{7,40}$/.test(hash)) return null;
  if (hash.length === 40) return hash;
  const commit = await api.get(`${repoPath(api.ctx)}/commit/${hash}`);
  return typeof commit.hash === "string" ? commit.hash : hash;
}

async function detail(api: BitbucketApi, pr: Json) {
  return pullDetail(pr, await fullHash(api, at(pr, "source", "commit", "hash")));
}

async function requireBranch(api: BitbucketApi, branch: string): Promise<void> {
  try {
    await api.get(`${repoPath(api.ctx)}/refs/branches/${branch.split("/").map(encodeURIComponent).join("/")}`);
  } catch (e) {
    // A 404 for the branch of a readable repository: not pushed. Otherwise the repository's own failure.
    if (!(e instanceof ToolFailure) || e.code !== "repository_permission_denied") throw e;
    await api.get(repoPath(api.ctx));
    throw branchNotPushed(api.ctx.host, branch);
  }
}

/** Bitbucket's build status states as check states. */
export function checkState(state: unknown): CheckState {
  switch (state) {
    case "SUCCESSFUL":
      return "success";
    case "FAILED":
      return "failure";
    case "STOPPED":
      return "cancelled";
    default:
      return "pending";
  }
}

async function listed(api: BitbucketApi, state: keyof typeof STATES, q: string[], input: { limit: number; cursor?: string }) {
  const page = await readPage(api, `${repoPath(api.ctx)}/pullrequests`, { state: STATES[state], q: q.length ? q.join(" AND ") : undefined, sort: "-id" }, positionOf(input.cursor, input.limit));
  return { url: null, data: { pullRequests: page.values.map(pullItem), hasMore: page.hasMore, nextCursor: page.nextCursor } };
}

export const pullRequestTools = {
  create_pull_request: async (ctx, input) => {
    const api = bitbucketApi(ctx);
    const head = await headBranch(ctx, input.head);
    await requireBranch(api, head);
    const pr = await api.send("POST", `${repoPath(ctx)}/pullrequests`, {
      title: input.title,
      description: input.body ?? "",
      source: { branch: { name: head } },
      ...(input.base ? { destination: { branch: { name: input.base } } } : {}),
      draft: input.draft,
    });
    const item = pullItem(pr ?? {});
    return { url: item.url, data: { pullRequest: item } };
  },

  get_pull_request: async (ctx, input) => {
    const api = bitbucketApi(ctx);
    const pullRequest = await detail(api, await api.get(pullPath(api, input.number)));
    return { url: pullRequest.url, data: { pullRequest } };
  },

  list_pull_requests: async (ctx, input) => {
    const q = [...(input.head ? [`source.branch.name = ${bbqlString(input.head)}`] : []), ...(input.base ? [`destination.branch.name = ${bbqlString(input.base)}`] : [])];
    return listed(bitbucketApi(ctx), input.state, q, input);
  },

  search_pull_requests: async (ctx, input) => {
    const words = bbqlString(input.query);
    return listed(bitbucketApi(ctx), input.state, [`(title ~ ${words} OR description ~ ${words})`], input);
  },

  update_pull_request: async (ctx, input) => {
    const api = bitbucketApi(ctx);
    const path = pullPath(api, input.number);
    let pr = await api.get(path);
    const state = String(pr.state);
    const notes: string[] = [];
    const changed: string[] = [];
    if (input.state === "open" && state !== "OPEN") {
      const why = state === "MERGED" ? "it is merged" : "a declined Bitbucket pull request cannot be reopened";
      throw new ToolFailure("validation_failed", `Pull request #${input.number} cannot be reopened: ${why}. Nothing was changed. Open a new pull request from the same branch with create_pull_request instead.`, {
        fieldErrors: { state: [`Bitbucket cannot reopen a ${state.toLowerCase()} pull request.`] },
      });
    }
    if (input.state === "open") notes.push("The pull request was already open.");
    const fields: Json = {};
    if (input.title !== undefined) fields.title = input.title;
    if (input.body !== undefined) fields.description = input.body;
    if (input.base !== undefined) fields.destination = { branch: { name: input.base } };
    if (input.draft !== undefined) fields.draft = input.draft;
    if (input.reviewers !== undefined) {
      // PUT replaces the reviewers: keep those already asked, add the new ones.
      const current = (Array.isArray(pr.reviewers) ? pr.reviewers : []).map((r) => ({ uuid: String((r as Json).uuid) }));
      const added = await uuidsOf(api, input.reviewers, "reviewers");
      fields.reviewers = [...current, ...added.filter((u) => !current.some((c) => c.uuid === u)).map((uuid) => ({ uuid }))];
    }
    if (Object.keys(fields).length > 0) {
      pr = (await api.send("PUT", path, { title: pr.title, ...fields })) ?? pr;
      changed.push(...(["title", "body", "base", "draft", "reviewers"] as const).filter((f) => input[f] !== undefined));
    }
    if (input.state === "closed") {
      if (state === "OPEN") {
        pr = (await api.send("POST", `${path}/decline`)) ?? pr;
        changed.push("state");
        notes.push("Bitbucket closes a pull request by declining it, and a declined pull request cannot be reopened.");
      } else if (state === "MERGED") {
        throw new ToolFailure("validation_failed", `Pull request #${input.number} is merged and cannot be closed.${changed.length ? ` The other changes (${changed.join(", ")}) were made.` : " Nothing was changed."}`, {
          fieldErrors: { state: ["The pull request is merged."] },
        });
      } else notes.push("The pull request was already declined.");
    }
    const pullRequest = await detail(api, pr);
    return { url: pullRequest.url, data: { pullRequest, changed, ...(notes.length ? { notes } : {}) } };
  },

  list_pull_request_files: async (ctx, input) => {
    const api = bitbucketApi(ctx);
    const pr = await api.get(pullPath(api, input.number));
    const spec = `${String(at(pr, "source", "commit", "hash"))}..${String(at(pr, "destination", "commit", "hash"))}`;
    const page = await readPage(api, `${repoPath(ctx)}/diffstat/${spec}`, { topic: "true" }, positionOf(input.cursor, input.limit));
    const patches = page.values.length > 0 ? splitDiff(await api.text(`${repoPath(ctx)}/diff/${spec}`, { topic: "true" })) : new Map<string, string>();
    const files = page.values.map((f) => fileItem(f, patches));
    return { url: null, data: { files, hasMore: page.hasMore, nextCursor: page.nextCursor } };
  },

  get_pull_request_checks: async (ctx, input) => {
    const api = bitbucketApi(ctx);
    const pr = await api.get(pullPath(api, input.number));
    const [sha, statuses] = await Promise.all([fullHash(api, at(pr, "source", "commit", "hash")), readAll(api, `${pullPath(api, input.number)}/statuses`)]);
    const checks: CheckItem[] = statuses.values.map((s) => ({
      name: String(s.name || s.key || "build"),
      kind: "build",
      state: checkState(s.state),
      description: typeof s.description === "string" && s.description ? s.description : null,
      url: typeof s.url === "string" && s.url ? s.url : null,
    }));
    return { url: htmlOf(pr), data: { sha, checks } };
  },
} satisfies Pick<
  ScmBackend,
  "create_pull_request" | "get_pull_request" | "list_pull_requests" | "search_pull_requests" | "update_pull_request" | "list_pull_request_files" | "get_pull_request_checks"
>;

/** A unified diff split per file (by its new path, else its old one), each from its first hunk. */
export function splitDiff(diff: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const chunk of diff.split(/^(?=diff --git )/m)) {
    const header = /^diff --git a\/(.+?) b\/(.+)$/m.exec(chunk);
    if (!header) continue;
    const hunk = chunk.indexOf("\n@@");
    const path = /^\+\+\+ b\/(.+)$/m.exec(chunk)?.[1] ?? /^--- a\/(.+)$/m.exec(chunk)?.[1] ?? header[2]!;
    if (hunk >= 0) out.set(path, chunk.slice(hunk + 1).replace(/\n$/, ""));
  }
  return out;
}

const FILE_STATUS: Record<string, FileItem["status"]> = { added: "added", removed: "removed", modified: "modified", renamed: "renamed" };

function fileItem(f: Json, patches: Map<string, string>): FileItem {
  const path = String(at(f, "new", "path") ?? at(f, "old", "path") ?? "");
  const status = FILE_STATUS[String(f.status)] ?? "changed";
  const previous = status === "renamed" ? ((at(f, "old", "path") as string | undefined) ?? null) : null;
  return {
    path,
    previousPath: previous,
    status,
    additions: typeof f.lines_added === "number" ? f.lines_added : null,
    deletions: typeof f.lines_removed === "number" ? f.lines_removed : null,
    ...cutPatch(patches.get(path) ?? null),
  };
}
