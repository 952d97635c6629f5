import { fileDiff, type FileDiff } from "../git/repos";
import type { Ctx } from "../http/server";
import type { Router } from "../http/router";
import type { Comment, PullRequest, Repo, Review, ReviewState } from "../types";
import { DOCS, ghNotFound, paginate, repoAccess, type GhEnv } from "./common";
import { diffHunkFor, findPull, refreshHead } from "./pulls";
import { gh } from "./repos";
import { pullRequestReview, reviewComment } from "./serialize-issues";

const DOC_CREATE = "/rest/pulls/reviews#create-a-review-for-a-pull-request";
const DOC_LIST = "/rest/pulls/reviews#list-reviews-for-a-pull-request";
const DOC_GET = "/rest/pulls/reviews#get-a-review-for-a-pull-request";

/** The review state each `event` submits; no event leaves the review pending. */
const EVENTS: Record<string, ReviewState> = { APPROVE: "APPROVED", REQUEST_CHANGES: "CHANGES_REQUESTED", COMMENT: "COMMENTED" };

/** Rails joins a thread's validation messages into one sentence, and GitHub passes it on. */
const THREAD_ERRORS = {
  path: "Pull request review thread path is invalid and Pull request review thread diff hunk can't be blank",
  line: "Pull request review thread line must be part of the diff and Pull request review thread diff hunk can't be blank",
  position: "Pull request review thread position is invalid and Pull request review thread diff hunk can't be blank",
} as const;

/** An inline comment of the request, checked against the endpoint's schema. */
export interface DraftComment {
  path: string;
  body: string;
  line?: number;
  side: "LEFT" | "RIGHT";
  position?: number;
}

/** This endpoint's 422 (`validation-error-simple`): the reasons as plain strings. */
function unprocessable(ctx: Ctx, errors: string[]): void {
  ctx.json(422, { message: "Unprocessable Entity", errors, documentation_url: `${DOCS}${DOC_CREATE}`, status: "422" });
}

/** GitHub's answer to a body its JSON schema for the endpoint rejects. */
function invalidRequest(ctx: Ctx, detail: string): void {
  ctx.json(422, { message: `Invalid request.\n\n${detail}`, documentation_url: `${DOCS}${DOC_CREATE}`, status: "422" });
}

/** Checks the `comments` items' types, as GitHub's schema does; a string is the complaint. */
function parseComments(value: unknown): DraftComment[] | string {
  if (value === undefined) return [];
  if (!Array.isArray(value)) return `For 'properties/comments', ${JSON.stringify(value)} is not an array.`;
  const drafts: DraftComment[] = [];
  for (const raw of value as unknown[]) {
    if (!raw || typeof raw !== "object" || Array.isArray(raw)) return `For 'items', ${JSON.stringify(raw)} is not an object.`;
    const item = raw as Record<string, unknown>;
    for (const field of ["path", "body"]) {
      if (item[field] === undefined) return `"${field}" wasn't supplied.`;
      if (typeof item[field] !== "string") return `For 'properties/${field}', ${JSON.stringify(item[field])} is not a string.`;
    }
    for (const field of ["line", "position"]) {
      if (item[field] !== undefined && !Number.isInteger(item[field])) return `For 'properties/${field}', ${JSON.stringify(item[field])} is not an integer.`;
    }
    if (item.side !== undefined && typeof item.side !== "string") return `For 'properties/side', ${JSON.stringify(item.side)} is not a string.`;
    drafts.push({
      path: item.path as string,
      body: item.body as string,
      line: item.line as number | undefined,
      side: item.side === "LEFT" ? "LEFT" : "RIGHT",
      position: item.position as number | undefined,
    });
  }
  return drafts;
}

/**
 * The line a legacy `position` points at: lines counted down from the file's first `@@` header,
 * later hunk headers included. A removed line is on the LEFT, any other on the RIGHT.
 */
function lineAtPosition(diff: FileDiff, position: number): { line: number; side: "LEFT" | "RIGHT" } | null {
  let at = 0;
  for (const [index, hunk] of diff.hunks.entries()) {
    if (index > 0 && ++at === position) return null;
    let oldLine = hunk.oldStart;
    let newLine = hunk.newStart;
    for (const row of hunk.body) {
      const mark = row[0];
      if (++at === position) return mark === "-" ? { line: oldLine, side: "LEFT" } : { line: newLine, side: "RIGHT" };
      if (mark !== "-") newLine += 1;
      if (mark !== "+") oldLine += 1;
    }
  }
  return null;
}

