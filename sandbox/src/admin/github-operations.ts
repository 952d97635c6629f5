import type { z } from "zod";
import { resolveBranch } from "../git/repos";
import { runGit } from "../git/run-git";
import type { GhEnv } from "../github/common";
import { createReview } from "../github/reviews";
import type { CheckRun, CommitStatus, Repo } from "../types";
import { AdminError, type AdminContext } from "./operations";
import type { createCheckRunSchema, createCommitStatusSchema, createGithubReviewSchema } from "./schemas";

/** What the admin API answers for a seeded check run or commit status. */
export interface CheckDto {
  id: number;
  repository: string;
  sha: string;
  name: string;
  state: string;
}

function githubRepo(ctx: AdminContext, path: string): Repo {
  const repo = ctx.store.repoByPath("github", path);
  if (!repo) throw new AdminError(404, "repo_not_found", `no github repository '${path}'`, [{ path: "repository", message: "unknown repository" }]);
  return repo;
}

async function commitOf(ctx: AdminContext, repo: Repo, ref: { sha?: string; branch?: string }): Promise<string> {
  if (ref.branch !== undefined) {
    const sha = await resolveBranch(repo.diskPath, ctx.home, ref.branch);
    if (!sha) throw new AdminError(404, "branch_not_found", `no branch '${ref.branch}' in ${repo.path}`, [{ path: "branch", message: "unknown branch" }]);
    return sha;
  }
  const sha = ref.sha ?? "";
  try {
    await runGit(["cat-file", "-e", `${sha}^{commit}`], { cwd: repo.diskPath, home: ctx.home });
  } catch {
    throw new AdminError(404, "commit_not_found", `no commit ${sha} in ${repo.path}`, [{ path: "sha", message: "unknown commit" }]);
  }
  return sha;
}

/** Seeds a GitHub check run (creating one needs a GitHub App, which the sandbox does not model). */
export async function createCheckRun(ctx: AdminContext, input: z.output<typeof createCheckRunSchema>): Promise<CheckDto> {
  const repo = githubRepo(ctx, input.repository);
  const sha = await commitOf(ctx, repo, input);
  const now = Date.now();
  const run: CheckRun = {
    id: ctx.store.nextId(),
    repoId: repo.id,
    headSha: sha,
    name: input.name,
    status: input.status,
    conclusion: input.conclusion ?? null,
    detailsUrl: input.detailsUrl ?? null,
    title: input.title ?? null,
    summary: input.summary ?? null,
    appName: input.app,
    startedAt: now,
    completedAt: input.status === "completed" ? now : null,
  };
  ctx.store.checkRuns.push(run);
  return { id: run.id, repository: repo.path, sha, name: run.name, state: run.conclusion ?? run.status };
}

/** Seeds a GitHub commit status as `login` posted it. */
export async function createCommitStatus(ctx: AdminContext, input: z.output<typeof createCommitStatusSchema>): Promise<CheckDto> {
  const repo = githubRepo(ctx, input.repository);
  const user = ctx.store.userByLogin("github", input.login);
  if (!user) throw new AdminError(404, "user_not_found", `no github user '${input.login}'`, [{ path: "login", message: "unknown user" }]);
  const sha = await commitOf(ctx, repo, input);
  const status: CommitStatus = {
    id: ctx.store.nextId(),
    repoId: repo.id,
    sha,
    state: input.state,
    context: input.context,
    description: input.description ?? null,
    targetUrl: input.targetUrl ?? null,
    creatorId: user.id,
    createdAt: Date.now(),
  };
  ctx.store.commitStatuses.push(status);
  return { id: status.id, repository: repo.path, sha, name: status.context, state: status.state };
}

/** What the admin API answers for a seeded review. */
export interface ReviewDto {
  id: number;
  repository: string;
  number: number;
  login: string;
  state: string;
  /** The inline comments' ids (each starts a review thread). */
  commentIds: number[];
}

const REVIEW_STATES = { APPROVE: "APPROVED", REQUEST_CHANGES: "CHANGES_REQUESTED", COMMENT: "COMMENTED" } as const;

/** Seeds another user's review with inline comments, under the same rules as `POST .../reviews`. */
export async function createGithubReview(ctx: AdminContext, input: z.output<typeof createGithubReviewSchema>): Promise<ReviewDto> {
  const repo = githubRepo(ctx, input.repository);
  const user = ctx.store.userByLogin("github", input.login);
  if (!user) throw new AdminError(404, "user_not_found", `no github user '${input.login}'`, [{ path: "login", message: "unknown user" }]);
  const pr = ctx.store.pulls.find((p) => p.repoId === repo.id && p.number === input.number);
  if (!pr) throw new AdminError(404, "pull_not_found", `no pull request #${input.number} in ${repo.path}`, [{ path: "number", message: "unknown pull request" }]);
  const env: GhEnv = { store: ctx.store, home: ctx.home, reposRoot: ctx.reposRoot, webUrl: () => ctx.urls.github.web, apiUrl: () => ctx.urls.github.api };
  const made = await createReview(env, repo, pr, { authorId: user.id, state: REVIEW_STATES[input.event], text: input.body, drafts: input.comments, event: input.event });
  if ("errors" in made) throw new AdminError(422, "unprocessable", made.errors.join("; "));
  const commentIds = ctx.store.comments.filter((c) => c.reviewId === made.review.id).map((c) => c.id);
  return { id: made.review.id, repository: repo.path, number: pr.number, login: user.login, state: made.review.state, commentIds };
}
