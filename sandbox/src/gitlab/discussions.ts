import type { Ctx } from "../http/server";
import type { Router } from "../http/router";
import { atLeast } from "../permissions";
import type { Comment, PullRequest } from "../types";
import { badRequest, forbidden, glBody, notFound, projectAccess, unauthorized, type GlEnv, type ProjectAccess } from "./common";
import { findMr } from "./merge-requests";
import { newComment } from "./notes";
import { gl } from "./projects";
import { discussion, note } from "./serializers";
import { gitlabState } from "./state";

const P = "/api/v4/projects/:id/merge_requests/:iid/discussions/:discussion_id";

/** The notes of the discussion `:discussion_id` on the merge request, oldest first. */
function discussionNotes(env: GlEnv, access: ProjectAccess, mr: PullRequest, ctx: Ctx): Comment[] {
  const id = ctx.params.discussion_id ?? "";
  return env.store.comments.filter((c) => c.repoId === access.repo.id && c.target === "pull" && c.number === mr.number && c.discussionId === id);
}

/** The project, merge request and discussion a request names; answers GitLab's 404s itself. */
function target(ctx: Ctx, env: GlEnv, access: ProjectAccess): { mr: PullRequest; notes: Comment[] } | null {
  const mr = findMr(env, access.repo, ctx);
  if (!mr) {
    notFound(ctx);
    return null;
  }
  const notes = discussionNotes(env, access, mr, ctx);
  if (notes.length === 0) {
    notFound(ctx, "Discussion");
    return null;
  }
  return { mr, notes };
}

/**
 * One discussion, replies to it and resolving it
 * (https://docs.gitlab.com/api/discussions/#merge-requests). Reporters may reply (anyone who may
 * comment); resolving takes GitLab's `resolve_note`: the merge request's author or a Developer, and
 * only a resolvable (diff) discussion: anyone else gets 403.
 */
export function registerDiscussionRoutes(router: Router, env: GlEnv): void {
  router.on(
    "GET",
    P,
    gl(env, (ctx, auth) => {
      const access = projectAccess(ctx, env, auth, "read");
      if (!access) return;
      const found = target(ctx, env, access);
      if (found) ctx.json(200, discussion(env, access.repo, found.notes, found.mr.id));
    }),
  );

  router.on(
    "POST",
    `${P}/notes`,
    gl(env, async (ctx, auth) => {
      const access = projectAccess(ctx, env, auth, "read", { writeScope: true });
      if (!access || !auth.user) return;
      const found = target(ctx, env, access);
      if (!found) return;
      const body = await glBody(ctx);
      if (typeof body.body !== "string" || body.body === "") return badRequest(ctx, "body is missing");
      const first = found.notes[0] as Comment;
      const comment = newComment(env, access.repo, {
        kind: first.kind,
        number: found.mr.number,
        target: "pull",
        body: body.body,
        authorId: auth.user.id,
        discussionId: first.discussionId,
        inReplyToId: first.id,
        path: first.path,
        line: first.line,
        side: first.side,
        commitId: first.commitId,
        diffHunk: first.diffHunk,
        position: first.position,
      });
      ctx.json(201, note(env, access.repo, comment, found.mr.id));
    }),
  );

  router.on(
    "PUT",
    P,
    gl(env, async (ctx, auth) => {
      if (!auth.user) return unauthorized(ctx);
      const access = projectAccess(ctx, env, auth, "read", { writeScope: true });
      if (!access) return;
      const found = target(ctx, env, access);
      if (!found) return;
      // Grape reads parameters from the query string and the body alike.
      const resolved = ctx.query.get("resolved") ?? String((await glBody(ctx)).resolved ?? "");
      if (resolved !== "true" && resolved !== "false") return badRequest(ctx, "resolved is missing");
      const first = found.notes[0] as Comment;
      const mayResolve = found.mr.authorId === auth.user.id || atLeast(access.permission, "write");
      if (first.kind !== "review" || !mayResolve) return forbidden(ctx);
      const state = gitlabState(env.store);
      const id = first.discussionId as string;
      if (resolved === "true") {
        if (!state.resolved.has(id)) state.resolved.set(id, { userId: auth.user.id, at: Date.now() });
      } else {
        state.resolved.delete(id);
      }
      ctx.json(200, discussion(env, access.repo, found.notes, found.mr.id));
    }),
  );
}
