import { diffSummary, fileDiff, hunkForLine, mergeBase, resolveBranch } from "../git/repos";
import type { Ctx } from "../http/server";
import type { Router } from "../http/router";
import type { Comment, PullRequest, Repo } from "../types";
import { badRequest, glBody, glMessage, iso, notFound, paginate, projectAccess, type GlEnv } from "./common";
import { rememberLabels } from "./labels";
import { DRAFT_PREFIX, matchesSearch, newComment, sortedNotes, systemNote } from "./notes";
import { gl } from "./projects";
import { basicUser, discussion, mergeRequest, note } from "./serializers";
import { gitlabState } from "./state";

const P = "/api/v4/projects/:id/merge_requests";

/** Moves an open merge request's head and base to their branches' tips; answers its diff refs. */
export async function refresh(env: GlEnv, repo: Repo, mr: PullRequest): Promise<{ base: string; start: string }> {
  if (mr.state === "open") {
    mr.headSha = (await resolveBranch(repo.diskPath, env.home, mr.head)) ?? mr.headSha;
    mr.baseSha = (await resolveBranch(repo.diskPath, env.home, mr.base)) ?? mr.baseSha;
  }
  return { base: await mergeBase(repo.diskPath, env.home, mr.baseSha, mr.headSha), start: mr.baseSha };
}

async function serialize(env: GlEnv, repo: Repo, mr: PullRequest): Promise<Record<string, unknown>> {
  return mergeRequest(env, repo, mr, await refresh(env, repo, mr));
}

/** The merge request named by `:iid`. */
export function findMr(env: GlEnv, repo: Repo, ctx: Ctx): PullRequest | undefined {
  const iid = Number(ctx.params.iid);
  return env.store.pulls.find((p) => p.repoId === repo.id && p.number === iid);
}

function idList(value: unknown): number[] | undefined {
  if (Array.isArray(value)) return value.map(Number).filter((n) => Number.isFinite(n));
  if (typeof value === "string" && value !== "") return value.split(",").map(Number).filter((n) => Number.isFinite(n));
  if (typeof value === "number") return [value];
  return undefined;
}

/** Labels from a comma-separated string or an array. */
export function labelList(value: unknown): string[] | undefined {
  if (Array.isArray(value)) return value.map(String).filter(Boolean);
  if (typeof value === "string") return value.split(",").map((s) => s.trim()).filter(Boolean);
  return undefined;
}

/** The fields of a diff note at `position`, or null when the position is not on a line of the merge request's diff. */
export async function diffNoteFields(env: GlEnv, repo: Repo, mr: PullRequest, position: Record<string, unknown>): Promise<Pick<Comment, "path" | "line" | "side" | "commitId" | "diffHunk" | "position"> | null> {
  await refresh(env, repo, mr);
  const newPath = typeof position.new_path === "string" ? position.new_path : undefined;
  const newLine = position.new_line === undefined || position.new_line === null || position.new_line === "" ? undefined : Number(position.new_line);
  const oldLine = position.old_line === undefined || position.old_line === null || position.old_line === "" ? undefined : Number(position.old_line);
  const path = newPath ?? (typeof position.old_path === "string" ? position.old_path : undefined);
  if (position.position_type !== "text" || !path || position.head_sha !== mr.headSha) return null;
  const diff = await fileDiff(repo.diskPath, env.home, mr.baseSha, mr.headSha, path);
  const side = newLine !== undefined ? "RIGHT" : "LEFT";
  const line = newLine ?? oldLine;
  const hunk = diff && line !== undefined ? hunkForLine(diff, line, side) : null;
  if (!hunk || line === undefined) return null;
  return {
    path,
    line,
    side,
    commitId: mr.headSha,
    diffHunk: hunk,
    position: {
      base_sha: position.base_sha ?? null,
      start_sha: position.start_sha ?? null,
      head_sha: mr.headSha,
      old_path: typeof position.old_path === "string" ? position.old_path : path,
      new_path: path,
      position_type: "text",
      old_line: oldLine ?? null,
      new_line: newLine ?? null,
      line_range: null,
    },
  };
}

/** GitLab's answer to a position that is not on a line of the diff. */
export const invalidPosition = (ctx: Ctx) => glMessage(ctx, 400, '400 Bad request - Note {:line_code=>["can\'t be blank", "must be a valid line code"]}');

/** Sets the reviewers to `ids` (members only, as GitLab drops others), keeping the states of those who stay. */
function setReviewers(env: GlEnv, repo: Repo, mr: PullRequest, ids: number[]): void {
  const state = gitlabState(env.store);
  const wanted = new Set(ids.filter((id) => {
    const user = env.store.users.get(id);
    return user !== undefined && user.provider === "gitlab" && (repo.collaborators.has(id) || repo.owner.toLowerCase() === user.login.toLowerCase());
  }));
  const kept = state.reviewers.filter((r) => !(r.repoId === repo.id && r.number === mr.number) || wanted.has(r.userId));
  const present = new Set(kept.filter((r) => r.repoId === repo.id && r.number === mr.number).map((r) => r.userId));
  for (const userId of wanted) if (!present.has(userId)) kept.push({ repoId: repo.id, number: mr.number, userId, state: "unreviewed", createdAt: Date.now() });
  state.reviewers.splice(0, state.reviewers.length, ...kept);
}

