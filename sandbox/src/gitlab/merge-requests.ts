import { randomBytes } from "node:crypto";
import { diffSummary, fileDiff, hunkForLine, mergeBase, resolveBranch } from "../git/repos";
import type { Ctx } from "../http/server";
import type { Router } from "../http/router";
import type { Comment, PullRequest, Repo } from "../types";
import { badRequest, glBody, glMessage, notFound, paginate, projectAccess, type GlEnv } from "./common";
import { gl } from "./projects";
import { discussion, mergeRequest, note } from "./serializers";

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
        draft: /^(draft:|\[draft\])/i.test(body.title as string),
        authorId: auth.user.id,
        assigneeIds: idList(body.assignee_ids) ?? idList(body.assignee_id) ?? [],
        labels: labelList(body.labels) ?? [],
        createdAt: now,
        updatedAt: now,
        closedAt: null,
      };
      env.store.pulls.push(mr);
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
      if (!access) return;
      const mr = findMr(env, access.repo, ctx);
      if (!mr) return notFound(ctx);
      const body = await glBody(ctx);
      if (typeof body.title === "string") mr.title = body.title;
      if (typeof body.description === "string") mr.body = body.description;
      const labels = labelList(body.labels);
      if (labels) mr.labels = labels;
      if (body.state_event === "close" && mr.state === "open") {
        mr.state = "closed";
        mr.closedAt = Date.now();
      } else if (body.state_event === "reopen" && mr.state === "closed") {
        mr.state = "open";
        mr.closedAt = null;
      }
      mr.updatedAt = Date.now();
      ctx.json(200, await serialize(env, access.repo, mr));
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
      const invalid = () => glMessage(ctx, 400, '400 Bad request - Note {:line_code=>["can\'t be blank", "must be a valid line code"]}');
      await refresh(env, repo, mr);
      const newPath = typeof position.new_path === "string" ? position.new_path : undefined;
      const newLine = position.new_line === undefined || position.new_line === null ? undefined : Number(position.new_line);
      const oldLine = position.old_line === undefined || position.old_line === null ? undefined : Number(position.old_line);
      const path = newPath ?? (typeof position.old_path === "string" ? position.old_path : undefined);
      if (position.position_type !== "text" || !path || position.head_sha !== mr.headSha) return invalid();
      const diff = await fileDiff(repo.diskPath, env.home, mr.baseSha, mr.headSha, path);
      const side = newLine !== undefined ? "RIGHT" : "LEFT";
      const line = newLine ?? oldLine;
      const hunk = diff && line !== undefined ? hunkForLine(diff, line, side) : null;
      if (!hunk || line === undefined) return invalid();
      const comment = newComment(env, repo, {
        kind: "review",
        number: mr.number,
        target: "pull",
        body: body.body,
        authorId: auth.user.id,
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
      });
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
      ctx.json(200, paginate(ctx, notes).map((c) => note(env, access.repo, c, mr.id)));
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
