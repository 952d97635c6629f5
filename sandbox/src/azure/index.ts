import { STATUS_CODES } from "node:http";
import { rateLimitHeaders, type FaultResponder } from "../faults";
import { parseGitRequest } from "../git/http-backend";
import { gitDenied, gitUnauthorized, serveRepo } from "../git/serve";
import { Router } from "../http/router";
import { startHost, type Ctx, type Host } from "../http/server";
import { parseBasicAuth } from "../oauth/common";
import { errorPage } from "../oauth/consent-page";
import { atLeast, minPermission, userPermission } from "../permissions";
import type { SandboxStore } from "../store";
import { checkToken } from "../tokens";
import { registerAzureApi, registerVsspsApi } from "./api";
import { challengeHeaders, codeCapability, vssError, type AzEnv } from "./common";
import { registerEntraRoutes } from "./entra";
import { registerAzurePolicyRoutes } from "./policy";
import { registerAzurePullRequestRoutes } from "./pull-requests";
import { registerAzureTeamRoutes } from "./teams";
import { registerAzureThreadRoutes } from "./threads";
import { registerWorkItemCommentRoutes } from "./work-item-comments";
import { registerAzureWorkItemQueryRoutes } from "./work-item-queries";
import { registerAzureWorkItemRoutes } from "./work-items";

/** Git over HTTPS: `/{org}/{project}/_git/{repo}`, Basic with any user name and a PAT or Entra token. */
async function handleGit(ctx: Ctx, env: AzEnv): Promise<boolean> {
  const request = parseGitRequest(ctx.path, ctx.query, ctx.method);
  const m = request ? /^([^/]+)\/([^/]+)\/_git\/([^/]+)$/.exec(request.repoPath) : null;
  if (!request || !m) return false;
  const [, org = "", project = "", name = ""] = m;
  const repo = env.store.repoByPath("azure-devops", `${org}/${project}/${name}`);
  const basic = parseBasicAuth(ctx.req.headers.authorization);
  const check = basic ? checkToken(env.store, "azure-devops", basic.password, { forceExpired: ctx.expireTokens }) : null;
  const scoped = check?.ok ? check.token.organizations : null;
  const inScope = !scoped || scoped.some((o) => o.toLowerCase() === org.toLowerCase());
  if (!check || !check.ok || !inScope) {
    gitUnauthorized(ctx, `${env.webUrl()}/`, "Authentication failed.");
    return true;
  }
  const permission = repo ? minPermission(userPermission(repo, check.user), codeCapability(check.token)) : null;
  if (!repo || permission === null) {
    gitDenied(ctx, 404, `TF401019: The Git repository with name or identifier ${name} does not exist or you do not have permissions for the operation you are attempting.`);
    return true;
  }
  if (request.service === "receive" && !atLeast(permission, "write")) {
    gitDenied(ctx, 403, `TF401027: You need the Git 'GenericContribute' permission to perform this action. Details: identity '${check.user.name}', scope 'repository'.`);
    return true;
  }
  await serveRepo(ctx, env, repo, request.rest, check.user.email);
  return true;
}

