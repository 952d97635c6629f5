import { fileDiff, hunkForLine } from "../git/repos";
import type { Comment, PullRequest, Repo } from "../types";
import type { GhEnv } from "./common";
import { isPendingComment } from "./serialize-issues";

/**
 * Review threads as GitHub models them: a review comment that replies to nothing starts a thread,
 * and its replies (`in_reply_to_id`) follow in order. Whether a thread is resolved lives in the
 * store, keyed by the first comment's id; GraphQL names a thread by its own global id.
 */
export interface Thread {
  root: Comment;
  comments: Comment[];
}

/** The threads of a pull request, oldest first, without other users' pending review comments. */
export function threadsOf(env: GhEnv, repo: Repo, pr: PullRequest, viewerId: number | undefined): Thread[] {
  const visible = env.store.comments.filter((c) => c.repoId === repo.id && c.kind === "review" && c.number === pr.number && (c.authorId === viewerId || !isPendingComment(env, c)));
  const byRoot = new Map<number, Thread>();
  for (const c of visible) if (c.inReplyToId === null) byRoot.set(c.id, { root: c, comments: [c] });
  for (const c of visible) if (c.inReplyToId !== null) byRoot.get(c.inReplyToId)?.comments.push(c);
  return [...byRoot.values()];
}

/** The thread's global id (GitHub's `PRRT_` ids are opaque; these are too). */
export function threadNodeId(rootId: number): string {
  return `PRRT_${Buffer.from(`thread:${rootId}`).toString("base64url")}`;
}

/** The first comment id a thread's global id names, or null. */
export function threadRootId(nodeId: string): number | null {
  if (!nodeId.startsWith("PRRT_")) return null;
  const m = /^thread:(\d+)$/.exec(Buffer.from(nodeId.slice(5), "base64url").toString("utf8"));
  return m ? Number(m[1]) : null;
}

/** The thread a global id names, with its repository and pull request, or null. */
export function threadByNodeId(env: GhEnv, nodeId: string, viewerId: number | undefined): { repo: Repo; pr: PullRequest; thread: Thread } | null {
  const rootId = threadRootId(nodeId);
  const root = rootId === null ? undefined : env.store.comments.find((c) => c.id === rootId && c.kind === "review" && c.inReplyToId === null);
  const repo = root && env.store.repos.get(root.repoId);
  const pr = root && repo && env.store.pulls.find((p) => p.repoId === repo.id && p.number === root.number);
  if (!root || !repo || !pr) return null;
  const thread = threadsOf(env, repo, pr, viewerId).find((t) => t.root.id === root.id);
  return thread ? { repo, pr, thread } : null;
}

/** Whether the lines a thread is on are no longer in the pull request's diff as they were. */
export async function isOutdated(env: GhEnv, repo: Repo, pr: PullRequest, thread: Thread): Promise<boolean> {
  const { root } = thread;
  if (root.commitId === pr.headSha || root.path === null || root.line === null) return false;
  const diff = await fileDiff(repo.diskPath, env.home, pr.baseSha, pr.headSha, root.path);
  return !diff || hunkForLine(diff, root.line, root.side ?? "RIGHT") !== root.diffHunk;
}
