import type { MadeComment, ScmBackend } from "../../agent-tools/backend";
import { ToolFailure } from "../../agent-tools/tool-error";
import type { ReviewItem } from "../../agent-tools/tool-output";
import { loginOf, me } from "./people";
import { getPull } from "./pull-requests";
import { isResolved, isReviewThread, pullPage as prPage, threadPage, threadView, type AzComment, type AzPullRequest, type AzThread } from "./pull-request-views";
import { AzureRest, pageOf } from "./rest";

/**
 * Reviews on Azure DevOps: there is no review object, only each reviewer's vote (10 approved,
 * 5 approved with suggestions, 0 none, -5 waiting for the author, -10 rejected) and comment
 * threads, those with a `threadContext` being on lines of a file.
 */

type List<T> = { value?: T[] };
type ReviewTools = Pick<ScmBackend, "list_reviews" | "list_review_threads" | "add_review_comment" | "reply_to_review_thread" | "resolve_review_thread" | "submit_review">;

const VOTE_STATES: Record<number, ReviewItem["state"]> = { 10: "APPROVED", 5: "APPROVED", [-5]: "CHANGES_REQUESTED", [-10]: "CHANGES_REQUESTED" };
const VOTE_NAMES: Record<number, string> = { 10: "approved", 5: "approved with suggestions", [-5]: "waiting for author", [-10]: "rejected" };

type Line = { path: string; line: number; side: "LEFT" | "RIGHT"; body: string };

/** A new thread on one line of a file (`threadContext` with the right or left file position). */
async function lineThread(rest: AzureRest, n: number, at: Line): Promise<AzThread> {
  const position = { line: at.line, offset: 1 };
  const threadContext = { filePath: `/${at.path}`, ...(at.side === "LEFT" ? { leftFileStart: position, leftFileEnd: position } : { rightFileStart: position, rightFileEnd: position }) };
  return (await rest.call<AzThread>("POST", rest.repo(`pullRequests/${n}/threads`), { json: { comments: [{ parentCommentId: 0, content: at.body, commentType: "text" }], status: "active", threadContext } })).body;
}

/** A new conversation thread (no file). */
async function conversationThread(rest: AzureRest, n: number, body: string): Promise<AzThread> {
  return (await rest.call<AzThread>("POST", rest.repo(`pullRequests/${n}/threads`), { json: { comments: [{ parentCommentId: 0, content: body, commentType: "text" }], status: "active" } })).body;
}

function made(page: string, thread: AzThread): MadeComment {
  const first = thread.comments?.[0];
  return { id: first ? `${thread.id}/${first.id}` : String(thread.id), url: threadPage(page, thread.id), author: loginOf(first?.author) };
}

/** The thread named by the agent's id, from the pull request's threads (so a wrong id is named as such). */
async function findThread(rest: AzureRest, n: number, threadId: string): Promise<AzThread> {
  const id = /^\d+$/.test(threadId) ? Number(threadId) : NaN;
  const threads = await rest.get<List<AzThread>>(rest.repo(`pullRequests/${n}/threads`));
  const thread = (threads.value ?? []).find((t) => t.id === id && !t.isDeleted);
  if (!thread) {
    throw new ToolFailure("validation_failed", `Pull request !${n} has no thread "${threadId.slice(0, 64)}"; nothing was changed. list_review_threads lists the threads and their ids.`, {
      fieldErrors: { threadId: ["No such thread on this pull request."] },
    });
  }
  return thread;
}

async function setStatus(rest: AzureRest, n: number, threadId: number, resolved: boolean): Promise<AzThread> {
  return (await rest.call<AzThread>("PATCH", rest.repo(`pullRequests/${n}/threads/${threadId}`), { json: { status: resolved ? "fixed" : "active" } })).body;
}

