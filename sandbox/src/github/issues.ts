import type { Ctx } from "../http/server";
import type { Router } from "../http/router";
import type { Comment, Issue, Repo } from "../types";
import { atLeast } from "../permissions";
import { ghError, ghNotFound, ghValidationError, paginate, repoAccess, type GhEnv } from "./common";
import { gh } from "./repos";
import { issueComment, issueObject, pullAsIssue } from "./serialize-issues";

const DOC_CREATE = "/rest/issues/issues#create-an-issue";
const DOC_UPDATE = "/rest/issues/issues#update-an-issue";
const DOC_GET = "/rest/issues/issues#get-an-issue";
const DOC_COMMENT = "/rest/issues/comments#create-an-issue-comment";

function stringList(value: unknown): string[] | undefined {
  if (!Array.isArray(value)) return undefined;
  return value.map((item) => (typeof item === "string" ? item : typeof item === "object" && item && "name" in item ? String(item.name) : String(item)));
}

/** Resolves logins to user ids; unknown or non-collaborator logins are a 422 as on GitHub. */
function assigneeIds(env: GhEnv, repo: Repo, logins: string[]): number[] | string {
  const ids: number[] = [];
  for (const login of logins) {
    const user = env.store.userByLogin("github", login);
    const canBeAssigned = user && (user.login.toLowerCase() === repo.owner.toLowerCase() || repo.collaborators.has(user.id));
    if (!user || !canBeAssigned) return login;
    ids.push(user.id);
  }
  return ids;
}

function findIssue(env: GhEnv, repo: Repo, ctx: Ctx): Issue | undefined {
  const number = Number(ctx.params.issue_number);
  return env.store.issues.find((i) => i.repoId === repo.id && i.number === number);
}

