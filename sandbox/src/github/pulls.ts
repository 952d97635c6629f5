import { diffSummary, fileDiff, hunkForLine, resolveBranch } from "../git/repos";
import type { Ctx } from "../http/server";
import type { Router } from "../http/router";
import type { Comment, PullRequest, Repo, Review } from "../types";
import { ghNotFound, ghValidationError, paginate, repoAccess, type GhEnv } from "./common";
import { gh } from "./repos";
import { isPendingComment, pullRequest, reviewComment, type PullExtras } from "./serialize-issues";

const DOC_CREATE = "/rest/pulls/pulls#create-a-pull-request";
const DOC_GET = "/rest/pulls/pulls#get-a-pull-request";
const DOC_COMMENT = "/rest/pulls/comments#create-a-review-comment-for-a-pull-request";

function str(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}

/** Moves an open pull request's head and base to where their branches are now. */
export async function refreshHead(env: GhEnv, repo: Repo, pr: PullRequest): Promise<void> {
  if (pr.state !== "open") return;
  const head = await resolveBranch(repo.diskPath, env.home, pr.head);
  if (head) pr.headSha = head;
  const base = await resolveBranch(repo.diskPath, env.home, pr.base);
  if (base) pr.baseSha = base;
}

async function extras(env: GhEnv, repo: Repo, pr: PullRequest): Promise<PullExtras> {
  const summary = await diffSummary(repo.diskPath, env.home, pr.baseSha, pr.headSha);
  return {
    commits: summary.commits,
    additions: summary.files.reduce((n, f) => n + f.additions, 0),
    deletions: summary.files.reduce((n, f) => n + f.deletions, 0),
    changedFiles: summary.files.length,
  };
}

/** The pull request named by `:pull_number`. */
export function findPull(env: GhEnv, repo: Repo, ctx: Ctx): PullRequest | undefined {
  const number = Number(ctx.params.pull_number);
  return env.store.pulls.find((p) => p.repoId === repo.id && p.number === number);
}

/**
 * Where a comment on `line` of `path` lands in the pull request's diff: the diff hunk up to that
 * line (GitHub's `diff_hunk`), or which part of the position is not in the diff.
 */
export async function diffHunkFor(
  env: GhEnv,
  repo: Repo,
  pr: PullRequest,
  at: { path: string; line: number; side: "LEFT" | "RIGHT" },
): Promise<{ hunk: string } | { invalid: "path" | "line" }> {
  const diff = await fileDiff(repo.diskPath, env.home, pr.baseSha, pr.headSha, at.path);
  if (!diff) return { invalid: "path" };
  const hunk = hunkForLine(diff, at.line, at.side);
  return hunk ? { hunk } : { invalid: "line" };
}

/**
 * The review GitHub creates around a review comment made outside a review: submitted at once as
 * COMMENTED with an empty body, so `pull_request_review_id` always names a review.
 */
function singleCommentReview(env: GhEnv, repo: Repo, pr: PullRequest, authorId: number): Review {
  const review: Review = { id: env.store.nextId(), repoId: repo.id, number: pr.number, authorId, body: "", state: "COMMENTED", commitId: pr.headSha, submittedAt: Date.now() };
  env.store.reviews.push(review);
  return review;
}

/**
 * A reply in a review comment's thread. GitHub threads are one level deep: a reply to a reply
 * joins the thread of the comment that started it.
 */
export function replyTo(env: GhEnv, repo: Repo, pr: PullRequest, parent: Comment, authorId: number, text: string): Comment {
  const root = parent.inReplyToId === null ? parent : (env.store.comments.find((c) => c.id === parent.inReplyToId) ?? parent);
  const reply: Comment = {
    id: env.store.nextId(),
    repoId: repo.id,
    kind: "review",
    number: pr.number,
    target: "pull",
    body: text,
    authorId,
    path: root.path,
    line: root.line,
    side: root.side,
    commitId: root.commitId,
    diffHunk: root.diffHunk,
    discussionId: null,
    inReplyToId: root.id,
    position: null,
    createdAt: Date.now(),
    reviewId: singleCommentReview(env, repo, pr, authorId).id,
  };
  env.store.comments.push(reply);
  return reply;
}