export const reviewTools: ReviewTools = {
  async list_reviews(ctx, input) {
    const rest = new AzureRest(ctx);
    const pr = await getPull(rest, input.number);
    const reviews: ReviewItem[] = (pr.reviewers ?? [])
      .filter((r) => (r.vote ?? 0) !== 0)
      .map((r) => ({ id: r.id ?? null, author: loginOf(r), state: VOTE_STATES[r.vote ?? 0] ?? "COMMENTED", body: "", submittedAt: null, url: prPage(rest.target, pr), vote: r.vote, verdict: VOTE_NAMES[r.vote ?? 0] ?? null }));
    const { items, hasMore, nextCursor } = pageOf(reviews, input.limit, input.cursor);
    const notes = [
      "Azure DevOps has votes, not reviews: each reviewer's current vote is listed (10 approved and 5 approved with suggestions as APPROVED, -5 waiting for author and -10 rejected as CHANGES_REQUESTED); reviewers who have not voted are left out, and what they wrote is in the threads (list_pull_request_comments, list_review_threads).",
    ];
    return { url: null, data: { reviews: items, hasMore, nextCursor, notes } };
  },

  async list_review_threads(ctx, input) {
    const rest = new AzureRest(ctx);
    const threads = await rest.get<List<AzThread>>(rest.repo(`pullRequests/${input.number}/threads`));
    const page = prPage(rest.target, { pullRequestId: input.number } as AzPullRequest);
    const wanted = (threads.value ?? []).filter(isReviewThread).filter((t) => input.state === "all" || (input.state === "resolved") === isResolved(t));
    const { items, hasMore, nextCursor } = pageOf(wanted, input.limit, input.cursor);
    return {
      url: null,
      data: { threads: items.map((t) => threadView(page, t)), hasMore, nextCursor, notes: ["Azure DevOps: threads with status active or pending are unresolved; fixed, closed, won't fix and by design are resolved."] },
    };
  },

  async add_review_comment(ctx, input) {
    const rest = new AzureRest(ctx);
    const pr = await getPull(rest, input.number);
    const head = pr.lastMergeSourceCommit?.commitId;
    if (input.commit && head && input.commit !== head) {
      throw new ToolFailure("validation_failed", `The commit is not pull request !${input.number}'s latest head (${head}); Azure DevOps places comments on the latest iteration.`, { fieldErrors: { commit: [`Use ${head}, or omit it.`] } });
    }
    const thread = await lineThread(rest, input.number, input);
    const comment = made(prPage(rest.target, pr), thread);
    return { url: comment.url, data: { comment, threadId: String(thread.id) } };
  },

  async reply_to_review_thread(ctx, input) {
    const rest = new AzureRest(ctx);
    const thread = await findThread(rest, input.number, input.threadId);
    const first = humanFirst(thread);
    const reply = (await rest.call<AzComment>("POST", rest.repo(`pullRequests/${input.number}/threads/${thread.id}/comments`), { json: { content: input.body, parentCommentId: first, commentType: "text" } })).body;
    const resolved = input.resolve ? isResolved(await setStatus(rest, input.number, thread.id, true)) : isResolved(thread);
    const url = threadPage(prPage(rest.target, { pullRequestId: input.number } as AzPullRequest), thread.id);
    return { url, data: { comment: { id: `${thread.id}/${reply.id}`, url, author: loginOf(reply.author) }, threadId: String(thread.id), resolved } };
  },

  async resolve_review_thread(ctx, input) {
    const rest = new AzureRest(ctx);
    const thread = await findThread(rest, input.number, input.threadId);
    const updated = await setStatus(rest, input.number, thread.id, input.resolved);
    const url = threadPage(prPage(rest.target, { pullRequestId: input.number } as AzPullRequest), thread.id);
    return { url, data: { threadId: String(thread.id), resolved: isResolved(updated), notes: [`Azure DevOps: the thread's status is now ${updated.status ?? "unknown"}.`] } };
  },

  async submit_review(ctx, input) {
    const rest = new AzureRest(ctx);
    const pr = await getPull(rest, input.number);
    const page = prPage(rest.target, pr);
    const notes: string[] = [];
    // Inline comments first: a refused line leaves no vote behind.
    const comments: MadeComment[] = [];
    for (const c of input.comments ?? []) comments.push(made(page, await lineThread(rest, input.number, c)));
    const bodyThread = input.body ? await conversationThread(rest, input.number, input.body) : null;
    const owner = await me(rest);
    if (input.event !== "COMMENT") {
      const vote = input.event === "APPROVE" ? 10 : -5;
      await rest.call("PUT", rest.repo(`pullRequests/${input.number}/reviewers/${encodeURIComponent(owner.id)}`), { json: { vote } });
      notes.push(
        input.event === "APPROVE"
          ? "Azure DevOps records an approval as a vote: the owner's vote is now 10 (approved)."
          : "Azure DevOps has no request-changes review: the owner's vote is now -5 (waiting for author).",
      );
    }
    if (bodyThread) notes.push("Azure DevOps has no review text: the body was posted as a comment thread on the pull request.");
    if (comments.length > 0) notes.push("Each inline comment started its own thread.");
    const state = input.event === "APPROVE" ? "APPROVED" : input.event === "REQUEST_CHANGES" ? "CHANGES_REQUESTED" : "COMMENTED";
    const review = { id: bodyThread ? String(bodyThread.id) : null, state, url: bodyThread ? threadPage(page, bodyThread.id) : page, author: owner.user.login };
    return { url: review.url, data: { review, ...(comments.length ? { comments } : {}), notes } };
  },
};

/** The id of a thread's first comment written by a person (replies hang under it). */
function humanFirst(thread: AzThread): number {
  return (thread.comments ?? []).find((c) => c.commentType !== "system")?.id ?? 1;
}
