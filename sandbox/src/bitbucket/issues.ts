import type { Router } from "../http/router";
import type { Ctx } from "../http/server";
import { atLeast, userPermission } from "../permissions";
import { bbError } from "./api";
import { badField, bbPage, idParam, objectBody, rawContent, repoAccess, requireTracker, userByRef, type BbAccess, type BbRestEnv } from "./common";
import { issueCommentJson, issueJson } from "./serializers";
import { BB_ISSUE_KINDS, BB_ISSUE_PRIORITIES, BB_ISSUE_STATES, bbState, repoSettings, type BbIssue, type BbIssueComment } from "./state";

/**
 * The issue tracker: https://developer.atlassian.com/cloud/bitbucket/rest/api-group-issue-tracker/
 * (issues list with BBQL and `sort`, create, get, update with PUT: `title`, `content.raw`, `state`,
 * `kind`, `priority`, `assignee`, `component`; comments list and create; components). A repository
 * whose tracker is off answers 404 "Repository has no issue tracker.". Scopes as Bitbucket splits
 * them: `issue` reads, creates and comments (what non-members of a public tracker may do),
 * `issue:write` changes issues, which also takes write access (or being the reporter).
 */

function findIssue(ctx: Ctx, env: BbRestEnv, access: BbAccess): BbIssue | null {
  const id = idParam(ctx, "issue_id");
  const issue = id === null ? undefined : bbState(env.store).issues.find((i) => i.repoId === access.repo.id && i.id === id);
  if (!issue) {
    bbError(ctx, 404, "Issue not found");
    return null;
  }
  return issue;
}

/** The assignee a body names (null to unassign), undefined when absent; false after a 400. */
function assigneeOf(ctx: Ctx, env: BbRestEnv, access: BbAccess, value: unknown): number | null | undefined | false {
  if (value === undefined) return undefined;
  if (value === null) return null;
  const user = userByRef(env, value);
  if (!user || userPermission(access.repo, user) === null) {
    badField(ctx, "assignee", "Invalid assignee: the user does not exist or has no access to the repository.");
    return false;
  }
  return user.id;
}

/** The component a body names (null to clear), undefined when absent; false after a 400. */
function componentOf(ctx: Ctx, env: BbRestEnv, access: BbAccess, value: unknown): string | null | undefined | false {
  if (value === undefined) return undefined;
  if (value === null) return null;
  const name = (value as { name?: unknown }).name;
  const known = repoSettings(env.store, access.repo.id).components;
  if (typeof name !== "string" || !known.includes(name)) {
    badField(ctx, "component", `Invalid component: ${typeof name === "string" ? name : ""}`);
    return false;
  }
  return name;
}

function choice<T extends string>(ctx: Ctx, field: string, value: unknown, options: readonly T[]): T | undefined | false {
  if (value === undefined) return undefined;
  if (typeof value === "string" && (options as readonly string[]).includes(value)) return value as T;
  badField(ctx, field, `"${String(value)}" is not a valid choice.`);
  return false;
}

function tracked(ctx: Ctx, env: BbRestEnv, scope: "issue" | "issue:write"): BbAccess | null {
  const access = repoAccess(ctx, env, scope, "read");
  return access && requireTracker(ctx, env, access.repo) ? access : null;
}

