import type { ScmBackend } from "../../agent-tools/backend";
import { ToolFailure } from "../../agent-tools/tool-error";
import type { ThreadItem } from "../../agent-tools/tool-output";
import { setResolved, threadOf, threadPage, threadStartedBy, threadView } from "./graphql";
import { afterApplied, call, client, mapFailure, ownerAndName } from "./octokit";
import { linksNext, MAX_PAGES_READ, readPage } from "./paging";
import { madeComment, reviewView } from "./views";

export const listReviews: ScmBackend["list_reviews"] = async (ctx, input) => {
  const octokit = client(ctx);
  const page = await readPage({
    cursor: input.cursor,
    limit: input.limit,
    fetch: async (page, perPage) => {
      const answer = await call(ctx, () => octokit.rest.pulls.listReviews({ ...ownerAndName(ctx), pull_number: input.number, per_page: perPage, page }));
      return { items: answer.data.map(reviewView), hasNext: linksNext(answer.headers.link) };
    },
  });
  return { url: null, data: { reviews: page.items, hasMore: page.hasMore, nextCursor: page.nextCursor } };
};

/**
 * Review threads through GraphQL, which alone says whether a thread is resolved. The position is
 * GraphQL's own cursor of the last thread answered, so a state filter can skip threads and still
 * go on exactly after the last one shown; pages are read ahead until one thread more than asked
 * for is found (so `hasMore` is exact), up to `MAX_PAGES_READ` pages.
 */
export const listReviewThreads: ScmBackend["list_review_threads"] = async (ctx, input) => {
  const where = { ...ownerAndName(ctx), number: input.number };
  const keep = (t: { isResolved: boolean }) => input.state === "all" || t.isResolved === (input.state === "resolved");
  const first = input.state === "all" ? Math.min(100, input.limit + 1) : 100;
  const threads: { cursor: string; thread: ThreadItem }[] = [];
  let after = input.cursor;
  for (let read = 0; read < MAX_PAGES_READ; read++) {
    const page = await threadPage(ctx, where, first, after);
    for (const edge of page.edges) {
      if (!keep(edge.node)) continue;
      if (threads.length === input.limit) return { url: null, data: { threads: threads.map((t) => t.thread), hasMore: true, nextCursor: threads.at(-1)?.cursor ?? after ?? null } };
      threads.push({ cursor: edge.cursor, thread: threadView(edge.node) });
    }
    if (!page.pageInfo.hasNextPage || !page.pageInfo.endCursor) return { url: null, data: { threads: threads.map((t) => t.thread), hasMore: false, nextCursor: null } };
    after = page.pageInfo.endCursor;
  }
  return { url: null, data: { threads: threads.map((t) => t.thread), hasMore: true, nextCursor: after ?? null } };
};

export const addReviewComment: ScmBackend["add_review_comment"] = async (ctx, input) => {
  const octokit = client(ctx);
  const where = ownerAndName(ctx);
  const commit = input.commit ?? (await call(ctx, () => octokit.rest.pulls.get({ ...where, pull_number: input.number }))).data.head.sha;
  const { data } = await call(ctx, () =>
    octokit.rest.pulls.createReviewComment({ ...where, pull_number: input.number, commit_id: commit, path: input.path, line: input.line, side: input.side, body: input.body }),
  );
  const threadId = await threadStartedBy(ctx, { ...where, number: input.number }, data.id);
  const notes = threadId ? undefined : ["The new thread's id could not be read back; list_review_threads shows the thread."];
  return { url: data.html_url, data: { comment: madeComment(data), threadId, ...(notes ? { notes } : {}) } };
};

export const replyToReviewThread: ScmBackend["reply_to_review_thread"] = async (ctx, input) => {
  const octokit = client(ctx);
  // A reply goes to the thread's first comment (REST), named by the thread's GraphQL id.
  const thread = await threadOf(ctx, input.threadId, input.number);
  const { data } = await call(ctx, () =>
    octokit.rest.pulls.createReplyForReviewComment({ ...ownerAndName(ctx), pull_number: input.number, comment_id: thread.firstCommentId, body: input.body }),
  );
  let resolved = thread.resolved;
  if (input.resolve && !resolved) {
    try {
      resolved = await setResolved(ctx, input.threadId, true, input.number);
    } catch (e) {
      const failure = e instanceof ToolFailure ? e : mapFailure(ctx, e);
      throw afterApplied(new ToolFailure(failure.code, `the thread could not be resolved: ${failure.message}`, { retryAfterSeconds: failure.retryAfterSeconds }), [`The reply (${data.html_url})`]);
    }
  }
  return { url: data.html_url, data: { comment: madeComment(data), threadId: input.threadId, resolved } };
};

export const resolveReviewThread: ScmBackend["resolve_review_thread"] = async (ctx, input) => {
  const thread = await threadOf(ctx, input.threadId, input.number);
  const notes = thread.resolved === input.resolved ? [`The thread was already ${input.resolved ? "resolved" : "unresolved"}.`] : undefined;
  const resolved = notes ? thread.resolved : await setResolved(ctx, input.threadId, input.resolved, input.number);
  return { url: null, data: { threadId: input.threadId, resolved, ...(notes ? { notes } : {}) } };
};

export const submitReview: ScmBackend["submit_review"] = async (ctx, input) => {
  const octokit = client(ctx);
  const where = { ...ownerAndName(ctx), pull_number: input.number };
  const comments = input.comments?.map((c) => ({ path: c.path, line: c.line, side: c.side, body: c.body }));
  const { data } = await call(ctx, () => octokit.rest.pulls.createReview({ ...where, event: input.event, body: input.body, comments }));
  const review = { id: String(data.id), state: data.state, url: data.html_url, author: data.user?.login ?? null };
  if (!comments?.length) return { url: review.url, data: { review } };
  const made = await call(ctx, () => octokit.rest.pulls.listCommentsForReview({ ...where, review_id: data.id, per_page: 100 }));
  return { url: review.url, data: { review, comments: made.data.map(madeComment) } };
};
