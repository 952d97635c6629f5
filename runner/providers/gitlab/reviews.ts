import type { BackendContext, MadeComment, ScmBackend } from "../../agent-tools/backend";
import { isToolFailure, ToolFailure } from "../../agent-tools/tool-error";
import type { ReviewItem, ThreadItem } from "../../agent-tools/tool-output";
import { gitlabClient } from "./gitlab-client";
import { offsetPage, readPage, slicePage } from "./paging";
import { noteComment, noteUrl, type GitlabDiscussion, type GitlabMergeRequest, type GitlabNote, type GitlabUser } from "./views";

type ReviewTools = "list_reviews" | "list_review_threads" | "add_review_comment" | "reply_to_review_thread" | "resolve_review_thread" | "submit_review";

type Api = ReturnType<typeof gitlabClient>;

type ApprovalState = { user_has_approved?: boolean; user_can_approve?: boolean; approved_by?: { user?: GitlabUser; approved_at?: string | null }[] };

/** `GET .../merge_requests/:iid/reviewers`: each reviewer and their review state. */
type GitlabReviewer = { user?: GitlabUser; state?: string; created_at?: string | null };

const REVIEWS_MEAN =
  "GitLab has no review objects: these are the merge request's approvals, and the reviewers who reviewed (commented) or requested changes; the comments themselves are in list_pull_request_comments and list_review_threads.";

/** A diff discussion's thread, as the tools report it. */
export function threadItem(mrUrl: string, headSha: string | null, d: GitlabDiscussion): ThreadItem {
  const notes = (d.notes ?? []).filter((n) => !n.system);
  const first = notes[0];
  const position = first?.position ?? null;
  const onNew = position?.new_line !== null && position?.new_line !== undefined;
  return {
    id: d.id,
    resolved: notes.filter((n) => n.resolvable).every((n) => n.resolved === true),
    // GitLab moves a thread's position along with new pushes while its line stays; one left on an
    // older head is on lines that changed since.
    outdated: Boolean(position?.head_sha && headSha && position.head_sha !== headSha),
    path: (onNew ? position?.new_path : (position?.old_path ?? position?.new_path)) ?? null,
    line: (onNew ? position?.new_line : position?.old_line) ?? null,
    side: position ? (onNew ? "RIGHT" : "LEFT") : null,
    comments: notes.map((n) => noteComment(mrUrl, n)),
    url: first ? noteUrl(mrUrl, first.id) : mrUrl,
  };
}

/** A discussion on lines of the diff: what the tools call a review thread. */
function isDiffDiscussion(d: GitlabDiscussion): boolean {
  const first = d.notes?.[0];
  return Boolean(first && (first.type === "DiffNote" || first.position));
}

/** Discussion ids are 40 hexadecimal characters; anything else is refused before GitLab is asked. */
function checkThreadId(threadId: string): void {
  if (!/^[0-9a-f]{40}$/.test(threadId)) {
    throw new ToolFailure("validation_failed", "This is not a GitLab thread id: pass an id exactly as list_review_threads returns it. Nothing was done.", {
      fieldErrors: { threadId: ["Not a thread id from list_review_threads."] },
    });
  }
}

/** A refusal on a thread, told apart from "no such thread" (GitLab answers 404 for both). */
async function threadFailure(api: Api, ctx: BackendContext, number: number, threadId: string, e: unknown): Promise<unknown> {
  if (!isToolFailure(e) || e.code !== "repository_permission_denied") return e;
  const found = await api.MergeRequestDiscussions.show(ctx.repository, number, threadId).then(
    () => true,
    (again: unknown) => (isToolFailure(again) && again.code === "repository_permission_denied" ? false : null),
  );
  if (found !== false) return e;
  return new ToolFailure("scm_item_not_found", `Merge request !${number} in ${ctx.repository} has no thread ${threadId}: list_review_threads lists its threads. Nothing was done.`);
}