export function registerBitbucketIssues(router: Router, env: BbRestEnv): void {
  const base = "/2.0/repositories/:workspace/:repo_slug/issues";

  router.on("GET", base, (ctx) => {
    const access = tracked(ctx, env, "issue");
    if (!access) return;
    const issues = bbState(env.store).issues.filter((i) => i.repoId === access.repo.id);
    const page = bbPage(
      ctx,
      issues.map((i) => issueJson(env, access.repo, i)),
      { sort: "id" },
    );
    if (page) ctx.json(200, page);
  });

  router.on("POST", base, async (ctx) => {
    const access = tracked(ctx, env, "issue");
    if (!access?.user) return;
    const body = await objectBody(ctx);
    if (typeof body.title !== "string" || body.title.trim() === "") return badField(ctx, "title", "This field is required.");
    const assignee = assigneeOf(ctx, env, access, body.assignee);
    if (assignee === false) return;
    const component = componentOf(ctx, env, access, body.component);
    if (component === false) return;
    const kind = choice(ctx, "kind", body.kind, BB_ISSUE_KINDS);
    if (kind === false) return;
    const priority = choice(ctx, "priority", body.priority, BB_ISSUE_PRIORITIES);
    if (priority === false) return;
    const now = Date.now();
    const issue: BbIssue = {
      id: repoSettings(env.store, access.repo.id).nextIssueId++,
      repoId: access.repo.id,
      title: body.title.trim(),
      raw: rawContent(body) ?? "",
      state: "new",
      kind: kind ?? "bug",
      priority: priority ?? "major",
      reporterId: access.user.id,
      assigneeId: assignee ?? null,
      component: component ?? null,
      createdOn: now,
      updatedOn: now,
    };
    bbState(env.store).issues.push(issue);
    ctx.json(201, issueJson(env, access.repo, issue), { Location: `${env.apiUrl()}/2.0/repositories/${access.repo.path}/issues/${issue.id}` });
  });

  router.on("GET", `${base}/:issue_id`, (ctx) => {
    const access = tracked(ctx, env, "issue");
    const issue = access && findIssue(ctx, env, access);
    if (access && issue) ctx.json(200, issueJson(env, access.repo, issue));
  });

  router.on("PUT", `${base}/:issue_id`, async (ctx) => {
    const access = tracked(ctx, env, "issue:write");
    const issue = access && findIssue(ctx, env, access);
    if (!access?.user || !issue) return;
    if (!atLeast(access.permission, "write") && issue.reporterId !== access.user.id) return bbError(ctx, 403, "Forbidden");
    const body = await objectBody(ctx);
    if (body.title !== undefined && (typeof body.title !== "string" || body.title.trim() === "")) return badField(ctx, "title", "This field may not be blank.");
    const assignee = assigneeOf(ctx, env, access, body.assignee);
    if (assignee === false) return;
    const component = componentOf(ctx, env, access, body.component);
    if (component === false) return;
    const state = choice(ctx, "state", body.state, BB_ISSUE_STATES);
    if (state === false) return;
    const kind = choice(ctx, "kind", body.kind, BB_ISSUE_KINDS);
    if (kind === false) return;
    if (typeof body.title === "string") issue.title = body.title.trim();
    const raw = rawContent(body);
    if (raw !== undefined) issue.raw = raw;
    if (assignee !== undefined) issue.assigneeId = assignee;
    if (component !== undefined) issue.component = component;
    if (state !== undefined) issue.state = state;
    if (kind !== undefined) issue.kind = kind;
    issue.updatedOn = Date.now();
    ctx.json(200, issueJson(env, access.repo, issue));
  });

  router.on("GET", `${base}/:issue_id/comments`, (ctx) => {
    const access = tracked(ctx, env, "issue");
    const issue = access && findIssue(ctx, env, access);
    if (!access || !issue) return;
    const comments = bbState(env.store).issueComments.filter((c) => c.repoId === access.repo.id && c.issueId === issue.id);
    const page = bbPage(
      ctx,
      comments.map((c) => issueCommentJson(env, access.repo, issue, c)),
      { sort: "id" },
    );
    if (page) ctx.json(200, page);
  });

  router.on("POST", `${base}/:issue_id/comments`, async (ctx) => {
    const access = tracked(ctx, env, "issue");
    const issue = access && findIssue(ctx, env, access);
    if (!access?.user || !issue) return;
    const raw = rawContent(await objectBody(ctx));
    if (raw === undefined || raw.trim() === "") return badField(ctx, "content", "This field is required.");
    const now = Date.now();
    const comment: BbIssueComment = { id: env.store.nextId(), repoId: access.repo.id, issueId: issue.id, userId: access.user.id, raw, createdOn: now, updatedOn: now };
    bbState(env.store).issueComments.push(comment);
    issue.updatedOn = now;
    ctx.json(201, issueCommentJson(env, access.repo, issue, comment));
  });

  router.on("GET", "/2.0/repositories/:workspace/:repo_slug/components", (ctx) => {
    const access = tracked(ctx, env, "issue");
    if (!access) return;
    const names = repoSettings(env.store, access.repo.id).components;
    const page = bbPage(
      ctx,
      names.map((name, i) => ({ type: "component", id: i + 1, name, links: { self: { href: `${env.apiUrl()}/2.0/repositories/${access.repo.path}/components/${i + 1}` } } })),
    );
    if (page) ctx.json(200, page);
  });
}
