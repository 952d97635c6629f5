import { parseGitRequest } from "../git/http-backend";
import { gitDenied, gitUnauthorized, serveRepo } from "../git/serve";
import type { Ctx } from "../http/server";
import { parseBasicAuth } from "../oauth/common";
import { atLeast } from "../permissions";
import { checkToken } from "../tokens";
import { effectivePermission, ssoBlocked, type GhEnv } from "./common";

const INVALID = "remote: Invalid username or token. Password authentication is not supported for Git operations.";

/**
 * Git smart HTTP on the GitHub web host: any username (conventionally `x-access-token`) with a
 * token as the password. Returns false when the path is not a git request.
 */
export async function handleGithubGit(ctx: Ctx, env: GhEnv): Promise<boolean> {
  const request = parseGitRequest(ctx.path, ctx.query, ctx.method);
  if (!request) return false;
  const repo = env.store.repoByPath("github", request.repoPath);
  const basic = parseBasicAuth(ctx.req.headers.authorization);
  if (!basic) {
    if (repo && !repo.private && request.service === "upload") {
      await serveRepo(ctx, env, repo, request.rest, "anonymous");
    } else {
      gitUnauthorized(ctx, "GitHub", INVALID);
    }
    return true;
  }
  const check = checkToken(env.store, "github", basic.password, { forceExpired: ctx.expireTokens });
  if (!check.ok) {
    gitUnauthorized(ctx, "GitHub", INVALID);
    return true;
  }
  if (!repo) {
    gitDenied(ctx, 404, "remote: Repository not found.");
    return true;
  }
  if (ssoBlocked(env, check.token, repo.owner)) {
    gitDenied(
      ctx,
      403,
      `remote: The '${repo.owner}' organization has enabled or enforced SAML SSO.\nremote: To access this repository, visit ${env.webUrl()}/orgs/${repo.owner}/sso and try your request again.`,
    );
    return true;
  }
  const permission = effectivePermission({ token: check.token, user: check.user }, repo);
  if (permission === null) {
    gitDenied(ctx, 404, "remote: Repository not found.");
    return true;
  }
  if (request.service === "receive" && !atLeast(permission, "write")) {
    gitDenied(ctx, 403, `remote: Permission to ${repo.path}.git denied to ${check.user.login}.`);
    return true;
  }
  await serveRepo(ctx, env, repo, request.rest, check.user.login);
  return true;
}
