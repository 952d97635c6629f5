import type { Router } from "../http/router";
import type { User } from "../types";
import { azError, azRoute, identityRef, iso, objectBody, onEitherCase, repoAccess, type RepoAccess } from "./access";
import type { AzEnv } from "./common";
import { findPullRequest, lineCount, pullUrl, refreshIterations } from "./pull-request-json";
import { azureState, type AzComment, type AzPosition, type AzPullRequest, type AzThread, type AzThreadContext, type AzThreadStatus } from "./state";

/**
 * Pull request threads and their comments
 * (learn.microsoft.com/rest/api/azure/devops/git/pull-request-threads and .../pull-request-thread-comments):
 * a thread without `threadContext` is a conversation comment, one with it is on lines of a file.
 * Status and comment type are accepted as names or as the enum's numbers, as Azure DevOps does.
 */

const PR = "/:org/:project/_apis/git/repositories/:repo/pullRequests/:id";
const THREAD_STATUSES: AzThreadStatus[] = ["unknown", "active", "fixed", "wontFix", "closed", "byDesign", "pending"];
const COMMENT_TYPES: AzComment["commentType"][] = ["text", "text", "codeChange", "system"];

function threadStatus(value: unknown): AzThreadStatus {
  if (typeof value === "number" && THREAD_STATUSES[value]) return THREAD_STATUSES[value]!;
  if (typeof value === "string" && THREAD_STATUSES.includes(value as AzThreadStatus)) return value as AzThreadStatus;
  throw azError(400, `The value '${String(value)}' is not valid for the thread status.`, "InvalidArgumentValueException");
}

function commentType(value: unknown): AzComment["commentType"] {
  if (value === undefined) return "text";
  if (typeof value === "number" && COMMENT_TYPES[value]) return COMMENT_TYPES[value]!;
  if (value === "text" || value === "codeChange" || value === "system") return value;
  throw azError(400, `The value '${String(value)}' is not valid for the comment type.`, "InvalidArgumentValueException");
}

function position(value: unknown): AzPosition | null {
  if (value === undefined || value === null) return null;
  const p = value as { line?: unknown; offset?: unknown };
  if (!Number.isInteger(p.line) || (p.line as number) < 1) throw azError(400, "A comment position's line must be a positive number.", "InvalidArgumentValueException");
  return { line: p.line as number, offset: Number.isInteger(p.offset) ? (p.offset as number) : 1 };
}

/** Checks a thread context against the files of the pull request's latest iteration. */
async function threadContext(env: AzEnv, access: RepoAccess, pr: AzPullRequest, value: unknown): Promise<AzThreadContext | null> {
  if (value === undefined || value === null) return null;
  const raw = value as Record<string, unknown>;
  if (typeof raw.filePath !== "string" || !raw.filePath.startsWith("/")) throw azError(400, "The thread context's filePath must be a path starting with '/'.", "InvalidArgumentValueException");
  const context: AzThreadContext = {
    filePath: raw.filePath,
    rightFileStart: position(raw.rightFileStart),
    rightFileEnd: position(raw.rightFileEnd),
    leftFileStart: position(raw.leftFileStart),
    leftFileEnd: position(raw.leftFileEnd),
  };
  const iteration = await refreshIterations(env, access.repo, pr);
  const right = context.rightFileStart !== null;
  const start = context.rightFileStart ?? context.leftFileStart;
  if (!start) throw azError(400, "The thread context needs rightFileStart or leftFileStart.", "InvalidArgumentValueException");
  const lines = await lineCount(env, access.repo, right ? iteration.sourceSha : iteration.targetSha, context.filePath.slice(1));
  if (lines === null) throw azError(400, `The file '${context.filePath}' does not exist in the ${right ? "source" : "target"} version of the pull request.`, "InvalidArgumentValueException");
  if (start.line > lines) throw azError(400, `Line ${start.line} is beyond the end of '${context.filePath}' (${lines} lines).`, "InvalidArgumentValueException");
  return context;
}