function faultResponder(env: AzEnv, host: "web" | "vssps" | "entra"): FaultResponder {
  return {
    status(ctx, status, fault) {
      if (fault.body !== null && fault.body !== undefined) return ctx.json(status, fault.body);
      if (host === "web" && parseGitRequest(ctx.path, ctx.query, ctx.method)) {
        const headers: Record<string, string> = status === 401 ? { "WWW-Authenticate": `Basic realm="${env.webUrl()}/"` } : {};
        return ctx.text(status, `${STATUS_CODES[status] ?? "Error"}\n`, headers);
      }
      if (host === "entra") {
        const error = status >= 500 ? "temporarily_unavailable" : status === 401 ? "invalid_client" : "invalid_request";
        const headers: Record<string, string> = {};
        if (status === 429 || fault.retryAfterSeconds !== null) headers["Retry-After"] = String(fault.retryAfterSeconds ?? 60);
        return ctx.json(status, { error, error_description: `AADSTS90033: A transient error has occurred. Please try again.`, error_codes: [90033] }, headers);
      }
      if (status === 429 || fault.retryAfterSeconds !== null) {
        const limits = rateLimitHeaders(fault);
        return vssError(ctx, status, "TF400733: The request has been canceled: Request was blocked due to exceeding usage of resource 'Core' in namespace 'User'.", "RequestBlockedException", {
          "Retry-After": limits["Retry-After"] as string,
          "X-RateLimit-Resource": "Core",
          "X-RateLimit-Delay": "1.5",
          "X-RateLimit-Limit": "200",
          "X-RateLimit-Remaining": "0",
          "X-RateLimit-Reset": limits["x-ratelimit-reset"] as string,
        });
      }
      if (status === 401) {
        return vssError(ctx, 401, "TF400813: Resource not available for anonymous access. Client authentication required.", "UnauthorizedRequestException", challengeHeaders(env));
      }
      if (status === 502) return ctx.html(502, "<!DOCTYPE html><html><head><title>502 - Bad Gateway</title></head><body><h1>502 - Bad Gateway</h1></body></html>");
      const text = status === 403 ? "Access denied." : "VS402580: An unexpected error occurred. Try again later.";
      vssError(ctx, status, text, status === 403 ? "UnauthorizedAccessException" : "VssServiceException");
    },
    sso(ctx) {
      if (host === "entra") {
        return ctx.json(400, {
          error: "interaction_required",
          error_description: "AADSTS50076: Due to a configuration change made by your administrator, or because you moved to a new location, you must use multi-factor authentication to access the resource.",
          error_codes: [50076],
          suberror: "basic_action",
        });
      }
      vssError(ctx, 401, "VS403463: The conditional access policy defined by your Azure Active Directory administrator has failed.", "ConditionalAccessPolicyFailedException", challengeHeaders(env));
    },
  };
}

export interface AzureHosts {
  web: Host;
  vssps: Host;
  entra: Host;
}

/** Starts Azure DevOps' hosts: the dev.azure.com-style web host, vssps, and Entra ID. */
export async function startAzure(
  store: SandboxStore,
  opts: { listenHost: string; home: string; ports?: { web?: number; vssps?: number; entra?: number } },
): Promise<AzureHosts> {
  const urls = { web: "", vssps: "", entra: "" };
  const env: AzEnv = { store, home: opts.home, webUrl: () => urls.web, vsspsUrl: () => urls.vssps, entraUrl: () => urls.entra };
  const web = new Router();
  registerAzureApi(web, env);
  registerAzurePullRequestRoutes(web, env);
  registerAzureThreadRoutes(web, env);
  registerAzurePolicyRoutes(web, env);
  registerAzureWorkItemRoutes(web, env);
  registerWorkItemCommentRoutes(web, env);
  registerAzureWorkItemQueryRoutes(web, env);
  registerAzureTeamRoutes(web, env);
  const vssps = new Router();
  registerVsspsApi(vssps, env);
  const entra = new Router();
  registerEntraRoutes(entra, env);
  // Azure DevOps answers an unknown route with an ASP.NET "controller not found" error.
  const notFound = (ctx: Ctx) =>
    vssError(ctx, 404, `The controller for path '${ctx.path}' was not found or does not implement IController.`, "HttpException");
  const dispatch = (router: Router, fallback: (ctx: Ctx) => void) => async (ctx: Ctx) => {
    const match = router.match(ctx.method, ctx.path);
    if (match.kind !== "found") return fallback(ctx);
    ctx.params = match.params;
    await match.handler(ctx);
  };
  const webDispatch = dispatch(web, notFound);
  const start = (host: "web" | "vssps" | "entra", handle: (ctx: Ctx) => Promise<void>, port?: number) =>
    startHost({ provider: "azure-devops", host, store, faults: faultResponder(env, host), handle, onError: (ctx) => vssError(ctx, 500, "VS402580: An unexpected error occurred.", "VssServiceException") }, opts.listenHost, port);
  const webHost = await start(
    "web",
    async (ctx) => {
      if (!(await handleGit(ctx, env))) await webDispatch(ctx);
    },
    opts.ports?.web,
  );
  const vsspsHost = await start("vssps", dispatch(vssps, notFound), opts.ports?.vssps);
  const entraHost = await start(
    "entra",
    dispatch(entra, (ctx) => ctx.html(404, errorPage("Page not found", "The page you requested does not exist."))),
    opts.ports?.entra,
  );
  urls.web = webHost.url;
  urls.vssps = vsspsHost.url;
  urls.entra = entraHost.url;
  return { web: webHost, vssps: vsspsHost, entra: entraHost };
}