/** Places an inline comment on the diff as the review comment endpoint does, or says why it cannot. */
async function placeComment(env: GhEnv, repo: Repo, pr: PullRequest, draft: DraftComment): Promise<{ line: number; side: "LEFT" | "RIGHT"; hunk: string } | string> {
  let { line, side } = draft;
  if (line === undefined && draft.position !== undefined) {
    const diff = await fileDiff(repo.diskPath, env.home, pr.baseSha, pr.headSha, draft.path);
    if (!diff) return THREAD_ERRORS.path;
    const found = lineAtPosition(diff, draft.position);
    if (!found) return THREAD_ERRORS.position;
    ({ line, side } = found);
  }
  if (line === undefined) return THREAD_ERRORS.line;
  const located = await diffHunkFor(env, repo, pr, { path: draft.path, line, side });
  return "invalid" in located ? THREAD_ERRORS[located.invalid] : { line, side, hunk: located.hunk };
}

/** A pending review is visible to its author only, as on GitHub. */
function visibleTo(review: Review, userId: number | undefined): boolean {
  return review.state !== "PENDING" || review.authorId === userId;
}

/**
 * Creates a review as `authorId`, GitHub's rules applied: the author may not approve or request
 * changes on their own pull request, those events and COMMENT need a body unless inline comments
 * are given, one pending review per user, and every inline comment is placed on the diff before
 * anything is stored (a review is made whole or not at all). The refusals are GitHub's 422 reasons.
 */
export async function createReview(
  env: GhEnv,
  repo: Repo,
  pr: PullRequest,
  input: { authorId: number; state: ReviewState; text: string; drafts: DraftComment[]; commitId?: string; event?: string },
): Promise<{ review: Review } | { errors: string[] }> {
  const { authorId, state, text, drafts, commitId } = input;
  if (pr.authorId === authorId && state === "APPROVED") return { errors: ["Can not approve your own pull request"] };
  if (pr.authorId === authorId && state === "CHANGES_REQUESTED") return { errors: ["Can not request changes on your own pull request"] };
  // GitHub documents the body as required for these two events; a review carrying inline
  // comments goes through without one. (The wording of this refusal is the sandbox's own.)
  if ((state === "CHANGES_REQUESTED" || state === "COMMENTED") && text.trim() === "" && drafts.length === 0) {
    return { errors: [`Body is required when using ${input.event ?? (state === "COMMENTED" ? "COMMENT" : "REQUEST_CHANGES")}`] };
  }
  if (env.store.reviews.some((r) => r.repoId === repo.id && r.number === pr.number && r.authorId === authorId && r.state === "PENDING")) {
    return { errors: ["User can only have one pending review per pull request"] };
  }
  await refreshHead(env, repo, pr);
  if (commitId !== undefined && (commitId === "" || !pr.headSha.startsWith(commitId))) {
    return { errors: ["commit_id is not part of the pull request"] };
  }
  const placed: { draft: DraftComment; line: number; side: "LEFT" | "RIGHT"; hunk: string }[] = [];
  for (const draft of drafts) {
    const spot = await placeComment(env, repo, pr, draft);
    if (typeof spot === "string") return { errors: [spot] };
    placed.push({ draft, ...spot });
  }
  const now = Date.now();
  const review: Review = {
    id: env.store.nextId(),
    repoId: repo.id,
    number: pr.number,
    authorId,
    body: text,
    state,
    commitId: pr.headSha,
    submittedAt: state === "PENDING" ? null : now,
  };
  env.store.reviews.push(review);
  for (const { draft, line, side, hunk } of placed) {
    const comment: Comment = {
      id: env.store.nextId(),
      repoId: repo.id,
      kind: "review",
      number: pr.number,
      target: "pull",
      body: draft.body,
      authorId,
      path: draft.path,
      line,
      side,
      commitId: pr.headSha,
      diffHunk: hunk,
      discussionId: null,
      inReplyToId: null,
      position: null,
      createdAt: now,
      reviewId: review.id,
    };
    env.store.comments.push(comment);
  }
  return { review };
}

