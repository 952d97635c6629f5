import type { Ctx } from "../http/server";
import type { Router } from "../http/router";
import { atLeast } from "../permissions";
import type { PullRequest, Repo, User } from "../types";
import { forbidden, glBody, glMessage, iso, notFound, projectAccess, unauthorized, type GlAuth, type GlEnv, type ProjectAccess } from "./common";
import { findMr, refresh } from "./merge-requests";
import { gl } from "./projects";
import { basicUser } from "./serializers";
import { gitlabState, type GlReviewerState } from "./state";

const P = "/api/v4/projects/:id/merge_requests/:iid";

/** An approval moves the approver's reviewer state, when they were asked to review. */
function setReviewerState(env: GlEnv, repo: Repo, mr: PullRequest, user: User, state: GlReviewerState): void {
  const reviewer = gitlabState(env.store).reviewers.find((r) => r.repoId === repo.id && r.number === mr.number && r.userId === user.id);
  if (reviewer) reviewer.state = state;
}

function approvalsOf(env: GlEnv, repo: Repo, mr: PullRequest) {
  return env.store.approvals.filter((a) => a.repoId === repo.id && a.number === mr.number);
}

/**
 * Whether the user may act on approvals at all (`approve_merge_request`): whoever may update the
 * merge request, that is a Developer or above, or its author.
 */
function mayApprove(access: ProjectAccess, mr: PullRequest, user: User): boolean {
  return mr.authorId === user.id || atLeast(access.permission, "write");
}

/**
 * Whether the user could approve now: not yet approved, allowed to, and not the author. GitLab's
 * default ("Prevent approval by author") keeps authors from approving their own merge requests.
 */
function eligible(env: GlEnv, access: ProjectAccess, mr: PullRequest, user: User | null): boolean {
  if (!user || mr.authorId === user.id || !mayApprove(access, mr, user)) return false;
  return !approvalsOf(env, access.repo, mr).some((a) => a.userId === user.id);
}

/** The approval state of a merge request (`ApprovalState`), for a project without approval rules. */
function approvalState(env: GlEnv, access: ProjectAccess, mr: PullRequest, viewer: User | null): Record<string, unknown> {
  const approvals = approvalsOf(env, access.repo, mr);
  return {
    id: mr.id,
    iid: mr.number,
    project_id: access.repo.id,
    title: mr.title,
    description: mr.body ?? "",
    state: mr.state === "open" ? "opened" : mr.state,
    created_at: iso(mr.createdAt),
    updated_at: iso(mr.updatedAt),
    merge_status: "can_be_merged",
    approved: approvals.length > 0,
    approvals_required: 0,
    approvals_left: 0,
    require_password_to_approve: false,
    approved_by: approvals.flatMap((a) => {
      const user = env.store.users.get(a.userId);
      return user ? [{ user: basicUser(env, user), approved_at: iso(a.createdAt) }] : [];
    }),
    suggested_approvers: [],
    approvers: [],
    approver_groups: [],
    user_has_approved: viewer !== null && approvals.some((a) => a.userId === viewer.id),
    user_can_approve: eligible(env, access, mr, viewer),
    approval_rules_left: [],
    has_approval_rules: false,
    merge_request_approvers_available: false,
    multiple_approval_rules_available: false,
    invalid_approvers_rules: [],
  };
}

/** Resolves the project and merge request for approve/unapprove, answering GitLab's refusals. */
function approvalTarget(ctx: Ctx, env: GlEnv, auth: GlAuth): { access: ProjectAccess; mr: PullRequest; user: User } | null {
  // GitLab authenticates every write before looking anything up.
  if (!auth.user) {
    unauthorized(ctx);
    return null;
  }
  const access = projectAccess(ctx, env, auth, "read", { writeScope: true });
  if (!access) return null;
  const mr = findMr(env, access.repo, ctx);
  if (!mr) {
    notFound(ctx);
    return null;
  }
  if (!mayApprove(access, mr, auth.user)) {
    forbidden(ctx);
    return null;
  }
  return { access, mr, user: auth.user };
}

/** Merge request approvals: the approval state, approve and unapprove. */
export function registerApprovalRoutes(router: Router, env: GlEnv): void {
  router.on(
    "GET",
    `${P}/approvals`,
    gl(env, (ctx, auth) => {
      const access = projectAccess(ctx, env, auth, "read");
      if (!access) return;
      const mr = findMr(env, access.repo, ctx);
      if (!mr) return notFound(ctx);
      ctx.json(200, approvalState(env, access, mr, auth.user));
    }),
  );

  router.on(
    "POST",
    `${P}/approve`,
    gl(env, async (ctx, auth) => {
      const target = approvalTarget(ctx, env, auth);
      if (!target) return;
      const { access, mr, user } = target;
      const body = await glBody(ctx);
      await refresh(env, access.repo, mr);
      if (typeof body.sha === "string" && body.sha !== mr.headSha) return glMessage(ctx, 409, `SHA does not match HEAD of source branch: ${mr.headSha}`);
      if (approvalsOf(env, access.repo, mr).some((a) => a.userId === user.id)) return ctx.empty(304);
      // The approval service refuses an ineligible approver (the author, by default) with a bare 401.
      if (!eligible(env, access, mr, user)) return unauthorized(ctx);
      env.store.approvals.push({ repoId: access.repo.id, number: mr.number, userId: user.id, createdAt: Date.now() });
      setReviewerState(env, access.repo, mr, user, "approved");
      ctx.json(201, approvalState(env, access, mr, user));
    }),
  );

  router.on(
    "POST",
    `${P}/unapprove`,
    gl(env, (ctx, auth) => {
      const target = approvalTarget(ctx, env, auth);
      if (!target) return;
      const { access, mr, user } = target;
      const index = env.store.approvals.findIndex((a) => a.repoId === access.repo.id && a.number === mr.number && a.userId === user.id);
      if (index < 0) return ctx.empty(304);
      env.store.approvals.splice(index, 1);
      setReviewerState(env, access.repo, mr, user, "unapproved");
      ctx.json(201, approvalState(env, access, mr, user));
    }),
  );
}
