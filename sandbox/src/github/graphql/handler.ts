import { graphql, GraphQLError } from "graphql";
import type { Ctx } from "../../http/server";
import { authenticate, ghError, type GhEnv } from "../common";
import { GraphqlFailure } from "./failure";
import { rootValue } from "./resolvers";
import { githubGraphqlSchema } from "./schema";

/** One entry of GitHub's `errors`: its `type` when it has one, where, and the message. */
function errorEntry(error: GraphQLError): Record<string, unknown> {
  const failure = error.originalError instanceof GraphqlFailure ? error.originalError : null;
  return {
    ...(failure ? { type: failure.type } : {}),
    ...(error.path ? { path: error.path } : {}),
    ...(error.extensions && Object.keys(error.extensions).length > 0 ? { extensions: error.extensions } : {}),
    locations: error.locations ?? [],
    message: error.message,
  };
}

/**
 * `POST /graphql` (api.github.com) and `POST /api/graphql` (Enterprise Server). As GitHub: 401
 * without a valid token; otherwise 200, with `errors` beside whatever `data` could be resolved.
 */
export async function handleGraphql(ctx: Ctx, env: GhEnv): Promise<void> {
  const auth = authenticate(ctx, env);
  if (!auth) return;
  if (!auth.user || !auth.token) {
    return ghError(ctx, 401, "This endpoint requires you to be authenticated.", "/graphql/guides/forming-calls-with-graphql#authenticating-with-graphql");
  }
  if (ctx.method !== "POST") return ghError(ctx, 404, "Not Found", "/graphql");
  const body = (await ctx.jsonBody()) as { query?: unknown; variables?: unknown; operationName?: unknown } | null;
  if (!body || typeof body.query !== "string") {
    return ctx.json(200, { errors: [{ message: "A query attribute must be specified and must be a string." }] });
  }
  const result = await graphql({
    schema: githubGraphqlSchema(),
    source: body.query,
    rootValue: rootValue({ env, token: auth.token, user: auth.user }),
    variableValues: body.variables && typeof body.variables === "object" ? (body.variables as Record<string, unknown>) : undefined,
    operationName: typeof body.operationName === "string" ? body.operationName : undefined,
  });
  ctx.header("X-GitHub-Media-Type", "github.v4; format=json");
  ctx.json(200, { ...(result.data !== undefined ? { data: result.data } : {}), ...(result.errors ? { errors: result.errors.map(errorEntry) } : {}) });
}

