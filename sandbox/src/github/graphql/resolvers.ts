import { atLeast, userPermission } from "../../permissions";
import type { Comment, Permission, PullRequest, Repo, TokenRecord, User } from "../../types";
import { effectivePermission, iso, ssoBlocked, tokenCapability, type GhEnv } from "../common";
import { refreshHead } from "../pulls";
import { accountFor, nodeId } from "../serializers";
import { isOutdated, threadByNodeId, threadNodeId, threadsOf, type Thread } from "../threads";
import { connection, type PageArgs } from "./connection";
import { GraphqlFailure } from "./failure";

/** Who is asking: GraphQL always needs an authenticated user. */
export interface GraphqlContext {
  env: GhEnv;
  token: TokenRecord;
  user: User;
}

type Obj = Record<string, unknown>;

function actor(ctx: GraphqlContext, login: string): Obj {
  const account = accountFor(ctx.env, login);
  const type = account.type === "User" ? "User" : "Organization";
  return {
    __typename: type,
    id: nodeId(type === "User" ? "04:User" : "012:Organization", account.id),
    databaseId: account.id,
    login: account.login,
    name: account.name,
    url: `${ctx.env.webUrl()}/${account.login}`,
    avatarUrl: () => `${ctx.env.webUrl()}/avatars/${account.login}.png`,
  };
}

function userActor(ctx: GraphqlContext, id: number): Obj | null {
  const user = ctx.env.store.users.get(id);
  return user ? actor(ctx, user.login) : null;
}

/** Whether the caller may see the repository at all (SAML SSO and visibility as for REST). */
function readable(ctx: GraphqlContext, repo: Repo): boolean {
  return !ssoBlocked(ctx.env, ctx.token, repo.owner) && effectivePermission(ctx, repo) !== null;
}

/**
 * Whether the caller may change what `need` guards: write access, or being the author of what is
 * changed (a pull request's author may mark it draft; a thread's may resolve it); the token must
 * allow writes either way. Otherwise GitHub's FORBIDDEN, worded as it words it.
 */
function demand(ctx: GraphqlContext, repo: Repo, mutation: string, authorIds: number[]): void {
  const token: Permission | null = tokenCapability(ctx.token, repo);
  if (!atLeast(token, "write")) {
    throw new GraphqlFailure("FORBIDDEN", ctx.token.kind === "fine_grained" ? "Resource not accessible by personal access token" : "Resource not accessible by integration");
  }
  if (atLeast(userPermission(repo, ctx.user), "write") || authorIds.includes(ctx.user.id)) return;
  throw new GraphqlFailure("FORBIDDEN", `${ctx.user.login} does not have the correct permissions to execute \`${mutation}\``);
}

function commentNode(ctx: GraphqlContext, repo: Repo, c: Comment, outdated: boolean): Obj {
  const url = `${ctx.env.webUrl()}/${repo.path}/pull/${c.number}#discussion_r${c.id}`;
  return {
    __typename: "PullRequestReviewComment",
    id: nodeId("024:PullRequestReviewComment", c.id),
    databaseId: c.id,
    body: c.body,
    author: userActor(ctx, c.authorId),
    createdAt: iso(c.createdAt),
    updatedAt: iso(c.createdAt),
    url,
    path: c.path ?? "",
    diffHunk: c.diffHunk ?? "",
    line: outdated ? null : c.line,
    originalLine: c.line,
    outdated,
    replyTo: () => {
      const parent = c.inReplyToId === null ? undefined : ctx.env.store.comments.find((p) => p.id === c.inReplyToId);
      return parent ? commentNode(ctx, repo, parent, outdated) : null;
    },
  };
}

function threadNode(ctx: GraphqlContext, repo: Repo, pr: PullRequest, thread: Thread): Obj {
  const outdated = isOutdated(ctx.env, repo, pr, thread).catch(() => false);
  const resolvedBy = ctx.env.store.resolvedThreads.get(thread.root.id);
  const mayResolve = atLeast(tokenCapability(ctx.token, repo), "write") && (atLeast(userPermission(repo, ctx.user), "write") || [pr.authorId, thread.root.authorId].includes(ctx.user.id));
  return {
    __typename: "PullRequestReviewThread",
    id: threadNodeId(thread.root.id),
    isResolved: resolvedBy !== undefined,
    isOutdated: () => outdated,
    isCollapsed: resolvedBy !== undefined,
    path: thread.root.path ?? "",
    line: async () => ((await outdated) ? null : thread.root.line),
    originalLine: thread.root.line,
    startLine: null,
    originalStartLine: null,
    diffSide: thread.root.side ?? "RIGHT",
    startDiffSide: null,
    subjectType: "LINE",
    resolvedBy: resolvedBy === undefined ? null : userActor(ctx, resolvedBy),
    viewerCanReply: atLeast(tokenCapability(ctx.token, repo), "write"),
    viewerCanResolve: mayResolve && resolvedBy === undefined,
    viewerCanUnresolve: mayResolve && resolvedBy !== undefined,
    pullRequest: () => pullNode(ctx, repo, pr),
    repository: () => repoNode(ctx, repo),
    comments: async (args: PageArgs) => {
      const stale = await outdated;
      return connection(thread.comments, args, "comments", (c) => commentNode(ctx, repo, c, stale));
    },
  };
}

