import { STATUS_CODES } from "node:http";
import { rateLimitHeaders, type FaultResponder } from "../faults";
import { parseGitRequest } from "../git/http-backend";
import { gitDenied, gitUnauthorized, serveRepo } from "../git/serve";
import { Router } from "../http/router";
import { HttpError, startHost, type Ctx, type Host } from "../http/server";
import { parseBasicAuth } from "../oauth/common";
import { errorPage } from "../oauth/consent-page";
import { atLeast, userPermission } from "../permissions";
import type { SandboxStore } from "../store";
import { checkToken } from "../tokens";
import type { Permission } from "../types";
import { registerApprovalRoutes } from "./approvals";
import { authenticate, forbidden, glMessage, type GlEnv } from "./common";
import { registerDiffRoutes } from "./diffs";
import { registerDiscussionRoutes } from "./discussions";
import { registerDraftNoteRoutes } from "./draft-notes";
import { registerIssueRoutes } from "./issues";
import { registerLabelAndMemberRoutes } from "./labels";
import { registerMergeRequestRoutes } from "./merge-requests";
import { registerGitlabOAuth } from "./oauth";
import { registerPipelineRoutes } from "./pipelines";
import { registerProjectRoutes } from "./projects";

const ACCESS_DENIED =
  "HTTP Basic: Access denied. If a password was provided for Git authentication, the password was incorrect or you're required to use a token instead of a password. If a token was provided, it was either incorrect, expired, or improperly scoped.";

function gitScopePermission(scopes: string[]): Permission | null {
  if (scopes.includes("api") || scopes.includes("write_repository")) return "write";
  if (scopes.includes("read_repository")) return "read";
  return null;
}

/** Git smart HTTP: `oauth2:<OAuth token>` or any username with a PAT. */
async function handleGit(ctx: Ctx, env: GlEnv): Promise<boolean> {
  const request = parseGitRequest(ctx.path, ctx.query, ctx.method);
  if (!request) return false;
  const repo = env.store.repoByPath("gitlab", request.repoPath);
  const basic = parseBasicAuth(ctx.req.headers.authorization);
  if (!basic) {
    if (repo && !repo.private && request.service === "upload") await serveRepo(ctx, env, repo, request.rest, "anonymous");
    else gitUnauthorized(ctx, "GitLab", ACCESS_DENIED);
    return true;
  }
  const check = checkToken(env.store, "gitlab", basic.password, { forceExpired: ctx.expireTokens });
  const scopeCap = check.ok ? gitScopePermission(check.token.scopes) : null;
  if (!check.ok || scopeCap === null || (check.token.kind === "oauth" && basic.username !== "oauth2")) {
    gitUnauthorized(ctx, "GitLab", ACCESS_DENIED);
    return true;
  }
  const permission = repo ? userPermission(repo, check.user) : null;
  if (!repo || permission === null) {
    gitDenied(ctx, 404, "The project you were looking for could not be found or you don't have permission to view it.");
    return true;
  }
  if (request.service === "receive" && !(atLeast(permission, "write") && scopeCap === "write")) {
    gitDenied(ctx, 403, "You are not allowed to push code to this project.");
    return true;
  }
  await serveRepo(ctx, env, repo, request.rest, check.user.login);
  return true;
}

function faultResponder(): FaultResponder {
  return {
    status(ctx, status, fault) {
      if (parseGitRequest(ctx.path, ctx.query, ctx.method)) {
        ctx.text(status, `${STATUS_CODES[status] ?? "Error"}\n`, status === 401 ? { "WWW-Authenticate": 'Basic realm="GitLab"' } : {});
        return;
      }
      if (fault.body !== null && fault.body !== undefined) return ctx.json(status, fault.body);
      if (status === 429 || fault.retryAfterSeconds !== null) {
        const headers = rateLimitHeaders(fault);
        ctx.text(status, "Retry later\n", {
          "Retry-After": headers["Retry-After"] as string,
          "RateLimit-Limit": "2000",
          "RateLimit-Remaining": "0",
          "RateLimit-Reset": headers["x-ratelimit-reset"] as string,
          "RateLimit-Observed": "2000",
        });
        return;
      }
      if (status === 502 || status === 503) {
        // GitLab.com's load balancer answers these with its static HTML page, not JSON.
        const title = `GitLab is not responding (${status})`;
        return ctx.html(status, `<!DOCTYPE html>\n<html><head><title>${title}</title></head><body><h1>${status}</h1><h3>Whoops, GitLab is taking too much time to respond.</h3></body></html>`);
      }
      glMessage(ctx, status, `${status} ${STATUS_CODES[status] ?? "Error"}`);
    },
    sso(ctx) {
      // GitLab.com group SAML SSO enforcement: API access by a token whose user has not signed in through the identity provider.
      if (parseGitRequest(ctx.path, ctx.query, ctx.method)) {
        ctx.text(403, "Access denied: you must sign in with SAML single sign-on for this group.\n");
        return;
      }
      forbidden(ctx);
    },
  };
}

/** Starts the GitLab host: OAuth, `/api/v4` and git on one origin, as GitLab serves them. */
export async function startGitlab(
  store: SandboxStore,
  opts: { listenHost: string; home: string; port?: number },
): Promise<Host> {
  let base = "";
  const env: GlEnv = { store, home: opts.home, baseUrl: () => base };
  const router = new Router();
  registerGitlabOAuth(router, env);
  registerProjectRoutes(router, env);
  registerMergeRequestRoutes(router, env);
  registerApprovalRoutes(router, env);
  registerIssueRoutes(router, env);
  registerDiscussionRoutes(router, env);
  registerDraftNoteRoutes(router, env);
  registerDiffRoutes(router, env);
  registerPipelineRoutes(router, env);
  registerLabelAndMemberRoutes(router, env);
  const host = await startHost(
    {
      provider: "gitlab",
      host: "web",
      store,
      faults: faultResponder(),
      badJson: () => new HttpError(400, { error: "The provided content-type 'application/json' is not supported or the JSON is invalid." }),
      handle: async (ctx) => {
        if (await handleGit(ctx, env)) return;
        const match = router.match(ctx.method, ctx.path);
        if (match.kind === "found") {
          ctx.params = match.params;
          await match.handler(ctx);
          return;
        }
        if (ctx.path.startsWith("/api/")) {
          // GitLab authenticates before routing: a bad token is 401 even on an unknown route.
          if (authenticate(ctx, env)) ctx.json(404, { error: "404 Not Found" });
          return;
        }
        ctx.html(404, errorPage("Page Not Found", "The page could not be found or you don't have permission to view it."));
      },
      onError: (ctx) => glMessage(ctx, 500, "500 Internal Server Error"),
    },
    opts.listenHost,
    opts.port,
  );
  base = host.url;
  return host;
}
