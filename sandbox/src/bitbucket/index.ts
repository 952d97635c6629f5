import { STATUS_CODES } from "node:http";
import { rateLimitHeaders, type FaultResponder } from "../faults";
import { parseGitRequest } from "../git/http-backend";
import { gitDenied, gitUnauthorized, serveRepo } from "../git/serve";
import { Router } from "../http/router";
import { HttpError, startHost, type Ctx, type Host } from "../http/server";
import { parseBasicAuth } from "../oauth/common";
import { errorPage } from "../oauth/consent-page";
import { atLeast, minPermission, userPermission } from "../permissions";
import type { SandboxStore } from "../store";
import { checkToken } from "../tokens";
import type { Permission, TokenRecord, User } from "../types";
import { bbError, NO_API, registerBitbucketApi, type BbEnv } from "./api";
import { registerBitbucketCommits } from "./commits";
import { registerBitbucketIssues } from "./issues";
import { registerBitbucketOAuth } from "./oauth";
import { registerBitbucketPrComments } from "./pr-comments";
import { registerBitbucketPullRequests } from "./pullrequests";
import { registerBitbucketWorkspaces } from "./workspaces";

function gitCapability(token: TokenRecord): Permission | null {
  const scopes = token.scopes;
  if (scopes.includes("repository:write") || scopes.includes("write:repository:bitbucket") || scopes.includes("repository:admin")) return "write";
  if (scopes.includes("repository") || scopes.includes("read:repository:bitbucket")) return "read";
  return null;
}

function gitCredentialsValid(username: string, token: TokenRecord, user: User): boolean {
  if (token.kind === "oauth") return username === "x-token-auth";
  const name = username.toLowerCase();
  return name === user.email.toLowerCase() || name === user.login.toLowerCase() || name === "x-bitbucket-api-token-auth";
}

/** Git over HTTPS: `x-token-auth:<OAuth token>`, or email / username / `x-bitbucket-api-token-auth` with an API token. */
async function handleGit(ctx: Ctx, env: BbEnv & { home: string }): Promise<boolean> {
  const request = parseGitRequest(ctx.path, ctx.query, ctx.method);
  if (!request) return false;
  const repo = env.store.repoByPath("bitbucket", request.repoPath);
  const basic = parseBasicAuth(ctx.req.headers.authorization);
  if (!basic) {
    if (repo && !repo.private && request.service === "upload") await serveRepo(ctx, env, repo, request.rest, "anonymous");
    else gitUnauthorized(ctx, "Bitbucket.org HTTP", "Authentication required");
    return true;
  }
  const check = checkToken(env.store, "bitbucket", basic.password, { forceExpired: ctx.expireTokens });
  if (!check.ok || !gitCredentialsValid(basic.username, check.token, check.user)) {
    gitUnauthorized(ctx, "Bitbucket.org HTTP", "Invalid credentials");
    return true;
  }
  const permission = repo ? minPermission(userPermission(repo, check.user), gitCapability(check.token)) : null;
  if (!repo || permission === null) {
    gitDenied(ctx, 404, "Repository not found");
    return true;
  }
  if (request.service === "receive" && !atLeast(permission, "write")) {
    gitDenied(ctx, 403, `You do not have write access to ${repo.path}.`);
    return true;
  }
  await serveRepo(ctx, env, repo, request.rest, check.user.login);
  return true;
}

function faultResponder(): FaultResponder {
  return {
    status(ctx, status, fault) {
      if (parseGitRequest(ctx.path, ctx.query, ctx.method)) {
        ctx.text(status, `${STATUS_CODES[status] ?? "Error"}\n`, status === 401 ? { "WWW-Authenticate": 'Basic realm="Bitbucket.org HTTP"' } : {});
        return;
      }
      if (fault.body !== null && fault.body !== undefined) return ctx.json(status, fault.body);
      const headers: Record<string, string> = {};
      if (status === 429 || fault.retryAfterSeconds !== null) headers["Retry-After"] = rateLimitHeaders(fault)["Retry-After"] as string;
      if (status === 401) headers["WWW-Authenticate"] = 'Basic realm="Bitbucket.org HTTP"';
      const messages: Record<number, string> = { 401: "Unauthorized", 403: "Forbidden", 429: "Rate limit for this resource has been exceeded", 500: "Internal Server Error", 502: "Bad Gateway" };
      bbError(ctx, status, messages[status] ?? STATUS_CODES[status] ?? "Error", {}, headers);
    },
    sso(ctx) {
      bbError(ctx, 403, "Access to this workspace requires single sign-on through your identity provider.");
    },
  };
}

export interface BitbucketHosts {
  web: Host;
  api: Host;
}

/** Starts Bitbucket's two hosts: bitbucket.org-style web (OAuth, git) and api.bitbucket.org-style API. */
export async function startBitbucket(
  store: SandboxStore,
  opts: { listenHost: string; home: string; ports?: { web?: number; api?: number } },
): Promise<BitbucketHosts> {
  const urls = { web: "", api: "" };
  const env = { store, home: opts.home, webUrl: () => urls.web, apiUrl: () => urls.api };
  const web = new Router();
  registerBitbucketOAuth(web, store);
  const api = new Router();
  registerBitbucketApi(api, env);
  registerBitbucketPullRequests(api, env);
  registerBitbucketPrComments(api, env);
  registerBitbucketCommits(api, env);
  registerBitbucketIssues(api, env);
  registerBitbucketWorkspaces(api, env);
  const faults = faultResponder();
  const webHost = await startHost(
    {
      provider: "bitbucket",
      host: "web",
      store,
      faults,
      handle: async (ctx) => {
        if (await handleGit(ctx, env)) return;
        // The API is also served under the web host's /2.0, so a product configured with this
        // one host (as with a single base URL) reaches it; api.bitbucket.org-style stays available.
        if (ctx.path === "/2.0" || ctx.path.startsWith("/2.0/")) {
          const apiMatch = api.match(ctx.method, ctx.path);
          if (apiMatch.kind !== "found") return bbError(ctx, 404, "Resource not found", { detail: NO_API });
          ctx.params = apiMatch.params;
          await apiMatch.handler(ctx);
          return;
        }
        const match = web.match(ctx.method, ctx.path);
        if (match.kind !== "found") return ctx.html(404, errorPage("Resource not found", "That link has no power here."));
        ctx.params = match.params;
        await match.handler(ctx);
      },
    },
    opts.listenHost,
    opts.ports?.web,
  );
  const apiHost = await startHost(
    {
      provider: "bitbucket",
      host: "api",
      store,
      faults,
      badJson: () => new HttpError(400, { type: "error", error: { message: "Bad request", detail: "Invalid JSON" } }),
      handle: async (ctx) => {
        const match = api.match(ctx.method, ctx.path);
        if (match.kind !== "found") return bbError(ctx, 404, "Resource not found", { detail: NO_API });
        ctx.params = match.params;
        await match.handler(ctx);
      },
      onError: (ctx) => bbError(ctx, 500, "Something went wrong"),
    },
    opts.listenHost,
    opts.ports?.api,
  );
  urls.web = webHost.url;
  urls.api = apiHost.url;
  return { web: webHost, api: apiHost };
}