function pullNode(ctx: GraphqlContext, repo: Repo, pr: PullRequest): Obj {
  return {
    __typename: "PullRequest",
    id: nodeId("011:PullRequest", pr.id),
    databaseId: pr.id,
    number: pr.number,
    title: pr.title,
    state: pr.state.toUpperCase(),
    isDraft: pr.draft,
    url: `${ctx.env.webUrl()}/${repo.path}/pull/${pr.number}`,
    headRefName: pr.head,
    headRefOid: pr.headSha,
    baseRefName: pr.base,
    author: userActor(ctx, pr.authorId),
    repository: () => repoNode(ctx, repo),
    reviewThreads: async (args: PageArgs) => {
      await refreshHead(ctx.env, repo, pr);
      return connection(threadsOf(ctx.env, repo, pr, ctx.user.id), args, "reviewThreads", (t) => threadNode(ctx, repo, pr, t));
    },
  };
}

function repoNode(ctx: GraphqlContext, repo: Repo): Obj {
  return {
    __typename: "Repository",
    id: nodeId("010:Repository", repo.id),
    databaseId: repo.id,
    name: repo.name,
    nameWithOwner: repo.path,
    owner: actor(ctx, repo.owner),
    isPrivate: repo.private,
    url: `${ctx.env.webUrl()}/${repo.path}`,
    pullRequest: ({ number }: { number: number }) => {
      const pr = ctx.env.store.pulls.find((p) => p.repoId === repo.id && p.number === number);
      if (!pr) throw new GraphqlFailure("NOT_FOUND", `Could not resolve to a PullRequest with the number of ${number}.`);
      return pullNode(ctx, repo, pr);
    },
  };
}

/** The pull request a legacy global id (`011:PullRequest<id>`, base64) names, when the caller may see it. */
function pullByNodeId(ctx: GraphqlContext, id: string): { repo: Repo; pr: PullRequest } | null {
  const m = /^011:PullRequest(\d+)$/.exec(Buffer.from(id, "base64").toString("utf8"));
  const pr = m ? ctx.env.store.pulls.find((p) => p.id === Number(m[1])) : undefined;
  const repo = pr && ctx.env.store.repos.get(pr.repoId);
  return pr && repo && readable(ctx, repo) ? { repo, pr } : null;
}

function notFoundNode(id: string): GraphqlFailure {
  return new GraphqlFailure("NOT_FOUND", `Could not resolve to a node with the global id of '${id}'`);
}

function visibleThread(ctx: GraphqlContext, id: string) {
  const found = threadByNodeId(ctx.env, id, ctx.user.id);
  if (!found || !readable(ctx, found.repo)) throw notFoundNode(id);
  return found;
}

function setResolved(ctx: GraphqlContext, input: { threadId: string; clientMutationId?: string | null }, resolved: boolean, mutation: string): Obj {
  const { repo, pr, thread } = visibleThread(ctx, input.threadId);
  demand(ctx, repo, mutation, [pr.authorId, thread.root.authorId]);
  if (resolved) ctx.env.store.resolvedThreads.set(thread.root.id, ctx.user.id);
  else ctx.env.store.resolvedThreads.delete(thread.root.id);
  return { clientMutationId: input.clientMutationId ?? null, thread: threadNode(ctx, repo, pr, thread) };
}

function setDraft(ctx: GraphqlContext, input: { pullRequestId: string; clientMutationId?: string | null }, draft: boolean, mutation: string): Obj {
  const found = pullByNodeId(ctx, input.pullRequestId);
  if (!found) throw notFoundNode(input.pullRequestId);
  const { repo, pr } = found;
  demand(ctx, repo, mutation, [pr.authorId]);
  if (pr.state !== "open") throw new GraphqlFailure("UNPROCESSABLE", "Pull request is closed");
  pr.draft = draft;
  pr.updatedAt = Date.now();
  return { clientMutationId: input.clientMutationId ?? null, pullRequest: pullNode(ctx, repo, pr) };
}

/** The root value: Query and Mutation fields together, as graphql-js's default resolvers read them. */
export function rootValue(ctx: GraphqlContext): Obj {
  return {
    viewer: () => actor(ctx, ctx.user.login),
    repository: ({ owner, name }: { owner: string; name: string }) => {
      const repo = ctx.env.store.repoByPath("github", `${owner}/${name}`);
      if (!repo || !readable(ctx, repo)) throw new GraphqlFailure("NOT_FOUND", `Could not resolve to a Repository with the name '${owner}/${name}'.`);
      return repoNode(ctx, repo);
    },
    node: ({ id }: { id: string }) => {
      if (id.startsWith("PRRT_")) {
        const { repo, pr, thread } = visibleThread(ctx, id);
        return threadNode(ctx, repo, pr, thread);
      }
      const pull = pullByNodeId(ctx, id);
      if (pull) return pullNode(ctx, pull.repo, pull.pr);
      throw notFoundNode(id);
    },
    resolveReviewThread: ({ input }: { input: { threadId: string; clientMutationId?: string } }) => setResolved(ctx, input, true, "ResolveReviewThread"),
    unresolveReviewThread: ({ input }: { input: { threadId: string; clientMutationId?: string } }) => setResolved(ctx, input, false, "UnresolveReviewThread"),
    convertPullRequestToDraft: ({ input }: { input: { pullRequestId: string; clientMutationId?: string } }) => setDraft(ctx, input, true, "ConvertPullRequestToDraft"),
    markPullRequestReadyForReview: ({ input }: { input: { pullRequestId: string; clientMutationId?: string } }) => setDraft(ctx, input, false, "MarkPullRequestReadyForReview"),
  };
}
