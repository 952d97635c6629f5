import { STATUS_CODES } from "node:http";
import type { FaultResponder } from "../faults";
import { rateLimitHeaders } from "../faults";
import { parseGitRequest } from "../git/http-backend";
import { Router } from "../http/router";
import { HttpError, startHost, type Ctx, type Host } from "../http/server";
import { errorPage } from "../oauth/consent-page";
import type { ResponseValidator } from "../openapi/validator";
import type { SandboxStore } from "../store";
import type { Fault } from "../types";
import { baseHeaders, ghError, ssoRequired, tokenFromRequest, type GhEnv } from "./common";
import { registerCheckRoutes } from "./checks";
import { registerFileRoutes } from "./files";
import { handleGithubGit } from "./git";
import { handleGraphql } from "./graphql/handler";
import { registerIssueRoutes } from "./issues";
import { registerLabelRoutes } from "./labels";
import { registerGithubApplicationsApi, registerGithubOAuthWeb } from "./oauth";
import { registerPullActionRoutes } from "./pull-actions";
import { registerPullRoutes } from "./pulls";
import { gh, registerRepoRoutes } from "./repos";
import { registerReviewRoutes } from "./reviews";
import { registerSearchRoutes } from "./search";

/** The Enterprise Server release the `/api/v3` layout claims to be. */
const GHES_VERSION = "3.17.0";

function apiRouter(env: GhEnv): Router {
  const router = new Router();
  registerRepoRoutes(router, env);
  registerPullRoutes(router, env);
  registerReviewRoutes(router, env);
  registerIssueRoutes(router, env);
  registerFileRoutes(router, env);
  registerPullActionRoutes(router, env);
  registerCheckRoutes(router, env);
  registerSearchRoutes(router, env);
  registerLabelRoutes(router, env);
  registerGithubApplicationsApi(router, env);
  return router;
}

async function dispatchApi(ctx: Ctx, env: GhEnv, router: Router): Promise<void> {
  const match = router.match(ctx.method, ctx.path);
  if (match.kind === "found") {
    ctx.params = match.params;
    await match.handler(ctx);
    return;
  }
  // GitHub answers unknown routes and unsupported methods alike with its JSON 404.
  await gh(env, (c) => ghError(c, 404, "Not Found", "/rest"))(ctx);
}