function commentJson(env: AzEnv, access: RepoAccess, pr: AzPullRequest, thread: AzThread, c: AzComment): Record<string, unknown> {
  return {
    id: c.id,
    parentCommentId: c.parentCommentId,
    author: identityRef(env, access.org, env.store.users.get(c.authorId) as User),
    content: c.content,
    publishedDate: iso(c.publishedAt),
    lastUpdatedDate: iso(c.updatedAt),
    lastContentUpdatedDate: iso(c.updatedAt),
    commentType: c.commentType,
    usersLiked: [],
    _links: { self: { href: `${pullUrl(env, access, pr)}/threads/${thread.id}/comments/${c.id}` } },
  };
}

function threadJson(env: AzEnv, access: RepoAccess, pr: AzPullRequest, t: AzThread): Record<string, unknown> {
  const ctx = t.threadContext;
  return {
    pullRequestThreadContext: t.iterationId === null ? null : { iterationContext: { firstComparingIteration: 1, secondComparingIteration: t.iterationId }, changeTrackingId: 1 },
    id: t.id,
    publishedDate: iso(t.publishedAt),
    lastUpdatedDate: iso(t.updatedAt),
    comments: t.comments.map((c) => commentJson(env, access, pr, t, c)),
    status: t.status,
    threadContext: ctx
      ? { filePath: ctx.filePath, ...(ctx.rightFileStart ? { rightFileStart: ctx.rightFileStart, rightFileEnd: ctx.rightFileEnd ?? ctx.rightFileStart } : {}), ...(ctx.leftFileStart ? { leftFileStart: ctx.leftFileStart, leftFileEnd: ctx.leftFileEnd ?? ctx.leftFileStart } : {}) }
      : null,
    properties: t.properties,
    identities: null,
    isDeleted: false,
    _links: { self: { href: `${pullUrl(env, access, pr)}/threads/${t.id}` } },
  };
}

/** The system thread Azure DevOps adds when something happens to a pull request (a vote). */
export function addSystemThread(env: AzEnv, pr: AzPullRequest, author: User, content: string, properties: Record<string, string | number>): void {
  const now = Date.now();
  const state = azureState(env.store);
  state.threads.push({
    id: state.nextThreadId++,
    pullRequestId: pr.id,
    status: "unknown",
    threadContext: null,
    iterationId: null,
    comments: [{ id: 1, parentCommentId: 0, authorId: author.id, content, commentType: "system", publishedAt: now, updatedAt: now }],
    properties: Object.fromEntries(Object.entries(properties).map(([k, v]) => [k, { $type: typeof v === "number" ? "System.Int32" : "System.String", $value: v }])),
    publishedAt: now,
    updatedAt: now,
  });
}

function findThread(env: AzEnv, pr: AzPullRequest, raw: string | undefined): AzThread {
  const thread = azureState(env.store).threads.find((t) => t.pullRequestId === pr.id && t.id === Number(raw));
  if (!thread) throw azError(404, `The thread ${raw ?? ""} of the pull request ${pr.id} could not be found.`, "GitPullRequestCommentThreadNotFoundException");
  return thread;
}

