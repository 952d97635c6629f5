import { resolveBranch } from "../git/repos";
import { runGit } from "../git/run-git";
import type { Repo, User } from "../types";
import { azError, identityRef, iso, type RepoAccess } from "./access";
import { repoJson } from "./api";
import type { AzEnv } from "./common";
import { azureState, type AzIteration, type AzPullRequest, type AzReviewer } from "./state";

/** Pull requests as Azure DevOps serializes them, and their iterations computed from the real git repository. */

const branchOf = (ref: string) => ref.replace(/^refs\/heads\//, "");

/**
 * Moves an active pull request to its branches' tips: a new source commit is a new iteration
 * (`reason: push`), as Azure DevOps records every push to the source branch.
 */
export async function refreshIterations(env: AzEnv, repo: Repo, pr: AzPullRequest): Promise<AzIteration> {
  const last = pr.iterations.at(-1)!;
  if (pr.status !== "active") return last;
  const [source, target] = await Promise.all([resolveBranch(repo.diskPath, env.home, branchOf(pr.sourceRefName)), resolveBranch(repo.diskPath, env.home, branchOf(pr.targetRefName))]);
  if (source && source !== last.sourceSha) {
    const next: AzIteration = { id: last.id + 1, sourceSha: source, targetSha: target ?? last.targetSha, createdAt: Date.now(), reason: "push" };
    pr.iterations.push(next);
    return next;
  }
  return last;
}

/** The pull request of the path in the repository, or Azure's TF401180 404. */
export function findPullRequest(env: AzEnv, access: RepoAccess, raw: string | undefined): AzPullRequest {
  const id = Number(raw);
  const pr = azureState(env.store).pulls.find((p) => p.id === id && p.repoId === access.repo.id);
  if (!pr) throw azError(404, "TF401180: The requested pull request was not found.", "GitPullRequestNotFoundException");
  return pr;
}

/** `IdentityRefWithVote`. */
export function reviewerJson(env: AzEnv, access: RepoAccess, pr: AzPullRequest, reviewer: AzReviewer): Record<string, unknown> {
  const user = env.store.users.get(reviewer.userId) as User;
  return {
    ...identityRef(env, access.org, user),
    reviewerUrl: `${pullUrl(env, access, pr)}/reviewers/${user.uuid}`,
    vote: reviewer.vote,
    hasDeclined: false,
    isRequired: reviewer.isRequired,
    isFlagged: false,
  };
}

/** The pull request's REST url. */
export function pullUrl(env: AzEnv, access: RepoAccess, pr: AzPullRequest): string {
  return `${env.webUrl()}/${access.org}/${access.projectId}/_apis/git/repositories/${access.repoId}/pullRequests/${pr.id}`;
}

function commitRef(env: AzEnv, access: RepoAccess, sha: string): Record<string, unknown> {
  return { commitId: sha, url: `${env.webUrl()}/${access.org}/${access.projectId}/_apis/git/repositories/${access.repoId}/commits/${sha}` };
}

/** `GitPullRequest`. */
export function pullRequestJson(env: AzEnv, access: RepoAccess, pr: AzPullRequest): Record<string, unknown> {
  const repository = repoJson(env, access.repo);
  const last = pr.iterations.at(-1)!;
  return {
    repository: { id: repository.id, name: repository.name, url: repository.url, project: repository.project, webUrl: repository.webUrl },
    pullRequestId: pr.id,
    codeReviewId: pr.id,
    status: pr.status,
    createdBy: identityRef(env, access.org, env.store.users.get(pr.createdById) as User),
    creationDate: iso(pr.createdAt),
    ...(pr.closedAt !== null ? { closedDate: iso(pr.closedAt) } : {}),
    title: pr.title,
    description: pr.description,
    sourceRefName: pr.sourceRefName,
    targetRefName: pr.targetRefName,
    mergeStatus: "succeeded",
    isDraft: pr.isDraft,
    mergeId: `${access.repoId.slice(0, 8)}-0000-0000-0000-${String(pr.id).padStart(12, "0")}`,
    lastMergeSourceCommit: commitRef(env, access, last.sourceSha),
    lastMergeTargetCommit: commitRef(env, access, last.targetSha),
    reviewers: pr.reviewers.map((r) => reviewerJson(env, access, pr, r)),
    url: pullUrl(env, access, pr),
    supportsIterations: true,
    artifactId: `vstfs:///Git/PullRequestId/${access.projectId}%2f${access.repoId}%2f${pr.id}`,
  };
}

/** `GitPullRequestIteration`. */
export function iterationJson(env: AzEnv, access: RepoAccess, pr: AzPullRequest, iteration: AzIteration): Record<string, unknown> {
  return {
    id: iteration.id,
    description: iteration.reason === "create" ? pr.title : `Updated ${branchOf(pr.sourceRefName)}`,
    author: identityRef(env, access.org, env.store.users.get(pr.createdById) as User),
    createdDate: iso(iteration.createdAt),
    updatedDate: iso(iteration.createdAt),
    sourceRefCommit: { commitId: iteration.sourceSha },
    targetRefCommit: { commitId: iteration.targetSha },
    commonRefCommit: { commitId: iteration.targetSha },
    hasMoreCommits: false,
    reason: iteration.reason,
  };
}

export type ChangeEntry = { changeType: "add" | "edit" | "delete" | "rename"; path: string; originalPath: string | null; objectId: string; originalObjectId: string };

const CHANGE_TYPES: Record<string, ChangeEntry["changeType"]> = { A: "add", M: "edit", D: "delete", R: "rename", T: "edit", C: "add" };

/** The files an iteration changes against the target's merge base (`git diff --raw -M target...source`). */
export async function iterationChanges(env: AzEnv, repo: Repo, iteration: AzIteration): Promise<ChangeEntry[]> {
  const out = await runGit(["diff", "--raw", "--no-abbrev", "-M", "-z", `${iteration.targetSha}...${iteration.sourceSha}`], { cwd: repo.diskPath, home: env.home });
  const fields = out.split("\0");
  const entries: ChangeEntry[] = [];
  for (let i = 0; i < fields.length - 1; ) {
    const meta = fields[i] ?? "";
    const [, , oldSha = "", newSha = "", status = ""] = meta.replace(/^:/, "").split(" ");
    const kind = CHANGE_TYPES[status.charAt(0)] ?? "edit";
    if (kind === "rename") {
      entries.push({ changeType: kind, originalPath: `/${fields[i + 1] ?? ""}`, path: `/${fields[i + 2] ?? ""}`, objectId: newSha, originalObjectId: oldSha });
      i += 3;
    } else {
      entries.push({ changeType: kind, path: `/${fields[i + 1] ?? ""}`, originalPath: null, objectId: newSha, originalObjectId: oldSha });
      i += 2;
    }
  }
  return entries;
}

/** How many lines a file has at a commit, or null when it is not there. */
export async function lineCount(env: AzEnv, repo: Repo, sha: string, path: string): Promise<number | null> {
  try {
    const text = await runGit(["show", `${sha}:${path}`], { cwd: repo.diskPath, home: env.home });
    return text.length === 0 ? 0 : text.replace(/\n$/, "").split("\n").length;
  } catch {
    return null;
  }
}
