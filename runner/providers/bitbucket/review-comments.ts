import type { MadeComment, ScmBackend } from "../../agent-tools/backend";
import { ToolFailure } from "../../agent-tools/tool-error";
import type { ThreadItem } from "../../agent-tools/tool-output";
import { bitbucketApi, offsetPage, readAll, repoPath, type BitbucketApi } from "./api";
import { at, commentItem, htmlOf, loginOf } from "./views";

/**
 * Pull request comments on Bitbucket Cloud (`.../pullrequests/{id}/comments`): the conversation is
 * the comments without `inline`; a review thread is a top-level inline comment with its replies
 * (`parent`), resolved with `POST`/`DELETE .../comments/{id}/resolve`. The thread id is the top
 * comment's id. Comments are read in full (Bitbucket lists them oldest first, all kinds mixed) and
 * paged here.
 */

type Json = Record<string, unknown>;

const commentsPath = (api: BitbucketApi, n: number) => `${repoPath(api.ctx)}/pullrequests/${n}/comments`;

const TRUNCATED = "The pull request has more comments than the tools read (1,000); the newest are not included.";

/** Every live comment of the pull request, oldest first. */
async function allComments(api: BitbucketApi, n: number): Promise<{ comments: Json[]; truncated: boolean }> {
  const { values, truncated } = await readAll(api, commentsPath(api, n), { sort: "id" });
  return { comments: values.filter((c) => c.deleted !== true), truncated };
}

/** What a comment-making call reports. */
export function made(comment: Json | null): MadeComment {
  return { id: comment?.id === undefined ? null : String(comment.id), url: comment ? htmlOf(comment) : null, author: comment ? loginOf(comment.user) : null };
}

/** The inline anchor Bitbucket takes for a line on one side of the diff. */
export function inlineFor(path: string, line: number, side: "LEFT" | "RIGHT"): Json {
  return side === "LEFT" ? { path, from: line } : { path, to: line };
}

function threadOf(root: Json, all: Json[]): ThreadItem {
  const ids = new Set([String(root.id)]);
  const comments = [root];
  // Replies to replies belong to the same thread; comments are oldest first, so parents come first.
  for (const c of all) {
    const parent = at(c, "parent", "id");
    if (parent !== undefined && ids.has(String(parent))) {
      ids.add(String(c.id));
      comments.push(c);
    }
  }
  const to = at(root, "inline", "to");
  const from = at(root, "inline", "from");
  const right = typeof to === "number";
  return {
    id: String(root.id),
    resolved: root.resolution !== undefined && root.resolution !== null,
    outdated: at(root, "inline", "outdated") === true,
    path: (at(root, "inline", "path") as string | undefined) ?? null,
    line: right ? (to as number) : typeof from === "number" ? from : null,
    side: right ? "RIGHT" : typeof from === "number" ? "LEFT" : null,
    comments: comments.map(commentItem),
    url: htmlOf(root),
  };
}

/** The thread's top comment, refused in words when the id names no thread of this pull request. */
async function threadRoot(api: BitbucketApi, n: number, threadId: string): Promise<Json> {
  const refuse = (why: string) => new ToolFailure("validation_failed", `${why} Nothing was changed. Pass a thread id exactly as list_review_threads returns it.`, { fieldErrors: { threadId: [why] } });
  if (!/^\d{1,12}$/.test(threadId)) throw refuse(`"${threadId.slice(0, 40)}" is not a Bitbucket thread id (the id of the thread's first comment).`);
  let root: Json;
  try {
    root = await api.get(`${commentsPath(api, n)}/${threadId}`);
  } catch (e) {
    if (e instanceof ToolFailure && e.code === "repository_permission_denied") {
      await api.get(`${repoPath(api.ctx)}/pullrequests/${n}`);
      throw refuse(`Pull request #${n} has no comment ${threadId}.`);
    }
    throw e;
  }
  if (at(root, "parent", "id") !== undefined) throw refuse(`Comment ${threadId} is a reply, not the start of a thread.`);
  return root;
}

async function setResolved(api: BitbucketApi, n: number, root: Json, resolved: boolean): Promise<boolean> {
  const isResolved = root.resolution !== undefined && root.resolution !== null;
  if (isResolved === resolved) return false;
  await api.send(resolved ? "POST" : "DELETE", `${commentsPath(api, n)}/${String(root.id)}/resolve`);
  return true;
}

export const reviewCommentTools = {
  list_pull_request_comments: async (ctx, input) => {
    const { comments, truncated } = await allComments(bitbucketApi(ctx), input.number);
    const page = offsetPage(
      comments.filter((c) => !c.inline).map(commentItem),
      input.cursor,
      input.limit,
    );
    return { url: null, data: { comments: page.items, hasMore: page.hasMore, nextCursor: page.nextCursor, ...(truncated ? { notes: [TRUNCATED] } : {}) } };
  },

  list_review_threads: async (ctx, input) => {
    const { comments, truncated } = await allComments(bitbucketApi(ctx), input.number);
    const threads = comments
      .filter((c) => c.inline && at(c, "parent", "id") === undefined)
      .map((root) => threadOf(root, comments))
      .filter((t) => input.state === "all" || t.resolved === (input.state === "resolved"));
    const page = offsetPage(threads, input.cursor, input.limit);
    return { url: null, data: { threads: page.items, hasMore: page.hasMore, nextCursor: page.nextCursor, ...(truncated ? { notes: [TRUNCATED] } : {}) } };
  },

  add_review_comment: async (ctx, input) => {
    const api = bitbucketApi(ctx);
    const notes: string[] = [];
    if (input.commit) {
      const pr = await api.get(`${repoPath(ctx)}/pullrequests/${input.number}`);
      const head = String(at(pr, "source", "commit", "hash") ?? "");
      if (head && !input.commit.startsWith(head)) notes.push("Bitbucket anchors inline comments to the pull request's current diff, not to a commit: the comment is on the latest version of the line.");
    }
    const comment = await api.send("POST", commentsPath(api, input.number), { content: { raw: input.body }, inline: inlineFor(input.path, input.line, input.side) });
    const result = made(comment);
    return { url: result.url, data: { comment: result, threadId: result.id, ...(notes.length ? { notes } : {}) } };
  },

  reply_to_review_thread: async (ctx, input) => {
    const api = bitbucketApi(ctx);
    const root = await threadRoot(api, input.number, input.threadId);
    const reply = made(await api.send("POST", commentsPath(api, input.number), { content: { raw: input.body }, parent: { id: Number(input.threadId) } }));
    const wasResolved = root.resolution !== undefined && root.resolution !== null;
    if (input.resolve) await setResolved(api, input.number, root, true);
    return { url: reply.url, data: { comment: reply, threadId: input.threadId, resolved: input.resolve || wasResolved } };
  },

  resolve_review_thread: async (ctx, input) => {
    const api = bitbucketApi(ctx);
    const root = await threadRoot(api, input.number, input.threadId);
    const changed = await setResolved(api, input.number, root, input.resolved);
    const notes = changed ? undefined : [`The thread was already ${input.resolved ? "resolved" : "unresolved"}.`];
    return { url: htmlOf(root), data: { threadId: input.threadId, resolved: input.resolved, ...(notes ? { notes } : {}) } };
  },
} satisfies Pick<ScmBackend, "list_pull_request_comments" | "list_review_threads" | "add_review_comment" | "reply_to_review_thread" | "resolve_review_thread">;
