import { Router } from "../http/router";
import { HttpError, startHost, type Ctx, type Host } from "../http/server";
import { parseInput } from "./client";
import * as gitlab from "./gitlab";
import * as ops from "./operations";
import { bitbucketRepoSettingsSchema, configureBitbucketRepo } from "./bitbucket-operations";
import { setPolicyEvaluation, setPolicyEvaluationSchema } from "./azure-operations";
import { createCheckRun, createCommitStatus, createGithubReview } from "./github-operations";
import {
  addFaultSchema,
  autoApproveSchema,
  clearFaultsSchema,
  createRepoSchema,
  createUserSchema,
  issuePatSchema,
  registerOAuthAppSchema,
  requestsQuerySchema,
  revokeTokenSchema,
  signInSchema,
  createCheckRunSchema,
  createCommitStatusSchema,
  createGithubReviewSchema,
} from "./schemas";

type Route = (ctx: Ctx) => Promise<unknown> | unknown;

function idParam(ctx: Ctx): number {
  const id = Number(ctx.params.id);
  if (!Number.isSafeInteger(id) || id <= 0) throw new ops.AdminError(400, "invalid_request", "id must be a positive integer");
  return id;
}

/** The admin API's routes: JSON in, JSON out, every body validated with the shared zod schemas. */
function adminRouter(context: ops.AdminContext): Router {
  const router = new Router();
  const body = (ctx: Ctx) => ctx.jsonBody();
  const routes: [string, string, Route][] = [
    ["GET", "/admin/health", () => ({ ok: true, urls: context.urls })],
    ["POST", "/admin/users", async (ctx) => ops.createUser(context, parseInput(createUserSchema, await body(ctx)))],
    ["POST", "/admin/oauth-apps", async (ctx) => ops.registerOAuthApp(context, parseInput(registerOAuthAppSchema, await body(ctx)))],
    ["POST", "/admin/tokens", async (ctx) => ops.issuePat(context, parseInput(issuePatSchema, await body(ctx)))],
    ["GET", "/admin/tokens/:id", (ctx) => ops.getToken(context, { id: idParam(ctx) })],
    ["POST", "/admin/tokens/revoke", async (ctx) => ops.revokeToken(context, parseInput(revokeTokenSchema, await body(ctx)))],
    ["POST", "/admin/repos", async (ctx) => ops.createRepo(context, parseInput(createRepoSchema, await body(ctx)))],
    ["GET", "/admin/faults", () => ops.listFaults(context)],
    ["POST", "/admin/faults", async (ctx) => ops.addFault(context, parseInput(addFaultSchema, await body(ctx)))],
    ["DELETE", "/admin/faults", (ctx) => ops.clearFaults(context, parseInput(clearFaultsSchema, Object.fromEntries(ctx.query)))],
    ["DELETE", "/admin/faults/:id", (ctx) => ops.removeFault(context, idParam(ctx))],
    ["PUT", "/admin/auto-approve", async (ctx) => ops.setAutoApprove(context, parseInput(autoApproveSchema, await body(ctx)))],
    ["PUT", "/admin/sign-in", async (ctx) => ops.signIn(context, parseInput(signInSchema, await body(ctx)))],
    ["GET", "/admin/requests", (ctx) => ops.listRequests(context, parseInput(requestsQuerySchema, Object.fromEntries(ctx.query)))],
    ["GET", "/admin/revocations", () => ops.listRevocations(context)],
    ["GET", "/admin/violations", () => ops.listViolations(context)],
    ["GET", "/admin/token-endpoint-counters", () => ops.tokenEndpointCounters(context)],
    ["PUT", "/admin/bitbucket/repo-settings", async (ctx) => configureBitbucketRepo(context, parseInput(bitbucketRepoSettingsSchema, await body(ctx)))],
    ["POST", "/admin/gitlab/pipelines", async (ctx) => gitlab.createGitlabPipeline(context, parseInput(gitlab.createGitlabPipelineSchema, await body(ctx)))],
    ["PUT", "/admin/gitlab/jobs/:id", async (ctx) => gitlab.updateGitlabJob(context, idParam(ctx), parseInput(gitlab.updateGitlabJobSchema, await body(ctx)))],
    ["PUT", "/admin/azure-devops/policy-evaluations", async (ctx) => setPolicyEvaluation(context, parseInput(setPolicyEvaluationSchema, await body(ctx)))],
    ["POST", "/admin/github/check-runs", async (ctx) => createCheckRun(context, parseInput(createCheckRunSchema, await body(ctx)))],
    ["POST", "/admin/github/statuses", async (ctx) => createCommitStatus(context, parseInput(createCommitStatusSchema, await body(ctx)))],
    ["POST", "/admin/github/reviews", async (ctx) => createGithubReview(context, parseInput(createGithubReviewSchema, await body(ctx)))],
  ];
  for (const [method, pattern, handler] of routes) {
    router.on(method, pattern, async (ctx) => {
      const result = await handler(ctx);
      ctx.json(method === "POST" && pattern !== "/admin/tokens/revoke" ? 201 : 200, result);
    });
  }
  return router;
}

/** Starts the admin API host. */
export async function startAdmin(context: ops.AdminContext, listenHost: string, port?: number): Promise<Host> {
  const router = adminRouter(context);
  return startHost(
    {
      provider: "admin",
      host: "admin",
      store: context.store,
      logRequests: false,
      badJson: () => new HttpError(400, { error: "invalid_request", message: "the body is not valid JSON", issues: [] }),
      handle: async (ctx) => {
        const match = router.match(ctx.method, ctx.path);
        if (match.kind === "method_not_allowed") {
          return ctx.json(405, { error: "method_not_allowed", message: `use ${match.allowed.join(", ")}` }, { Allow: match.allowed.join(", ") });
        }
        if (match.kind === "not_found") return ctx.json(404, { error: "not_found", message: `no admin route ${ctx.method} ${ctx.path}` });
        ctx.params = match.params;
        try {
          await match.handler(ctx);
        } catch (error) {
          if (!(error instanceof ops.AdminError)) throw error;
          ctx.json(error.status, { error: error.code, message: error.message, issues: error.issues });
        }
      },
      onError: (ctx, error) => ctx.json(500, { error: "internal", message: error instanceof Error ? error.message : String(error) }),
    },
    listenHost,
    port,
  );
}
