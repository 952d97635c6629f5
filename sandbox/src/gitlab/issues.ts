import type { Ctx } from "../http/server";
import type { Router } from "../http/router";
import type { Issue, Repo } from "../types";
import { badRequest, glBody, notFound, paginate, projectAccess, type GlEnv } from "./common";
import { labelList } from "./merge-requests";
import { matchesSearch, newComment, sortedNotes, systemNote } from "./notes";
import { rememberLabels } from "./labels";
import { gl } from "./projects";
import { issue as issueJson, note } from "./serializers";

const P = "/api/v4/projects/:id/issues";

function findIssue(env: GlEnv, repo: Repo, ctx: Ctx): Issue | undefined {
  const iid = Number(ctx.params.iid);
  return env.store.issues.find((i) => i.repoId === repo.id && i.number === iid);
}

/** Assignee ids must be project members; GitLab silently drops the others. */
function memberIds(env: GlEnv, repo: Repo, value: unknown): number[] | undefined {
  const raw = Array.isArray(value) ? value : typeof value === "string" && value !== "" ? value.split(",") : typeof value === "number" ? [value] : undefined;
  if (!raw) return undefined;
  return raw
    .map(Number)
    .filter((id) => {
      const user = env.store.users.get(id);
      return user && user.provider === "gitlab" && (repo.collaborators.has(id) || repo.owner.toLowerCase() === user.login.toLowerCase());
    });
}

/** Issues and their notes. */
export function registerIssueRoutes(router: Router, env: GlEnv): void {
  router.on(
    "GET",
    P,
    gl(env, (ctx, auth) => {
      const access = projectAccess(ctx, env, auth, "read");
      if (!access) return;
      const state = ctx.query.get("state") ?? "all";
      const labels = labelList(ctx.query.get("labels") ?? "") ?? [];
      const list = env.store.issues
        .filter((i) => i.repoId === access.repo.id)
        .filter((i) => state === "all" || (state === "opened" ? i.state === "open" : i.state === "closed"))
        .filter((i) => labels.every((l) => i.labels.includes(l)))
        .filter((i) => matchesSearch(ctx.query.get("search"), i.title, i.body))
        .sort((a, b) => b.number - a.number);
      ctx.json(200, paginate(ctx, list).map((i) => issueJson(env, access.repo, i)));
    }),
  );

  router.on(
    "POST",
    P,
    gl(env, async (ctx, auth) => {
      const access = projectAccess(ctx, env, auth, "read", { writeScope: true });
      if (!access || !auth.user) return;
      const body = await glBody(ctx);
      if (typeof body.title !== "string" || body.title === "") return badRequest(ctx, "title is missing");
      const now = Date.now();
      const item: Issue = {
        id: env.store.nextId(),
        repoId: access.repo.id,
        number: access.repo.nextNumber++,
        title: body.title,
        body: typeof body.description === "string" ? body.description : null,
        state: "open",
        stateReason: null,
        authorId: auth.user.id,
        assigneeIds: memberIds(env, access.repo, body.assignee_ids ?? body.assignee_id) ?? [],
        labels: labelList(body.labels) ?? [],
        createdAt: now,
        updatedAt: now,
        closedAt: null,
        closedById: null,
      };
      env.store.issues.push(item);
      rememberLabels(env.store, access.repo, item.labels);
      ctx.json(201, issueJson(env, access.repo, item));
    }),
  );

  router.on(
    "GET",
    `${P}/:iid`,
    gl(env, (ctx, auth) => {
      const access = projectAccess(ctx, env, auth, "read");
      if (!access) return;
      const item = findIssue(env, access.repo, ctx);
      if (!item) return notFound(ctx);
      ctx.json(200, issueJson(env, access.repo, item));
    }),
  );

  router.on(
    "PUT",
    `${P}/:iid`,
    gl(env, async (ctx, auth) => {
      const access = projectAccess(ctx, env, auth, "read", { writeScope: true });
      if (!access || !auth.user) return;
      const item = findIssue(env, access.repo, ctx);
      if (!item) return notFound(ctx);
      const body = await glBody(ctx);
      if (typeof body.title === "string" && body.title !== item.title) {
        systemNote(env, access.repo, "issue", item.number, `changed title from **${item.title}** to **${body.title}**`, auth.user.id);
        item.title = body.title;
      }
      if (typeof body.description === "string") item.body = body.description;
      const labels = labelList(body.labels);
      if (labels) item.labels = [...new Set(labels)];
      const add = labelList(body.add_labels) ?? [];
      const remove = labelList(body.remove_labels) ?? [];
      item.labels = [...new Set([...item.labels, ...add])].filter((l) => !remove.includes(l));
      rememberLabels(env.store, access.repo, item.labels);
      const assignees = memberIds(env, access.repo, body.assignee_ids ?? body.assignee_id);
      if (assignees) item.assigneeIds = assignees;
      if (body.state_event === "close" && item.state === "open") {
        item.state = "closed";
        item.closedAt = Date.now();
        item.closedById = auth.user.id;
        systemNote(env, access.repo, "issue", item.number, "closed", auth.user.id);
      } else if (body.state_event === "reopen" && item.state === "closed") {
        item.state = "open";
        item.closedAt = null;
        item.closedById = null;
        systemNote(env, access.repo, "issue", item.number, "reopened", auth.user.id);
      }
      item.updatedAt = Date.now();
      ctx.json(200, issueJson(env, access.repo, item));
    }),
  );

  router.on(
    "GET",
    `${P}/:iid/notes`,
    gl(env, (ctx, auth) => {
      const access = projectAccess(ctx, env, auth, "read");
      if (!access) return;
      const item = findIssue(env, access.repo, ctx);
      if (!item) return notFound(ctx);
      const notes = env.store.comments.filter((c) => c.repoId === access.repo.id && c.target === "issue" && c.number === item.number);
      ctx.json(200, paginate(ctx, sortedNotes(ctx, notes)).map((c) => note(env, access.repo, c, item.id)));
    }),
  );

  router.on(
    "POST",
    `${P}/:iid/notes`,
    gl(env, async (ctx, auth) => {
      const access = projectAccess(ctx, env, auth, "read", { writeScope: true });
      if (!access || !auth.user) return;
      const item = findIssue(env, access.repo, ctx);
      if (!item) return notFound(ctx);
      const body = await glBody(ctx);
      if (typeof body.body !== "string" || body.body === "") return badRequest(ctx, "body is missing");
      const comment = newComment(env, access.repo, { kind: "issue", number: item.number, target: "issue", body: body.body, authorId: auth.user.id, discussionId: null });
      item.updatedAt = Date.now();
      ctx.json(201, note(env, access.repo, comment, item.id));
    }),
  );
}