/** Merge requests, their notes and their (diff) discussions. */
export function registerMergeRequestRoutes(router: Router, env: GlEnv): void {
  router.on(
    "GET",
    P,
    gl(env, async (ctx, auth) => {
      const access = projectAccess(ctx, env, auth, "read");
      if (!access) return;
      const state = ctx.query.get("state") ?? "all";
      const source = ctx.query.get("source_branch");
      const target = ctx.query.get("target_branch");
      const list = env.store.pulls
        .filter((p) => p.repoId === access.repo.id)
        .filter((p) => state === "all" || (state === "opened" ? p.state === "open" : p.state === state))
        .filter((p) => (!source || p.head === source) && (!target || p.base === target))
        .filter((p) => matchesSearch(ctx.query.get("search"), p.title, p.body))
        .sort((a, b) => b.number - a.number);
      const out = [];
      for (const mr of paginate(ctx, list)) out.push(await serialize(env, access.repo, mr));
      ctx.json(200, out);
    }),
  );

  router.on(
    "POST",
    P,
    gl(env, async (ctx, auth) => {
      const access = projectAccess(ctx, env, auth, "write");
      if (!access || !auth.user) return;
      const { repo } = access;
      const body = await glBody(ctx);
      const missing = ["source_branch", "target_branch", "title"].filter((k) => typeof body[k] !== "string" || body[k] === "");
      if (missing.length > 0) return badRequest(ctx, missing.map((k) => `${k} is missing`).join(", "));
      const head = body.source_branch as string;
      const base = body.target_branch as string;
      if (head === base) return glMessage(ctx, 422, ["You can't use same project/branch for source and target"]);
      const [headSha, baseSha] = await Promise.all([resolveBranch(repo.diskPath, env.home, head), resolveBranch(repo.diskPath, env.home, base)]);
      if (!headSha) return glMessage(ctx, 422, ["Source branch is invalid"]);
      if (!baseSha) return glMessage(ctx, 422, ["Target branch is invalid"]);
      const existing = env.store.pulls.find((p) => p.repoId === repo.id && p.state === "open" && p.head === head && p.base === base);
      if (existing) return glMessage(ctx, 409, [`Another open merge request already exists for this source branch: !${existing.number}`]);
      const now = Date.now();
      const mr: PullRequest = {
        id: env.store.nextId(),
        repoId: repo.id,
        number: repo.nextMrIid++,
        title: body.title as string,
        body: typeof body.description === "string" ? body.description : null,
        head,
        base,
        headSha,
        baseSha,
        state: "open",
        draft: DRAFT_PREFIX.test(body.title as string),
        authorId: auth.user.id,
        assigneeIds: idList(body.assignee_ids) ?? idList(body.assignee_id) ?? [],
        labels: labelList(body.labels) ?? [],
        createdAt: now,
        updatedAt: now,
        closedAt: null,
      };
      env.store.pulls.push(mr);
      rememberLabels(env.store, repo, mr.labels);
      const reviewerIds = idList(body.reviewer_ids);
      if (reviewerIds) setReviewers(env, repo, mr, reviewerIds);
      ctx.json(201, await serialize(env, repo, mr));
    }),
  );

  router.on(
    "GET",
    `${P}/:iid`,
    gl(env, async (ctx, auth) => {
      const access = projectAccess(ctx, env, auth, "read");
      if (!access) return;
      const mr = findMr(env, access.repo, ctx);
      if (!mr) return notFound(ctx);
      const json = await serialize(env, access.repo, mr);
      const summary = await diffSummary(access.repo.diskPath, env.home, mr.baseSha, mr.headSha);
      ctx.json(200, { ...json, changes_count: String(summary.files.length), diverged_commits_count: 0, first_contribution: false });
    }),
  );

  router.on(
    "PUT",
    `${P}/:iid`,
    gl(env, async (ctx, auth) => {
      const access = projectAccess(ctx, env, auth, "write");
      if (!access || !auth.user) return;
      const mr = findMr(env, access.repo, ctx);
      if (!mr) return notFound(ctx);
      const body = await glBody(ctx);
      const { repo } = access;
      const user = auth.user;
      if (typeof body.target_branch === "string" && body.target_branch !== mr.base) {
        if (body.target_branch === mr.head) return glMessage(ctx, 422, ["You can't use same project/branch for source and target"]);
        const baseSha = await resolveBranch(repo.diskPath, env.home, body.target_branch);
        if (!baseSha) return glMessage(ctx, 422, ["Target branch is invalid"]);
        mr.base = body.target_branch;
        mr.baseSha = baseSha;
      }
      if (typeof body.title === "string" && body.title !== mr.title) {
        systemNote(env, repo, "pull", mr.number, `changed title from **${mr.title}** to **${body.title}**`, user.id);
        mr.title = body.title;
        mr.draft = DRAFT_PREFIX.test(mr.title);
      }
      if (typeof body.description === "string") mr.body = body.description;
      const labels = labelList(body.labels);
      if (labels) mr.labels = labels;
      rememberLabels(env.store, repo, labels);
      const reviewerIds = idList(body.reviewer_ids);
      if (reviewerIds) setReviewers(env, repo, mr, reviewerIds.filter((id) => id !== 0));
      if (body.state_event === "close" && mr.state === "open") {
        mr.state = "closed";
        mr.closedAt = Date.now();
        systemNote(env, repo, "pull", mr.number, "closed", user.id);
      } else if (body.state_event === "reopen" && mr.state === "closed") {
        mr.state = "open";
        mr.closedAt = null;
        systemNote(env, repo, "pull", mr.number, "reopened", user.id);
      }
      mr.updatedAt = Date.now();
      ctx.json(200, await serialize(env, repo, mr));
    }),
  );

  // https://docs.gitlab.com/api/merge_requests/#get-single-merge-request-reviewers
  router.on(
    "GET",
    `${P}/:iid/reviewers`,
    gl(env, (ctx, auth) => {
      const access = projectAccess(ctx, env, auth, "read");
      if (!access) return;
      const mr = findMr(env, access.repo, ctx);
      if (!mr) return notFound(ctx);
      const reviewers = gitlabState(env.store).reviewers.filter((r) => r.repoId === access.repo.id && r.number === mr.number);
      ctx.json(
        200,
        reviewers.flatMap((r) => {
          const user = env.store.users.get(r.userId);
          return user ? [{ user: basicUser(env, user), state: r.state, created_at: iso(r.createdAt) }] : [];
        }),
      );
    }),
  );

  router.on(
    "GET",
    `${P}/:iid/discussions`,
    gl(env, (ctx, auth) => {
      const access = projectAccess(ctx, env, auth, "read");
      if (!access) return;
      const mr = findMr(env, access.repo, ctx);
      if (!mr) return notFound(ctx);
      const groups = new Map<string, Comment[]>();
      for (const c of env.store.comments) {
        if (c.repoId !== access.repo.id || c.target !== "pull" || c.number !== mr.number || !c.discussionId) continue;
        groups.set(c.discussionId, [...(groups.get(c.discussionId) ?? []), c]);
      }
      ctx.json(200, paginate(ctx, [...groups.values()]).map((comments) => discussion(env, access.repo, comments, mr.id)));
    }),
  );

  router.on(
    "POST",
    `${P}/:iid/discussions`,
    gl(env, async (ctx, auth) => {
      const access = projectAccess(ctx, env, auth, "read", { writeScope: true });
      if (!access || !auth.user) return;
      const { repo } = access;
      const mr = findMr(env, repo, ctx);
      if (!mr) return notFound(ctx);
      const body = await glBody(ctx);
      if (typeof body.body !== "string" || body.body === "") return badRequest(ctx, "body is missing");
      const position = body.position as Record<string, unknown> | undefined;
      if (!position) {
        const comment = newComment(env, repo, { kind: "note", number: mr.number, target: "pull", body: body.body, authorId: auth.user.id });
        return ctx.json(201, discussion(env, repo, [comment], mr.id));
      }
      const fields = await diffNoteFields(env, repo, mr, position);
      if (!fields) return invalidPosition(ctx);
      const comment = newComment(env, repo, { kind: "review", number: mr.number, target: "pull", body: body.body, authorId: auth.user.id, ...fields });
      ctx.json(201, discussion(env, repo, [comment], mr.id));
    }),
  );

  router.on(
    "GET",
    `${P}/:iid/notes`,
    gl(env, (ctx, auth) => {
      const access = projectAccess(ctx, env, auth, "read");
      if (!access) return;
      const mr = findMr(env, access.repo, ctx);
      if (!mr) return notFound(ctx);
      const notes = env.store.comments.filter((c) => c.repoId === access.repo.id && c.target === "pull" && c.number === mr.number);
      ctx.json(200, paginate(ctx, sortedNotes(ctx, notes)).map((c) => note(env, access.repo, c, mr.id)));
    }),
  );

  router.on(
    "POST",
    `${P}/:iid/notes`,
    gl(env, async (ctx, auth) => {
      const access = projectAccess(ctx, env, auth, "read", { writeScope: true });
      if (!access || !auth.user) return;
      const mr = findMr(env, access.repo, ctx);
      if (!mr) return notFound(ctx);
      const body = await glBody(ctx);
      if (typeof body.body !== "string" || body.body === "") return badRequest(ctx, "body is missing");
      const comment = newComment(env, access.repo, { kind: "note", number: mr.number, target: "pull", body: body.body, authorId: auth.user.id });
      ctx.json(201, note(env, access.repo, comment, mr.id));
    }),
  );
}