export function registerAzureThreadRoutes(router: Router, env: AzEnv): void {
  const state = azureState(env.store);

  onEitherCase(
    router,
    "GET",
    `${PR}/threads`,
    azRoute(env, (ctx, auth) => {
      const access = repoAccess(env, ctx, auth);
      const pr = findPullRequest(env, access, ctx.params.id);
      const value = state.threads.filter((t) => t.pullRequestId === pr.id).map((t) => threadJson(env, access, pr, t));
      ctx.json(200, { value, count: value.length });
    }),
  );

  onEitherCase(
    router,
    "GET",
    `${PR}/threads/:threadId`,
    azRoute(env, (ctx, auth) => {
      const access = repoAccess(env, ctx, auth);
      const pr = findPullRequest(env, access, ctx.params.id);
      ctx.json(200, threadJson(env, access, pr, findThread(env, pr, ctx.params.threadId)));
    }),
  );

  onEitherCase(
    router,
    "POST",
    `${PR}/threads`,
    azRoute(env, async (ctx, auth) => {
      const access = repoAccess(env, ctx, auth, "write");
      const pr = findPullRequest(env, access, ctx.params.id);
      const body = await objectBody(ctx);
      const comments = Array.isArray(body.comments) ? (body.comments as Record<string, unknown>[]) : [];
      if (comments.length === 0 || comments.some((c) => typeof c?.content !== "string" || c.content === "")) {
        throw azError(400, "A thread must be created with at least one comment that has content.", "InvalidArgumentValueException");
      }
      const context = await threadContext(env, access, pr, body.threadContext);
      const now = Date.now();
      const thread: AzThread = {
        id: state.nextThreadId++,
        pullRequestId: pr.id,
        status: body.status === undefined ? "active" : threadStatus(body.status),
        threadContext: context,
        iterationId: pr.iterations.at(-1)!.id,
        comments: comments.map((c, i) => ({ id: i + 1, parentCommentId: Number(c.parentCommentId ?? 0), authorId: auth.user.id, content: c.content as string, commentType: commentType(c.commentType), publishedAt: now, updatedAt: now })),
        properties: {},
        publishedAt: now,
        updatedAt: now,
      };
      state.threads.push(thread);
      ctx.json(200, threadJson(env, access, pr, thread));
    }),
  );

  onEitherCase(
    router,
    "PATCH",
    `${PR}/threads/:threadId`,
    azRoute(env, async (ctx, auth) => {
      const access = repoAccess(env, ctx, auth, "write");
      const pr = findPullRequest(env, access, ctx.params.id);
      const thread = findThread(env, pr, ctx.params.threadId);
      const body = await objectBody(ctx);
      if (body.status !== undefined) thread.status = threadStatus(body.status);
      thread.updatedAt = Date.now();
      ctx.json(200, threadJson(env, access, pr, thread));
    }),
  );

  onEitherCase(
    router,
    "GET",
    `${PR}/threads/:threadId/comments`,
    azRoute(env, (ctx, auth) => {
      const access = repoAccess(env, ctx, auth);
      const pr = findPullRequest(env, access, ctx.params.id);
      const thread = findThread(env, pr, ctx.params.threadId);
      const value = thread.comments.map((c) => commentJson(env, access, pr, thread, c));
      ctx.json(200, { value, count: value.length });
    }),
  );

  onEitherCase(
    router,
    "POST",
    `${PR}/threads/:threadId/comments`,
    azRoute(env, async (ctx, auth) => {
      const access = repoAccess(env, ctx, auth, "write");
      const pr = findPullRequest(env, access, ctx.params.id);
      const thread = findThread(env, pr, ctx.params.threadId);
      const body = await objectBody(ctx);
      if (typeof body.content !== "string" || body.content === "") throw azError(400, "The comment must have content.", "InvalidArgumentValueException");
      const parent = Number(body.parentCommentId ?? 0);
      if (parent !== 0 && !thread.comments.some((c) => c.id === parent)) throw azError(400, `The parent comment ${parent} does not exist in thread ${thread.id}.`, "InvalidArgumentValueException");
      const now = Date.now();
      const comment: AzComment = { id: Math.max(0, ...thread.comments.map((c) => c.id)) + 1, parentCommentId: parent, authorId: auth.user.id, content: body.content, commentType: commentType(body.commentType), publishedAt: now, updatedAt: now };
      thread.comments.push(comment);
      thread.updatedAt = now;
      ctx.json(200, commentJson(env, access, pr, thread, comment));
    }),
  );
}