/** Pull requests and review comments on diff lines. */
export function registerPullRoutes(router: Router, env: GhEnv): void {
  router.on(
    "GET",
    "/repos/:owner/:repo/pulls",
    gh(env, async (ctx, auth) => {
      const access = repoAccess(ctx, env, auth, "read", "/rest/pulls/pulls#list-pull-requests");
      if (!access) return;
      const state = ctx.query.get("state") ?? "open";
      const head = ctx.query.get("head");
      const base = ctx.query.get("base");
      const pulls = env.store.pulls
        .filter((p) => p.repoId === access.repo.id)
        .filter((p) => state === "all" || (state === "open" ? p.state === "open" : p.state !== "open"))
        .filter((p) => !head || `${access.repo.owner}:${p.head}`.toLowerCase() === head.toLowerCase() || p.head === head)
        .filter((p) => !base || p.base === base)
        .sort((a, b) => (ctx.query.get("direction") === "asc" ? a.number - b.number : b.number - a.number));
      const page = paginate(ctx, pulls);
      for (const pr of page) await refreshHead(env, access.repo, pr);
      ctx.json(200, page.map((pr) => pullRequest(env, access.repo, pr)));
    }),
  );

  router.on(
    "POST",
    "/repos/:owner/:repo/pulls",
    gh(env, async (ctx, auth) => {
      const access = repoAccess(ctx, env, auth, "write", DOC_CREATE);
      if (!access || !auth.user) return;
      const { repo } = access;
      const body = (await ctx.jsonBody()) as Record<string, unknown>;
      const title = str(body.title);
      let head = str(body.head);
      const base = str(body.base);
      const missing = [!title && "title", !head && "head", !base && "base"].filter((f): f is string => !!f);
      if (missing.length > 0 || !head || !base || !title) {
        ghValidationError(ctx, DOC_CREATE, missing.map((field) => ({ resource: "PullRequest", code: "missing_field", field })));
        return;
      }
      if (head.includes(":")) {
        const [owner = "", branch = ""] = head.split(":");
        if (owner.toLowerCase() !== repo.owner.toLowerCase()) {
          ghValidationError(ctx, DOC_CREATE, [{ resource: "PullRequest", field: "head", code: "invalid" }]);
          return;
        }
        head = branch;
      }
      const [headSha, baseSha] = await Promise.all([
        resolveBranch(repo.diskPath, env.home, head),
        resolveBranch(repo.diskPath, env.home, base),
      ]);
      if (!baseSha || !headSha) {
        ghValidationError(ctx, DOC_CREATE, [{ resource: "PullRequest", field: !baseSha ? "base" : "head", code: "invalid" }]);
        return;
      }
      const existing = env.store.pulls.find((p) => p.repoId === repo.id && p.state === "open" && p.head === head && p.base === base);
      if (existing) {
        ghValidationError(ctx, DOC_CREATE, [
          { resource: "PullRequest", code: "custom", message: `A pull request already exists for ${repo.owner}:${head}.` },
        ]);
        return;
      }
      const summary = await diffSummary(repo.diskPath, env.home, baseSha, headSha);
      if (summary.commits === 0) {
        ghValidationError(ctx, DOC_CREATE, [{ resource: "PullRequest", code: "custom", message: `No commits between ${base} and ${head}` }]);
        return;
      }
      const now = Date.now();
      const pr: PullRequest = {
        id: env.store.nextId(),
        repoId: repo.id,
        number: repo.nextNumber++,
        title,
        body: str(body.body) ?? null,
        head,
        base,
        headSha,
        baseSha,
        state: "open",
        draft: body.draft === true,
        authorId: auth.user.id,
        assigneeIds: [],
        labels: [],
        createdAt: now,
        updatedAt: now,
        closedAt: null,
      };
      env.store.pulls.push(pr);
      const json = pullRequest(env, repo, pr, await extras(env, repo, pr));
      ctx.json(201, json, { Location: `${env.apiUrl()}/repos/${repo.path}/pulls/${pr.number}` });
    }),
  );

  router.on(
    "GET",
    "/repos/:owner/:repo/pulls/:pull_number",
    gh(env, async (ctx, auth) => {
      const access = repoAccess(ctx, env, auth, "read", DOC_GET);
      if (!access) return;
      const pr = findPull(env, access.repo, ctx);
      if (!pr) return ghNotFound(ctx, DOC_GET);
      await refreshHead(env, access.repo, pr);
      ctx.json(200, pullRequest(env, access.repo, pr, await extras(env, access.repo, pr)));
    }),
  );

  router.on(
    "PATCH",
    "/repos/:owner/:repo/pulls/:pull_number",
    gh(env, async (ctx, auth) => {
      const doc = "/rest/pulls/pulls#update-a-pull-request";
      const access = repoAccess(ctx, env, auth, "write", doc);
      if (!access) return;
      const pr = findPull(env, access.repo, ctx);
      if (!pr) return ghNotFound(ctx, doc);
      const body = (await ctx.jsonBody()) as Record<string, unknown>;
      const base = str(body.base);
      if (base !== undefined && base !== pr.base) {
        const baseSha = await resolveBranch(access.repo.diskPath, env.home, base);
        if (!baseSha || base === pr.head) return ghValidationError(ctx, doc, [{ resource: "PullRequest", field: "base", code: "invalid" }]);
        pr.base = base;
        pr.baseSha = baseSha;
      }
      if (str(body.title) !== undefined) pr.title = str(body.title) as string;
      if (body.body !== undefined) pr.body = str(body.body) ?? null;
      if (body.state === "closed" && pr.state === "open") {
        pr.state = "closed";
        pr.closedAt = Date.now();
      } else if (body.state === "open" && pr.state === "closed") {
        pr.state = "open";
        pr.closedAt = null;
      } else if (body.state !== undefined && body.state !== "open" && body.state !== "closed") {
        return ghValidationError(ctx, doc, [{ resource: "PullRequest", field: "state", code: "invalid" }]);
      }
      pr.updatedAt = Date.now();
      await refreshHead(env, access.repo, pr);
      ctx.json(200, pullRequest(env, access.repo, pr, await extras(env, access.repo, pr)));
    }),
  );

  router.on(
    "GET",
    "/repos/:owner/:repo/pulls/:pull_number/comments",
    gh(env, (ctx, auth) => {
      const doc = "/rest/pulls/comments#list-review-comments-on-a-pull-request";
      const access = repoAccess(ctx, env, auth, "read", doc);
      if (!access) return;
      const pr = findPull(env, access.repo, ctx);
      if (!pr) return ghNotFound(ctx, doc);
      // A pending review's comments are its author's drafts.
      const comments = env.store.comments.filter(
        (c) => c.repoId === access.repo.id && c.kind === "review" && c.number === pr.number && (c.authorId === auth.user?.id || !isPendingComment(env, c)),
      );
      ctx.json(200, paginate(ctx, comments).map((c) => reviewComment(env, access.repo, c)));
    }),
  );

  router.on(
    "POST",
    "/repos/:owner/:repo/pulls/:pull_number/comments",
    gh(env, async (ctx, auth) => {
      const access = repoAccess(ctx, env, auth, { user: "read", token: "write" }, DOC_COMMENT);
      if (!access || !auth.user) return;
      const { repo } = access;
      const pr = findPull(env, repo, ctx);
      if (!pr) return ghNotFound(ctx, DOC_COMMENT);
      const body = (await ctx.jsonBody()) as Record<string, unknown>;
      const text = str(body.body);
      if (!text) {
        return ghValidationError(ctx, DOC_COMMENT, [{ resource: "PullRequestReviewComment", code: "missing_field", field: "body" }]);
      }
      const base: Omit<Comment, "path" | "line" | "side" | "commitId" | "diffHunk" | "inReplyToId"> = {
        id: env.store.nextId(),
        repoId: repo.id,
        kind: "review",
        number: pr.number,
        target: "pull",
        body: text,
        authorId: auth.user.id,
        discussionId: null,
        position: null,
        createdAt: Date.now(),
      };
      if (typeof body.in_reply_to === "number") {
        const parent = env.store.comments.find((c) => c.id === body.in_reply_to && c.kind === "review" && c.repoId === repo.id && c.number === pr.number);
        if (!parent) return ghNotFound(ctx, DOC_COMMENT);
        return ctx.json(201, reviewComment(env, repo, replyTo(env, repo, pr, parent, auth.user.id, text)));
      }
      const commitId = str(body.commit_id);
      const path = str(body.path);
      const line = typeof body.line === "number" ? body.line : undefined;
      const side = body.side === "LEFT" ? "LEFT" : "RIGHT";
      const missing = [!commitId && "commit_id", !path && "path", line === undefined && "line"].filter((f): f is string => !!f);
      if (missing.length > 0 || !commitId || !path || line === undefined) {
        return ghValidationError(ctx, DOC_COMMENT, missing.map((field) => ({ resource: "PullRequestReviewComment", code: "missing_field", field })));
      }
      await refreshHead(env, repo, pr);
      if (!pr.headSha.startsWith(commitId)) {
        return ghValidationError(ctx, DOC_COMMENT, [
          { resource: "PullRequestReviewComment", code: "custom", field: "commit_id", message: "commit_id is not part of the pull request" },
        ]);
      }
      const located = await diffHunkFor(env, repo, pr, { path, line, side });
      if ("invalid" in located) {
        const field = `pull_request_review_thread.${located.invalid}`;
        return ghValidationError(ctx, DOC_COMMENT, [
          { resource: "PullRequestReviewComment", code: "custom", field, message: located.invalid === "line" ? `${field} must be part of the diff` : `${field} could not be resolved` },
        ]);
      }
      const reviewId = singleCommentReview(env, repo, pr, auth.user.id).id;
      const comment: Comment = { ...base, path, line, side, commitId: pr.headSha, diffHunk: located.hunk, inReplyToId: null, reviewId };
      env.store.comments.push(comment);
      ctx.json(201, reviewComment(env, repo, comment), { Location: `${env.apiUrl()}/repos/${repo.path}/pulls/comments/${comment.id}` });
    }),
  );
}

