import { randomBytes } from "node:crypto";
import type { Ctx } from "../http/server";
import type { Comment, Repo } from "../types";
import type { GlEnv } from "./common";
import { gitlabState } from "./state";

/** Notes as merge requests and issues share them: storing, GitLab's system notes, order and search. */

/** Stores a note (each note starts its own discussion unless told otherwise). */
export function newComment(env: GlEnv, repo: Repo, fields: Partial<Comment> & Pick<Comment, "kind" | "number" | "target" | "body" | "authorId">): Comment {
  const comment: Comment = {
    id: env.store.nextId(),
    repoId: repo.id,
    path: null,
    line: null,
    side: null,
    commitId: null,
    diffHunk: null,
    discussionId: randomBytes(20).toString("hex"),
    inReplyToId: null,
    position: null,
    createdAt: Date.now(),
    ...fields,
  };
  env.store.comments.push(comment);
  return comment;
}

/** A note GitLab itself writes about an event ("closed", "changed title from ..."). */
export function systemNote(env: GlEnv, repo: Repo, target: "issue" | "pull", number: number, body: string, authorId: number): void {
  const comment = newComment(env, repo, { kind: target === "issue" ? "issue" : "note", number, target, body, authorId, discussionId: randomBytes(20).toString("hex") });
  gitlabState(env.store).systemNotes.add(comment.id);
}

/** GitLab reads a title starting with `Draft:`, `[Draft]` or `(Draft)` (any case) as a draft. */
export const DRAFT_PREFIX = /^\s*(\[draft\]|\(draft\)|draft:)\s*/i;

/** Whether every word of a `search` is in the title or the description, as GitLab's search matches. */
export function matchesSearch(search: string | null, title: string, body: string | null): boolean {
  if (!search) return true;
  const text = `${title}\n${body ?? ""}`.toLowerCase();
  return search.toLowerCase().split(/\s+/).filter(Boolean).every((word) => text.includes(word));
}

/** Notes in GitLab's order: `order_by` created_at (default) or updated_at, `sort` desc (default) or asc. */
export function sortedNotes(ctx: Ctx, notes: Comment[]): Comment[] {
  const asc = ctx.query.get("sort") === "asc";
  return [...notes].sort((a, b) => (asc ? a.createdAt - b.createdAt || a.id - b.id : b.createdAt - a.createdAt || b.id - a.id));
}
