import type { Ctx } from "../http/server";
import type { Router } from "../http/router";
import type { PullRequest, Repo, User } from "../types";
import { badRequest, glBody, notFound, projectAccess, type GlAuth, type GlEnv, type ProjectAccess } from "./common";
import { diffNoteFields, findMr, invalidPosition } from "./merge-requests";
import { newComment } from "./notes";
import { gl } from "./projects";
import { gitlabState, type GlDraftNote } from "./state";

const P = "/api/v4/projects/:id/merge_requests/:iid/draft_notes";

/** The `DraftNote` entity. */
function draftJson(mr: PullRequest, draft: GlDraftNote): Record<string, unknown> {
  return {
    id: draft.id,
    author_id: draft.authorId,
    merge_request_id: mr.id,
    resolve_discussion: draft.resolveDiscussion,
    discussion_id: draft.inReplyToDiscussionId,
    note: draft.note,
    commit_id: null,
    line_code: null,
    position: draft.position,
  };
}

/** Drafts are their author's alone: another user's are not found. */
function ownDrafts(env: GlEnv, repo: Repo, mr: PullRequest, user: User): GlDraftNote[] {
  return gitlabState(env.store).draftNotes.filter((d) => d.repoId === repo.id && d.number === mr.number && d.authorId === user.id);
}

/** Who may draft: whoever may comment (a Reporter), with a token that may write. */
function drafting(ctx: Ctx, env: GlEnv, auth: GlAuth): { access: ProjectAccess; mr: PullRequest; user: User } | null {
  const access = projectAccess(ctx, env, auth, "read", { writeScope: true });
  if (!access || !auth.user) return null;
  const mr = findMr(env, access.repo, ctx);
  if (!mr) {
    notFound(ctx);
    return null;
  }
  return { access, mr, user: auth.user };
}

/** Publishes one draft: a diff note starts a discussion, a reply joins one, anything else is a note. */
function publish(env: GlEnv, repo: Repo, mr: PullRequest, draft: GlDraftNote): void {
  const state = gitlabState(env.store);
  const thread = draft.inReplyToDiscussionId ? env.store.comments.find((c) => c.repoId === repo.id && c.discussionId === draft.inReplyToDiscussionId) : undefined;
  if (thread) {
    const { kind, path, line, side, commitId, diffHunk, position, discussionId } = thread;
    newComment(env, repo, { kind, path, line, side, commitId, diffHunk, position, discussionId, number: mr.number, target: "pull", body: draft.note, authorId: draft.authorId, inReplyToId: thread.id });
    if (draft.resolveDiscussion && thread.kind === "review" && thread.discussionId) state.resolved.set(thread.discussionId, { userId: draft.authorId, at: Date.now() });
    return;
  }
  const fields = draft.position ? { kind: "review" as const, path: draft.path, line: draft.line, side: draft.side, commitId: mr.headSha, diffHunk: draft.diffHunk, position: draft.position } : { kind: "note" as const };
  newComment(env, repo, { ...fields, number: mr.number, target: "pull", body: draft.note, authorId: draft.authorId });
}

/**
 * Draft notes, GitLab's pending review (https://docs.gitlab.com/api/draft_notes/): list, create
 * (positions checked against the diff as for discussions), delete, and publish them all at once.
 */
export function registerDraftNoteRoutes(router: Router, env: GlEnv): void {
  router.on(
    "GET",
    P,
    gl(env, (ctx, auth) => {
      const found = drafting(ctx, env, auth);
      if (found) ctx.json(200, ownDrafts(env, found.access.repo, found.mr, found.user).map((d) => draftJson(found.mr, d)));
    }),
  );

  router.on(
    "POST",
    P,
    gl(env, async (ctx, auth) => {
      const found = drafting(ctx, env, auth);
      if (!found) return;
      const { access, mr, user } = found;
      const body = await glBody(ctx);
      if (typeof body.note !== "string" || body.note === "") return badRequest(ctx, "note is missing");
      const position = body.position && typeof body.position === "object" ? (body.position as Record<string, unknown>) : null;
      const fields = position ? await diffNoteFields(env, access.repo, mr, position) : null;
      if (position && !fields) return invalidPosition(ctx);
      const replyTo = typeof body.in_reply_to_discussion_id === "string" && body.in_reply_to_discussion_id !== "" ? body.in_reply_to_discussion_id : null;
      const draft: GlDraftNote = {
        id: env.store.nextId(),
        repoId: access.repo.id,
        number: mr.number,
        authorId: user.id,
        note: body.note,
        position: fields?.position ?? null,
        path: fields?.path ?? null,
        line: fields?.line ?? null,
        side: fields?.side ?? null,
        diffHunk: fields?.diffHunk ?? null,
        inReplyToDiscussionId: replyTo,
        resolveDiscussion: body.resolve_discussion === true || body.resolve_discussion === "true",
        createdAt: Date.now(),
      };
      gitlabState(env.store).draftNotes.push(draft);
      ctx.json(201, draftJson(mr, draft));
    }),
  );

  router.on(
    "DELETE",
    `${P}/:draft_id`,
    gl(env, (ctx, auth) => {
      const found = drafting(ctx, env, auth);
      if (!found) return;
      const drafts = gitlabState(env.store).draftNotes;
      const index = drafts.findIndex((d) => d.id === Number(ctx.params.draft_id) && d.authorId === found.user.id && d.repoId === found.access.repo.id && d.number === found.mr.number);
      if (index < 0) return notFound(ctx);
      drafts.splice(index, 1);
      ctx.empty(204);
    }),
  );

  router.on(
    "POST",
    `${P}/bulk_publish`,
    gl(env, (ctx, auth) => {
      const found = drafting(ctx, env, auth);
      if (!found) return;
      const { access, mr, user } = found;
      const state = gitlabState(env.store);
      const mine = ownDrafts(env, access.repo, mr, user);
      for (const draft of mine) publish(env, access.repo, mr, draft);
      const rest = state.draftNotes.filter((d) => !mine.includes(d));
      state.draftNotes.splice(0, state.draftNotes.length, ...rest);
      // Publishing a review marks the author's review done, when they were asked for one.
      const reviewer = state.reviewers.find((r) => r.repoId === access.repo.id && r.number === mr.number && r.userId === user.id);
      if (reviewer && mine.length > 0) reviewer.state = "reviewed";
      ctx.empty(204);
    }),
  );
}