/** Issues (pull requests included in lists, as GitHub does) and issue comments. */
export function registerIssueRoutes(router: Router, env: GhEnv): void {
  router.on(
    "GET",
    "/repos/:owner/:repo/issues",
    gh(env, (ctx, auth) => {
      const access = repoAccess(ctx, env, auth, "read", "/rest/issues/issues#list-repository-issues");
      if (!access) return;
      const state = ctx.query.get("state") ?? "open";
      const labels = (ctx.query.get("labels") ?? "").split(",").filter(Boolean);
      const assignee = ctx.query.get("assignee");
      const issues = env.store.issues
        .filter((i) => i.repoId === access.repo.id)
        .filter((i) => state === "all" || i.state === state)
        .filter((i) => labels.every((l) => i.labels.includes(l)))
        .filter((i) => !assignee || i.assigneeIds.some((id) => env.store.users.get(id)?.login === assignee))
        .sort((a, b) => b.number - a.number);
      // GitHub lists pull requests as issues too; they carry a `pull_request` key.
      const pulls = env.store.pulls
        .filter((p) => p.repoId === access.repo.id && (state === "all" || (state === "open") === (p.state === "open")))
        .filter(() => labels.length === 0 && !assignee);
      const asIssues: Record<string, unknown>[] = [
        ...issues.map((i) => issueObject(env, access.repo, i)),
        ...pulls.map((p) => pullAsIssue(env, access.repo, p)),
      ].sort((a, b) => Number(b["number"]) - Number(a["number"]));
      ctx.json(200, paginate(ctx, asIssues));
    }),
  );

  router.on(
    "POST",
    "/repos/:owner/:repo/issues",
    gh(env, async (ctx, auth) => {
      // Anyone who can read may open an issue; the token itself must be allowed to write.
      const access = repoAccess(ctx, env, auth, { user: "read", token: "write" }, DOC_CREATE);
      if (!access || !auth.user) return;
      const { repo } = access;
      const body = (await ctx.jsonBody()) as Record<string, unknown>;
      if (typeof body.title !== "string" || body.title === "") {
        return ghValidationError(ctx, DOC_CREATE, [{ resource: "Issue", code: "missing_field", field: "title" }]);
      }
      // GitHub: "Only users with push access can set labels or assignees; the values are
      // silently dropped otherwise."
      const canTriage = atLeast(access.userPermission, "write");
      const wanted = canTriage ? (stringList(body.assignees) ?? (typeof body.assignee === "string" ? [body.assignee] : [])) : [];
      const assignees = assigneeIds(env, repo, wanted);
      if (typeof assignees === "string") {
        return ghValidationError(ctx, DOC_CREATE, [{ resource: "Issue", code: "invalid", field: "assignees", message: undefined }]);
      }
      const now = Date.now();
      const issue: Issue = {
        id: env.store.nextId(),
        repoId: repo.id,
        number: repo.nextNumber++,
        title: body.title,
        body: typeof body.body === "string" ? body.body : null,
        state: "open",
        stateReason: null,
        authorId: auth.user.id,
        assigneeIds: assignees,
        labels: canTriage ? (stringList(body.labels) ?? []) : [],
        createdAt: now,
        updatedAt: now,
        closedAt: null,
        closedById: null,
      };
      env.store.issues.push(issue);
      ctx.json(201, issueObject(env, repo, issue), { Location: `${env.apiUrl()}/repos/${repo.path}/issues/${issue.number}` });
    }),
  );

  router.on(
    "GET",
    "/repos/:owner/:repo/issues/:issue_number",
    gh(env, (ctx, auth) => {
      const access = repoAccess(ctx, env, auth, "read", DOC_GET);
      if (!access) return;
      const issue = findIssue(env, access.repo, ctx);
      // Every pull request is an issue too: GitHub answers it with a `pull_request` key.
      const pull = issue ? undefined : env.store.pulls.find((p) => p.repoId === access.repo.id && p.number === Number(ctx.params.issue_number));
      if (pull) return ctx.json(200, pullAsIssue(env, access.repo, pull));
      if (!issue) return ghNotFound(ctx, DOC_GET);
      ctx.json(200, issueObject(env, access.repo, issue));
    }),
  );

  router.on(
    "PATCH",
    "/repos/:owner/:repo/issues/:issue_number",
    gh(env, async (ctx, auth) => {
      const access = repoAccess(ctx, env, auth, { user: "read", token: "write" }, DOC_UPDATE);
      if (!access || !auth.user) return;
      const issue = findIssue(env, access.repo, ctx);
      if (!issue) return ghNotFound(ctx, DOC_UPDATE);
      const canTriage = atLeast(access.userPermission, "write");
      // Without push access a user may still edit and close an issue they opened.
      if (!canTriage && issue.authorId !== auth.user.id) return ghError(ctx, 403, "Must have push access to repository", DOC_UPDATE);
      const body = (await ctx.jsonBody()) as Record<string, unknown>;
      if (body.state !== undefined && body.state !== "open" && body.state !== "closed") {
        return ghValidationError(ctx, DOC_UPDATE, [{ resource: "Issue", code: "invalid", field: "state" }]);
      }
      const assignees = canTriage ? stringList(body.assignees) : undefined;
      if (assignees) {
        const ids = assigneeIds(env, access.repo, assignees);
        if (typeof ids === "string") return ghValidationError(ctx, DOC_UPDATE, [{ resource: "Issue", code: "invalid", field: "assignees" }]);
        issue.assigneeIds = ids;
      }
      if (typeof body.title === "string") issue.title = body.title;
      if (body.body !== undefined) issue.body = typeof body.body === "string" ? body.body : null;
      const labels = canTriage ? stringList(body.labels) : undefined;
      if (labels) issue.labels = [...new Set(labels)];
      if (body.state === "closed" && issue.state === "open") {
        issue.state = "closed";
        issue.closedAt = Date.now();
        issue.closedById = auth.user.id;
        issue.stateReason = body.state_reason === "not_planned" ? "not_planned" : "completed";
      } else if (body.state === "open" && issue.state === "closed") {
        issue.state = "open";
        issue.closedAt = null;
        issue.closedById = null;
        issue.stateReason = "reopened";
      }
      issue.updatedAt = Date.now();
      ctx.json(200, issueObject(env, access.repo, issue));
    }),
  );

  router.on(
    "GET",
    "/repos/:owner/:repo/issues/:issue_number/comments",
    gh(env, (ctx, auth) => {
      const doc = "/rest/issues/comments#list-issue-comments";
      const access = repoAccess(ctx, env, auth, "read", doc);
      if (!access) return;
      const number = Number(ctx.params.issue_number);
      if (!findIssue(env, access.repo, ctx) && !env.store.pulls.some((p) => p.repoId === access.repo.id && p.number === number)) {
        return ghNotFound(ctx, doc);
      }
      const comments = env.store.comments.filter((c) => c.repoId === access.repo.id && c.kind === "issue" && c.number === number);
      ctx.json(200, paginate(ctx, comments).map((c) => issueComment(env, access.repo, c)));
    }),
  );

  router.on(
    "POST",
    "/repos/:owner/:repo/issues/:issue_number/comments",
    gh(env, async (ctx, auth) => {
      const access = repoAccess(ctx, env, auth, { user: "read", token: "write" }, DOC_COMMENT);
      if (!access || !auth.user) return;
      const number = Number(ctx.params.issue_number);
      const isPull = env.store.pulls.some((p) => p.repoId === access.repo.id && p.number === number);
      if (!findIssue(env, access.repo, ctx) && !isPull) return ghNotFound(ctx, DOC_COMMENT);
      const body = (await ctx.jsonBody()) as Record<string, unknown>;
      if (typeof body.body !== "string" || body.body === "") {
        return ghValidationError(ctx, DOC_COMMENT, [{ resource: "IssueComment", code: "missing_field", field: "body" }]);
      }
      const comment: Comment = {
        id: env.store.nextId(),
        repoId: access.repo.id,
        kind: "issue",
        number,
        target: isPull ? "pull" : "issue",
        body: body.body,
        authorId: auth.user.id,
        path: null,
        line: null,
        side: null,
        commitId: null,
        diffHunk: null,
        discussionId: null,
        inReplyToId: null,
        position: null,
        createdAt: Date.now(),
      };
      env.store.comments.push(comment);
      const issue = findIssue(env, access.repo, ctx);
      if (issue) issue.updatedAt = Date.now();
      ctx.json(201, issueComment(env, access.repo, comment), {
        Location: `${env.apiUrl()}/repos/${access.repo.path}/issues/comments/${comment.id}`,
      });
    }),
  );
}