function faultResponder(env: GhEnv, host: "api" | "web"): FaultResponder {
  const isGit = (ctx: Ctx) => host === "web" && parseGitRequest(ctx.path, ctx.query, ctx.method) !== null;
  return {
    status(ctx, status, fault: Fault) {
      if (isGit(ctx)) {
        const headers: Record<string, string> = status === 401 ? { "WWW-Authenticate": 'Basic realm="GitHub"' } : {};
        ctx.text(status, `${STATUS_CODES[status] ?? "Error"}\n`, headers);
        return;
      }
      baseHeaders(ctx);
      if (fault.body !== null && fault.body !== undefined) {
        ctx.json(status, fault.body);
        return;
      }
      const userId = env.store.tokensByValue.get(tokenFromRequest(ctx) ?? "")?.userId ?? 0;
      const limits = rateLimitHeaders(fault);
      const rateDoc = "/rest/using-the-rest-api/rate-limits-for-the-rest-api";
      if (status === 429 || (status === 403 && fault.retryAfterSeconds !== null)) {
        // A secondary rate limit: GitHub says how long to wait in Retry-After.
        const message = `You have exceeded a secondary rate limit. Please wait a few minutes before you try again. If you reach out to GitHub Support for help, please include the request ID ${String(ctx.res.getHeader("x-github-request-id") ?? "")}.`;
        ghError(ctx, status, message, rateDoc, limits);
        return;
      }
      if (status === 403) {
        // The primary rate limit: remaining 0 and the reset time, no Retry-After.
        const { "Retry-After": _retry, ...primary } = limits;
        ghError(ctx, 403, `API rate limit exceeded for user ID ${userId}.`, rateDoc, primary);
        return;
      }
      const messages: Record<number, string> = { 401: "Bad credentials", 500: "Server Error", 502: "Server Error", 503: "Service Unavailable" };
      ghError(ctx, status, messages[status] ?? STATUS_CODES[status] ?? "Error", "/rest");
    },
    sso(ctx) {
      // The organization enforcing SSO: the repository owner of a REST or git path; for paths
      // that name none (`/user`), a placeholder organization.
      const rest = ctx.path.replace(/^\/api\/v3(?=\/)/, "");
      const owner = /^\/(?:repos|orgs)\/([^/]+)/.exec(rest)?.[1] ?? (isGit(ctx) ? /^\/([^/]+)\//.exec(rest)?.[1] : undefined) ?? "sso-enforcing-org";
      const token = env.store.tokensByValue.get(tokenFromRequest(ctx) ?? "") ?? null;
      if (isGit(ctx)) {
        ctx.text(403, `remote: The '${owner}' organization has enabled or enforced SAML SSO.\n`);
        return;
      }
      baseHeaders(ctx);
      ssoRequired(ctx, env, token, owner);
    },
  };
}

/** The REST path of a request (without GHES's `/api/v3`), or null for the web host's own pages. */
function restPathOf(ctx: Ctx): string | null {
  const raw = ctx.url.pathname;
  if (raw === "/api/v3" || raw.startsWith("/api/v3/")) return raw.slice("/api/v3".length) || "/";
  return raw.startsWith("/login/") ? null : raw;
}

export interface GithubHosts {
  web: Host;
  api: Host;
}

/** Starts GitHub's two hosts: the web host (OAuth, git, GHES `/api/v3`) and the api host. */
export async function startGithub(
  store: SandboxStore,
  opts: { listenHost: string; home: string; reposRoot: string; validator: ResponseValidator | null; ports?: { web?: number; api?: number } },
): Promise<GithubHosts> {
  const urls = { web: "", api: "" };
  const env: GhEnv = { store, home: opts.home, reposRoot: opts.reposRoot, webUrl: () => urls.web, apiUrl: () => urls.api };
  // Enterprise Server serves the REST API under /api/v3 of the web host; the links in its
  // responses point there too, so that layout gets its own router over a GHES-flavoured env.
  const ghesEnv: GhEnv = { ...env, apiUrl: () => `${urls.web}/api/v3` };
  const api = apiRouter(env);
  const ghesApi = apiRouter(ghesEnv);
  const web = new Router();
  registerGithubOAuthWeb(web, env);

  // Every JSON answer of the REST API (api host, or /api/v3 on the web host) is checked against
  // GitHub's OpenAPI description; the OAuth endpoints under /login are not part of it.
  const onJson = (ctx: Ctx, status: number, body: unknown) => {
    const restPath = restPathOf(ctx);
    if (!opts.validator || restPath === null) return;
    const result = opts.validator.validate(ctx.method, restPath, status, body);
    if (result.operation) store.validatedResponses += 1;
    if (result.errors.length > 0) {
      store.violations.push({ method: ctx.method, path: ctx.url.pathname, status, operation: result.operation, errors: result.errors });
    }
  };

  const apiHost = await startHost(
    {
      provider: "github",
      host: "api",
      store,
      faults: faultResponder(env, "api"),
      onJson,
      badJson: () => new HttpError(400, { message: "Problems parsing JSON", documentation_url: "https://docs.github.com/rest", status: "400" }),
      // GraphQL sits beside REST at /graphql, as on api.github.com.
      handle: (ctx) => (ctx.path === "/graphql" ? handleGraphql(ctx, env) : dispatchApi(ctx, env, api)),
      onError: (ctx) => ghError(ctx, 500, "Server Error"),
    },
    opts.listenHost,
    opts.ports?.api,
  );
  const webHost = await startHost(
    {
      provider: "github",
      host: "web",
      store,
      faults: faultResponder(env, "web"),
      onJson,
      handle: async (ctx) => {
        if (ctx.path === "/api/v3" || ctx.path.startsWith("/api/v3/")) {
          ctx.path = ctx.path.slice("/api/v3".length) || "/";
          // Enterprise Server names its version on every REST answer; clients detect GHES by it.
          ctx.header("X-GitHub-Enterprise-Version", GHES_VERSION);
          await dispatchApi(ctx, ghesEnv, ghesApi);
          return;
        }
        // Enterprise Server serves GraphQL at /api/graphql (not under /api/v3).
        if (ctx.path === "/api/graphql") {
          ctx.header("X-GitHub-Enterprise-Version", GHES_VERSION);
          await handleGraphql(ctx, ghesEnv);
          return;
        }
        if (await handleGithubGit(ctx, env)) return;
        const match = web.match(ctx.method, ctx.path);
        if (match.kind === "found") {
          ctx.params = match.params;
          await match.handler(ctx);
          return;
        }
        ctx.html(404, errorPage("Page not found", "This is not the web page you are looking for."));
      },
      onError: (ctx) => ctx.html(500, errorPage("Server error", "Something went wrong.")),
    },
    opts.listenHost,
    opts.ports?.web,
  );
  urls.web = webHost.url;
  urls.api = apiHost.url;
  return { web: webHost, api: apiHost };
}
