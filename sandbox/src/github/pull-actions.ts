import type { Router } from "../http/router";
import { DOCS, ghNotFound, ghValidationError, repoAccess, type GhEnv } from "./common";
import { findPull, refreshHead, replyTo } from "./pulls";
import { gh } from "./repos";
import { pullRequest, reviewComment } from "./serialize-issues";

const DOC_REVIEWERS = "/rest/pulls/review-requests#request-reviewers-for-a-pull-request";
const DOC_REPLY = "/rest/pulls/comments#create-a-reply-for-a-review-comment";

/** Review requests and replies to review comments. */
export function registerPullActionRoutes(router: Router, env: GhEnv): void {
  router.on(
    "POST",
    "/repos/:owner/:repo/pulls/:pull_number/requested_reviewers",
    gh(env, async (ctx, auth) => {
      const access = repoAccess(ctx, env, auth, "write", DOC_REVIEWERS);
      if (!access) return;
      const { repo } = access;
      const pr = findPull(env, repo, ctx);
      if (!pr) return ghNotFound(ctx, DOC_REVIEWERS);
      const body = (await ctx.jsonBody()) as Record<string, unknown>;
      const logins = Array.isArray(body.reviewers) ? body.reviewers.filter((r): r is string => typeof r === "string") : [];
      if (logins.length === 0 && !Array.isArray(body.team_reviewers)) {
        return ghValidationError(ctx, DOC_REVIEWERS, [{ resource: "PullRequest", code: "missing_field", field: "reviewers" }]);
      }
      const ids: number[] = [];
      for (const login of logins) {
        const user = env.store.userByLogin("github", login);
        if (user && user.id === pr.authorId) {
          return ctx.json(422, { message: "Review cannot be requested from pull request author.", documentation_url: `${DOCS}${DOC_REVIEWERS}`, status: "422" });
        }
        const collaborator = user && (user.login.toLowerCase() === repo.owner.toLowerCase() || repo.collaborators.has(user.id));
        if (!user || !collaborator) {
          return ctx.json(422, {
            message: `Reviews may only be requested from collaborators. One or more of the users or teams you specified is not a collaborator of the ${repo.path} repository.`,
            documentation_url: `${DOCS}${DOC_REVIEWERS}`,
            status: "422",
          });
        }
        ids.push(user.id);
      }
      pr.requestedReviewerIds = [...new Set([...(pr.requestedReviewerIds ?? []), ...ids])];
      pr.updatedAt = Date.now();
      await refreshHead(env, repo, pr);
      ctx.json(201, pullRequest(env, repo, pr));
    }),
  );

  router.on(
    "POST",
    "/repos/:owner/:repo/pulls/:pull_number/comments/:comment_id/replies",
    gh(env, async (ctx, auth) => {
      const access = repoAccess(ctx, env, auth, { user: "read", token: "write" }, DOC_REPLY);
      if (!access || !auth.user) return;
      const { repo } = access;
      const pr = findPull(env, repo, ctx);
      const id = Number(ctx.params.comment_id);
      const parent = pr && env.store.comments.find((c) => c.id === id && c.kind === "review" && c.repoId === repo.id && c.number === pr.number);
      if (!pr || !parent) return ghNotFound(ctx, DOC_REPLY);
      const body = (await ctx.jsonBody()) as Record<string, unknown>;
      if (typeof body.body !== "string" || body.body === "") {
        return ghValidationError(ctx, DOC_REPLY, [{ resource: "PullRequestReviewComment", code: "missing_field", field: "body" }]);
      }
      const reply = replyTo(env, repo, pr, parent, auth.user.id, body.body);
      ctx.json(201, reviewComment(env, repo, reply), { Location: `${env.apiUrl()}/repos/${repo.path}/pulls/comments/${reply.id}` });
    }),
  );
}
