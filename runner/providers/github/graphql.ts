import type { BackendContext } from "../../agent-tools/backend";
import { ToolFailure } from "../../agent-tools/tool-error";
import type { ThreadItem } from "../../agent-tools/tool-output";
import { call, client, graphqlErrors, mapFailure, ownerAndName } from "./octokit";

/**
 * What GitHub offers only through GraphQL: review threads with their resolved state, resolving
 * them, and switching a pull request between draft and ready for review.
 */

async function graphql<T>(ctx: BackendContext, query: string, variables: Record<string, unknown>, onNotFound?: () => ToolFailure): Promise<T> {
  try {
    return await client(ctx).graphql<T>(query, variables);
  } catch (e) {
    if (onNotFound && graphqlErrors(e)?.[0]?.type === "NOT_FOUND") throw onNotFound();
    throw mapFailure(ctx, e);
  }
}

/** The refusal for a thread id that names no thread of this pull request. */
function unknownThread(ctx: BackendContext, number: number): ToolFailure {
  const message = `No review thread of pull request #${number} in ${ctx.repository} has this id. Nothing was done; list_review_threads gives the ids.`;
  return new ToolFailure("validation_failed", message, { fieldErrors: { threadId: ["Not a thread of this pull request: pass an id list_review_threads returned."] } });
}

/** Marks a pull request (by its node id) a draft, or ready for review. */
export async function markDraft(ctx: BackendContext, pullNodeId: string, draft: boolean): Promise<void> {
  const mutation = draft
    ? "mutation($id: ID!) { convertPullRequestToDraft(input: { pullRequestId: $id }) { pullRequest { id isDraft } } }"
    : "mutation($id: ID!) { markPullRequestReadyForReview(input: { pullRequestId: $id }) { pullRequest { id isDraft } } }";
  await graphql(ctx, mutation, { id: pullNodeId });
}

type CommentNode = { id: string; databaseId: number | null; body: string; author: { login: string } | null; createdAt: string | null; url: string | null };
type ThreadNode = {
  id: string;
  isResolved: boolean;
  isOutdated: boolean;
  path: string;
  line: number | null;
  originalLine: number | null;
  diffSide: "LEFT" | "RIGHT";
  comments: { nodes: CommentNode[] };
};
type ThreadsAnswer = {
  repository: { pullRequest: { reviewThreads: { pageInfo: { hasNextPage: boolean; endCursor: string | null }; edges: { cursor: string; node: ThreadNode }[] } } | null } | null;
};

const THREAD_FIELDS = "id isResolved isOutdated path line originalLine diffSide comments(first: 100) { nodes { id databaseId body author { login } createdAt url } }";
const THREADS = `query($owner: String!, $name: String!, $number: Int!, $first: Int!, $after: String) {
  repository(owner: $owner, name: $name) {
    pullRequest(number: $number) {
      reviewThreads(first: $first, after: $after) { pageInfo { hasNextPage endCursor } edges { cursor node { ${THREAD_FIELDS} } } }
    }
  }
}`;

export function threadView(t: ThreadNode): ThreadItem {
  const first = t.comments.nodes[0];
  return {
    id: t.id,
    resolved: t.isResolved,
    outdated: t.isOutdated,
    path: t.path,
    line: t.line ?? t.originalLine,
    side: t.diffSide,
    comments: t.comments.nodes.map((c) => ({ id: String(c.databaseId ?? c.id), author: c.author?.login ?? null, body: c.body, createdAt: c.createdAt, url: c.url })),
    url: first?.url ?? null,
  };
}

/** One page of a pull request's review threads (GraphQL's own cursor), `count` of them at most. */
export async function threadPage(ctx: BackendContext, where: { owner: string; repo: string; number: number }, first: number, after: string | undefined) {
  const answer = await graphql<ThreadsAnswer>(ctx, THREADS, { owner: where.owner, name: where.repo, number: where.number, first, after: after ?? null });
  const threads = answer.repository?.pullRequest?.reviewThreads;
  if (!threads) throw mapFailure(ctx, { name: "GraphqlResponseError", errors: [{ type: "NOT_FOUND" }] });
  return threads;
}

type NodeAnswer = { node: { id: string; isResolved: boolean; pullRequest: { number: number }; comments: { nodes: { databaseId: number | null }[] } } | null };

/** The thread a thread id names, checked to be one of pull request `number`'s: its first comment's REST id and state. */
export async function threadOf(ctx: BackendContext, threadId: string, number: number): Promise<{ firstCommentId: number; resolved: boolean }> {
  const query = "query($id: ID!) { node(id: $id) { ... on PullRequestReviewThread { id isResolved pullRequest { number } comments(first: 1) { nodes { databaseId } } } } }";
  const answer = await graphql<NodeAnswer>(ctx, query, { id: threadId }, () => unknownThread(ctx, number));
  const node = answer.node;
  const firstCommentId = node?.comments?.nodes[0]?.databaseId;
  if (!node || node.pullRequest?.number !== number || typeof firstCommentId !== "number") {
    // A pull request that is not there is the 404 the not-found lookup turns into scm_item_not_found.
    await call(ctx, () => client(ctx).rest.pulls.get({ ...ownerAndName(ctx), pull_number: number }));
    throw unknownThread(ctx, number);
  }
  return { firstCommentId, resolved: node.isResolved };
}

/** Resolves or unresolves a thread; whether it is resolved now. */
export async function setResolved(ctx: BackendContext, threadId: string, resolved: boolean, number: number): Promise<boolean> {
  const name = resolved ? "resolveReviewThread" : "unresolveReviewThread";
  const answer = await graphql<Record<string, { thread: { isResolved: boolean } | null } | null>>(
    ctx,
    `mutation($id: ID!) { ${name}(input: { threadId: $id }) { thread { id isResolved } } }`,
    { id: threadId },
    () => unknownThread(ctx, number),
  );
  return answer[name]?.thread?.isResolved ?? resolved;
}

/** The id of the thread a review comment started, looked for among the pull request's latest threads; null when not found. */
export async function threadStartedBy(ctx: BackendContext, where: { owner: string; repo: string; number: number }, commentId: number): Promise<string | null> {
  const query = `query($owner: String!, $name: String!, $number: Int!) {
    repository(owner: $owner, name: $name) { pullRequest(number: $number) { reviewThreads(last: 20) { nodes { id comments(first: 1) { nodes { databaseId } } } } } }
  }`;
  type Answer = { repository: { pullRequest: { reviewThreads: { nodes: { id: string; comments: { nodes: { databaseId: number | null }[] } }[] } } | null } | null };
  try {
    const answer = await client(ctx).graphql<Answer>(query, { owner: where.owner, name: where.repo, number: where.number });
    return answer.repository?.pullRequest?.reviewThreads.nodes.find((t) => t.comments.nodes[0]?.databaseId === commentId)?.id ?? null;
  } catch {
    return null;
  }
}