function notEligibleToApprove(number: number): ToolFailure {
  return new ToolFailure(
    "validation_failed",
    `GitLab does not let the environment owner approve merge request !${number}: an author cannot approve their own merge request, and approving needs at least the Developer role. Nothing was submitted.`,
    { fieldErrors: { event: ["Not eligible to approve this merge request; submit a COMMENT review instead."] } },
  );
}

/** The diff position of a line, on the merge request's latest diff version. */
function position(mr: GitlabMergeRequest, comment: { path: string; line: number; side: "LEFT" | "RIGHT" }) {
  const refs = mr.diff_refs;
  if (!refs) throw new ToolFailure("validation_failed", `Merge request !${mr.iid} has no diff to comment on yet. Nothing was done.`);
  const line = String(comment.line);
  return {
    baseSha: refs.base_sha,
    startSha: refs.start_sha,
    headSha: refs.head_sha,
    positionType: "text" as const,
    oldPath: comment.path,
    newPath: comment.path,
    ...(comment.side === "LEFT" ? { oldLine: line } : { newLine: line }),
  };
}

/** A 400 on a diff position is GitLab saying the line is not in the diff. */
function lineNotInDiff(e: unknown, what: string): unknown {
  if (isToolFailure(e) && e.code === "validation_failed") {
    return new ToolFailure("validation_failed", `${what} is not on a line of the merge request's diff (GitLab answered: ${e.message}). Use a line that list_pull_request_files shows in the patch, with side LEFT for removed lines.`, {
      fieldErrors: e.fieldErrors,
    });
  }
  return e;
}

/**
 * Approves a merge request. GitLab refuses an approver it finds ineligible (by default the merge
 * request's own author) with a bare 401, which read as a dead token would mark the owner's
 * connection revoked. So the approval state is read first with the same token: that refusal is
 * named for what it is, and an approval already given stands (approving again answers 304).
 */
async function approve(api: Api, ctx: BackendContext, number: number, state: ApprovalState): Promise<void> {
  if (state.user_has_approved) return;
  if (state.user_can_approve === false) throw notEligibleToApprove(number);
  try {
    await api.MergeRequestApprovals.approve(ctx.repository, number);
  } catch (e) {
    // The token was accepted a moment ago: a 401 now is the approval refused, not the token.
    if (isToolFailure(e) && e.code === "credential_needs_reauth") throw notEligibleToApprove(number);
    throw e;
  }
}

