import { fileDiff, hunkForLine } from "../git/repos";
import type { Router } from "../http/router";
import type { Ctx } from "../http/server";
import { bbError } from "./api";
import { badField, bbPage, followBranches, idParam, objectBody, rawContent, repoAccess, type BbAccess, type BbRestEnv } from "./common";
import { findPull, participant } from "./pullrequests";
import { prCommentJson, resolutionJson } from "./serializers";
import { bbState, type BbInline, type BbPrComment, type BbPullRequest } from "./state";

/**
 * Pull request comments: https://developer.atlassian.com/cloud/bitbucket/rest/api-group-pullrequests/#api-repositories-workspace-repo-slug-pullrequests-pull-request-id-comments-get
 * (oldest first, BBQL and `sort`), create (general, `inline: {path, to|from}` on a line of the
 * diff, or a reply with `parent: {id}`, which inherits the parent's `inline`), get, and resolve /
 * reopen (`POST`/`DELETE .../resolve`, top-level comments only). The `pullrequest` scope and read
 * access suffice, as anyone who can read a repository may comment on its pull requests.
 */

function findComment(ctx: Ctx, env: BbRestEnv, pr: BbPullRequest): BbPrComment | null {
  const id = idParam(ctx, "comment_id");
  const comment = id === null ? undefined : bbState(env.store).comments.find((c) => c.repoId === pr.repoId && c.prId === pr.id && c.id === id);
  if (!comment) {
    bbError(ctx, 404, "Comment not found");
    return null;
  }
  return comment;
}

/** The inline anchor of a new comment, checked against the pull request's diff; null after a 400. */
async function inlineOf(ctx: Ctx, env: BbRestEnv, access: BbAccess, pr: BbPullRequest, value: unknown): Promise<BbInline | null> {
  const inline = value as { path?: unknown; to?: unknown; from?: unknown };
  const line = (v: unknown) => (typeof v === "number" && Number.isInteger(v) && v > 0 ? v : null);
  const to = line(inline.to);
  const from = line(inline.from);
  if (typeof inline.path !== "string" || inline.path === "" || (to === null && from === null)) {
    badField(ctx, "inline", "An inline comment needs a path and a line (to or from).");
    return null;
  }
  await followBranches(env, access.repo, pr);
  const diff = await fileDiff(access.repo.diskPath, env.home, pr.destinationHash, pr.sourceHash, inline.path);
  if (!diff) {
    badField(ctx, "inline", `${inline.path} is not changed by this pull request.`);
    return null;
  }
  const hit = to !== null ? hunkForLine(diff, to, "RIGHT") : hunkForLine(diff, from ?? 0, "LEFT");
  if (!hit) {
    badField(ctx, "inline", `Line ${to ?? from} of ${inline.path} is not part of the diff.`);
    return null;
  }
  return { path: inline.path, to, from: to === null ? from : null };
}

export function registerBitbucketPrComments(router: Router, env: BbRestEnv): void {
  const base = "/2.0/repositories/:workspace/:repo_slug/pullrequests/:pull_request_id/comments";

  router.on("GET", base, (ctx) => {
    const access = repoAccess(ctx, env, "pullrequest", "read");
    const pr = access && findPull(ctx, env, access);
    if (!access || !pr) return;
    const comments = bbState(env.store).comments.filter((c) => c.repoId === pr.repoId && c.prId === pr.id);
    const page = bbPage(
      ctx,
      comments.map((c) => prCommentJson(env, access.repo, pr, c)),
      { sort: "id" },
    );
    if (page) ctx.json(200, page);
  });

  router.on("POST", base, async (ctx) => {
    const access = repoAccess(ctx, env, "pullrequest", "read");
    const pr = access && findPull(ctx, env, access);
    if (!access?.user || !pr) return;
    const body = await objectBody(ctx);
    const raw = rawContent(body);
    if (raw === undefined || raw.trim() === "") return badField(ctx, "content", "This field is required.");
    const state = bbState(env.store);
    let parent: BbPrComment | undefined;
    if (body.parent !== undefined) {
      const parentId = (body.parent as { id?: unknown } | null)?.id;
      parent = state.comments.find((c) => c.repoId === pr.repoId && c.prId === pr.id && c.id === parentId);
      if (!parent) return badField(ctx, "parent", "Parent comment not found.");
    }
    let inline: BbInline | null = parent?.inline ?? null;
    if (!parent && body.inline !== undefined && body.inline !== null) {
      inline = await inlineOf(ctx, env, access, pr, body.inline);
      if (!inline) return;
    }
    const now = Date.now();
    const comment: BbPrComment = {
      id: env.store.nextId(),
      repoId: pr.repoId,
      prId: pr.id,
      userId: access.user.id,
      raw,
      inline,
      parentId: parent?.id ?? null,
      resolution: null,
      deleted: false,
      createdOn: now,
      updatedOn: now,
    };
    state.comments.push(comment);
    const p = participant(pr, access.user);
    p.participatedOn = now;
    ctx.json(201, prCommentJson(env, access.repo, pr, comment), { Location: `${env.apiUrl()}/2.0/repositories/${access.repo.path}/pullrequests/${pr.id}/comments/${comment.id}` });
  });

  router.on("GET", `${base}/:comment_id`, (ctx) => {
    const access = repoAccess(ctx, env, "pullrequest", "read");
    const pr = access && findPull(ctx, env, access);
    const comment = access && pr && findComment(ctx, env, pr);
    if (access && pr && comment) ctx.json(200, prCommentJson(env, access.repo, pr, comment));
  });

  router.on("POST", `${base}/:comment_id/resolve`, (ctx) => {
    const access = repoAccess(ctx, env, "pullrequest", "read");
    const pr = access && findPull(ctx, env, access);
    const comment = access && pr && findComment(ctx, env, pr);
    if (!access?.user || !pr || !comment) return;
    if (comment.parentId !== null) return bbError(ctx, 400, "Only top-level comments can be resolved.");
    if (comment.resolution) return bbError(ctx, 409, "This comment is already resolved.");
    comment.resolution = { userId: access.user.id, createdOn: Date.now() };
    ctx.json(200, resolutionJson(env, comment.resolution));
  });

  router.on("DELETE", `${base}/:comment_id/resolve`, (ctx) => {
    const access = repoAccess(ctx, env, "pullrequest", "read");
    const pr = access && findPull(ctx, env, access);
    const comment = access && pr && findComment(ctx, env, pr);
    if (!access?.user || !pr || !comment) return;
    if (!comment.resolution) return bbError(ctx, 404, "This comment is not resolved.");
    comment.resolution = null;
    ctx.empty(204);
  });
}