/** Pull request reviews: create (with inline comments), list and get. */
export function registerReviewRoutes(router: Router, env: GhEnv): void {
  router.on(
    "POST",
    "/repos/:owner/:repo/pulls/:pull_number/reviews",
    gh(env, async (ctx, auth) => {
      // Reviewing is commenting: a read-only collaborator may, but the token must allow writes.
      const access = repoAccess(ctx, env, auth, { user: "read", token: "write" }, DOC_CREATE);
      if (!access || !auth.user) return;
      const { repo } = access;
      const pr = findPull(env, repo, ctx);
      if (!pr) return ghNotFound(ctx, DOC_CREATE);
      const raw = await ctx.jsonBody();
      const body = raw && typeof raw === "object" && !Array.isArray(raw) ? (raw as Record<string, unknown>) : {};

      const event = body.event;
      if (event !== undefined && (typeof event !== "string" || !Object.hasOwn(EVENTS, event))) {
        return invalidRequest(ctx, `For 'properties/event', ${JSON.stringify(event)} is not one of ["APPROVE", "REQUEST_CHANGES", "COMMENT"].`);
      }
      for (const field of ["body", "commit_id"]) {
        if (body[field] !== undefined && typeof body[field] !== "string") return invalidRequest(ctx, `For 'properties/${field}', ${JSON.stringify(body[field])} is not a string.`);
      }
      const drafts = parseComments(body.comments);
      if (typeof drafts === "string") return invalidRequest(ctx, drafts);
      const state: ReviewState = typeof event === "string" ? (EVENTS[event] as ReviewState) : "PENDING";
      const text = typeof body.body === "string" ? body.body : "";

      const commitId = typeof body.commit_id === "string" ? body.commit_id : undefined;
      const made = await createReview(env, repo, pr, { authorId: auth.user.id, state, text, drafts, commitId, event: event as string | undefined });
      if ("errors" in made) return unprocessable(ctx, made.errors);
      const { review } = made;
      ctx.json(200, pullRequestReview(env, repo, review));
    }),
  );

  router.on(
    "GET",
    "/repos/:owner/:repo/pulls/:pull_number/reviews",
    gh(env, (ctx, auth) => {
      const access = repoAccess(ctx, env, auth, "read", DOC_LIST);
      if (!access) return;
      const pr = findPull(env, access.repo, ctx);
      if (!pr) return ghNotFound(ctx, DOC_LIST);
      const reviews = env.store.reviews.filter((r) => r.repoId === access.repo.id && r.number === pr.number && visibleTo(r, auth.user?.id));
      ctx.json(200, paginate(ctx, reviews).map((r) => pullRequestReview(env, access.repo, r)));
    }),
  );

  router.on(
    "GET",
    "/repos/:owner/:repo/pulls/:pull_number/reviews/:review_id/comments",
    gh(env, (ctx, auth) => {
      const doc = "/rest/pulls/reviews#list-comments-for-a-pull-request-review";
      const access = repoAccess(ctx, env, auth, "read", doc);
      if (!access) return;
      const pr = findPull(env, access.repo, ctx);
      const id = Number(ctx.params.review_id);
      const review = pr && env.store.reviews.find((r) => r.id === id && r.repoId === access.repo.id && r.number === pr.number);
      if (!review || !visibleTo(review, auth.user?.id)) return ghNotFound(ctx, doc);
      const comments = env.store.comments.filter((c) => c.kind === "review" && c.reviewId === review.id);
      ctx.json(
        200,
        paginate(ctx, comments).map((c) => {
          // The legacy diff position: the lines below the hunk header down to the comment's line.
          const position = Math.max(1, (c.diffHunk ?? "").split("\n").length - 1);
          return { ...reviewComment(env, access.repo, c), position, original_position: position };
        }),
      );
    }),
  );

  router.on(
    "GET",
    "/repos/:owner/:repo/pulls/:pull_number/reviews/:review_id",
    gh(env, (ctx, auth) => {
      const access = repoAccess(ctx, env, auth, "read", DOC_GET);
      if (!access) return;
      const pr = findPull(env, access.repo, ctx);
      const id = Number(ctx.params.review_id);
      const review = pr && env.store.reviews.find((r) => r.id === id && r.repoId === access.repo.id && r.number === pr.number);
      if (!review || !visibleTo(review, auth.user?.id)) return ghNotFound(ctx, DOC_GET);
      ctx.json(200, pullRequestReview(env, access.repo, review));
    }),
  );
}