/** Review threads, inline comments, replies and resolving, and reviews (approvals on GitLab). */
export const reviewTools = {
  async list_reviews(ctx, input) {
    const api = gitlabClient(ctx);
    const mr = (await api.MergeRequests.show(ctx.repository, input.number)) as GitlabMergeRequest;
    const [approvals, reviewers] = await Promise.all([
      api.MergeRequestApprovals.showConfiguration(ctx.repository, { mergerequestIId: input.number }) as Promise<unknown> as Promise<ApprovalState>,
      // gitbeaker has no call for the reviewers' states (GitLab 16.6 and later); a GitLab without it answers 404.
      api.MergeRequests.requester.get(`projects/${encodeURIComponent(ctx.repository)}/merge_requests/${input.number}/reviewers`).then(
        (r) => (Array.isArray(r.body) ? (r.body as GitlabReviewer[]) : []),
        (e: unknown) => {
          if (isToolFailure(e) && e.code === "repository_permission_denied") return [];
          throw e;
        },
      ),
    ]);
    const approved: ReviewItem[] = (approvals.approved_by ?? []).map((a) => ({ id: null, author: a.user?.username ?? null, state: "APPROVED", body: "", submittedAt: a.approved_at ?? null, url: mr.web_url }));
    const verdicts: ReviewItem[] = reviewers.flatMap((r): ReviewItem[] => {
      const login = r.user?.username ?? null;
      if (approved.some((a) => a.author === login)) return [];
      const state = r.state === "requested_changes" ? "CHANGES_REQUESTED" : r.state === "reviewed" ? "COMMENTED" : null;
      return state ? [{ id: null, author: login, state, body: "", submittedAt: null, url: mr.web_url }] : [];
    });
    const page = slicePage([...approved.sort((a, b) => String(a.submittedAt).localeCompare(String(b.submittedAt))), ...verdicts], input.cursor, input.limit);
    return { url: null, data: { reviews: page.items, hasMore: page.hasMore, nextCursor: page.nextCursor, notes: [REVIEWS_MEAN] } };
  },

  async list_review_threads(ctx, input) {
    const api = gitlabClient(ctx);
    const mr = (await api.MergeRequests.show(ctx.repository, input.number)) as GitlabMergeRequest;
    const head = mr.sha ?? mr.diff_refs?.head_sha ?? null;
    const wanted = (d: GitlabDiscussion) => {
      if (!isDiffDiscussion(d)) return false;
      if (input.state === "all") return true;
      return threadItem(mr.web_url, head, d).resolved === (input.state === "resolved");
    };
    const page = await readPage({
      cursor: input.cursor,
      limit: input.limit,
      keep: wanted,
      fetch: async (p, perPage) => offsetPage(await api.MergeRequestDiscussions.all(ctx.repository, input.number, { page: p, perPage, pagination: "offset", showExpanded: true })),
    });
    return { url: null, data: { threads: (page.items as GitlabDiscussion[]).map((d) => threadItem(mr.web_url, head, d)), hasMore: page.hasMore, nextCursor: page.nextCursor } };
  },

  async add_review_comment(ctx, input) {
    const api = gitlabClient(ctx);
    const mr = (await api.MergeRequests.show(ctx.repository, input.number)) as GitlabMergeRequest;
    const at = position(mr, input);
    // A GitLab diff position is tied to one diff version: only the latest head is accepted here.
    if (input.commit && input.commit !== at.headSha) {
      throw new ToolFailure("validation_failed", `The commit is not merge request !${input.number}'s latest head (${at.headSha}). Nothing was done.`, {
        fieldErrors: { commit: [`Use ${at.headSha}, or omit it.`] },
      });
    }
    const discussion = (await api.MergeRequestDiscussions.create(ctx.repository, input.number, input.body, { position: at }).catch((e: unknown) => {
      throw lineNotInDiff(e, `${input.path}:${input.line}`);
    })) as GitlabDiscussion;
    const note = discussion.notes?.[0];
    const comment = { id: String(note?.id ?? discussion.id), url: noteUrl(mr.web_url, note?.id), author: note?.author?.username ?? null };
    return { url: comment.url, data: { comment, threadId: discussion.id } };
  },

  async reply_to_review_thread(ctx, input) {
    checkThreadId(input.threadId);
    const api = gitlabClient(ctx);
    const mr = (await api.MergeRequests.show(ctx.repository, input.number)) as GitlabMergeRequest;
    const note = (await api.MergeRequestDiscussions.addNote(ctx.repository, input.number, input.threadId, input.body).catch(async (e: unknown) => {
      throw await threadFailure(api, ctx, input.number, input.threadId, e);
    })) as GitlabNote;
    const comment: MadeComment = { id: String(note.id), url: noteUrl(mr.web_url, note.id), author: note.author?.username ?? null };
    let discussion: GitlabDiscussion;
    try {
      discussion = (input.resolve
        ? await api.MergeRequestDiscussions.resolve(ctx.repository, input.number, input.threadId, true)
        : await api.MergeRequestDiscussions.show(ctx.repository, input.number, input.threadId)) as GitlabDiscussion;
    } catch (e) {
      if (!isToolFailure(e)) throw e;
      throw new ToolFailure(e.code, `The reply was posted (${comment.url}), but ${input.resolve ? "resolving the thread" : "reading the thread back"} failed: ${e.message}${input.resolve ? " Resolving takes the Developer role or being the merge request's author." : ""}`, {
        fieldErrors: e.fieldErrors,
        retryAfterSeconds: e.retryAfterSeconds,
      });
    }
    const resolved = threadItem(mr.web_url, null, discussion).resolved;
    return { url: comment.url, data: { comment, threadId: input.threadId, resolved } };
  },

  async resolve_review_thread(ctx, input) {
    checkThreadId(input.threadId);
    const api = gitlabClient(ctx);
    const mr = (await api.MergeRequests.show(ctx.repository, input.number)) as GitlabMergeRequest;
    const discussion = (await api.MergeRequestDiscussions.resolve(ctx.repository, input.number, input.threadId, input.resolved).catch(async (e: unknown) => {
      throw await threadFailure(api, ctx, input.number, input.threadId, e);
    })) as GitlabDiscussion;
    const thread = threadItem(mr.web_url, null, discussion);
    return { url: thread.url, data: { threadId: input.threadId, resolved: thread.resolved } };
  },

  async submit_review(ctx, input) {
    const api = gitlabClient(ctx);
    const mr = (await api.MergeRequests.show(ctx.repository, input.number)) as GitlabMergeRequest;
    const approval: ApprovalState = input.event === "COMMENT" ? {} : ((await api.MergeRequestApprovals.showConfiguration(ctx.repository, { mergerequestIId: input.number })) as unknown as ApprovalState);
    if (input.event === "APPROVE" && !approval.user_has_approved && approval.user_can_approve === false) throw notEligibleToApprove(input.number);
    const notes: string[] = [];
    const inline = input.comments ?? [];
    let made: MadeComment[] = [];
    let bodyNote: MadeComment | null = null;
    if (inline.length > 0) {
      // GitLab's review: draft notes, published together. A draft GitLab refuses is withdrawn
      // with the others, so a failed review leaves nothing half-published.
      const drafts: number[] = [];
      try {
        if (input.body) drafts.push(((await api.MergeRequestDraftNotes.create(ctx.repository, input.number, input.body)) as { id: number }).id);
        for (const [i, c] of inline.entries()) {
          const draft = await api.MergeRequestDraftNotes.create(ctx.repository, input.number, c.body, { position: position(mr, c) }).catch((e: unknown) => {
            throw lineNotInDiff(e, `Inline comment ${i + 1} (${c.path}:${c.line})`);
          });
          drafts.push((draft as { id: number }).id);
        }
      } catch (e) {
        await Promise.all(drafts.map((id) => api.MergeRequestDraftNotes.remove(ctx.repository, input.number, id).catch(() => {})));
        if (isToolFailure(e)) throw new ToolFailure(e.code, `${e.message} No part of the review was published.`, { fieldErrors: e.fieldErrors, retryAfterSeconds: e.retryAfterSeconds });
        throw e;
      }
      await api.MergeRequestDraftNotes.publishBulk(ctx.repository, input.number);
      made = inline.map(() => ({ id: null, url: mr.web_url }));
      notes.push("GitLab publishes a review as draft notes: each inline comment started a diff thread (list_review_threads lists them with their ids).");
    } else if (input.body) {
      const note = (await api.MergeRequestNotes.create(ctx.repository, input.number, input.body)) as GitlabNote;
      bodyNote = { id: String(note.id), url: noteUrl(mr.web_url, note.id), author: note.author?.username ?? null };
    }
    if (input.event === "APPROVE") await approve(api, ctx, input.number, approval);
    if (input.event === "REQUEST_CHANGES") {
      if (approval.user_has_approved) {
        await api.MergeRequestApprovals.unapprove(ctx.repository, input.number);
        notes.push("GitLab's API has no request-changes state: the review was posted as comments, and the owner's earlier approval was withdrawn.");
      } else {
        notes.push("GitLab's API has no request-changes state: the review was posted as comments; the merge request is not approved by the owner.");
      }
    }
    const state = input.event === "APPROVE" ? "APPROVED" : "COMMENTED";
    const url = bodyNote?.url ?? mr.web_url;
    return { url, data: { review: { id: bodyNote?.id ?? null, state, url, author: bodyNote?.author ?? null }, ...(made.length ? { comments: made } : {}), ...(notes.length ? { notes } : {}) } };
  },
} satisfies Pick<ScmBackend, ReviewTools>;
