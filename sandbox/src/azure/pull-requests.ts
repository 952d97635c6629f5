import { listBranches, resolveBranch } from "../git/repos";
import type { Router } from "../http/router";
import type { User } from "../types";
import { azError, azRoute, identityRef, iso, objectBody, onEitherCase, repoAccess, requireStatusScope, topSkip, type RepoAccess } from "./access";
import type { AzAuth, AzEnv } from "./common";
import { findPullRequest, iterationChanges, iterationJson, pullRequestJson, refreshIterations, reviewerJson } from "./pull-request-json";
import { azureState, type AzPullRequest, type AzPullRequestStatus, type AzStatusState } from "./state";
import { addSystemThread } from "./threads";

/**
 * Git pull requests (learn.microsoft.com/rest/api/azure/devops/git/pull-requests), their
 * reviewers and votes, iterations and iteration changes, pull request statuses, and the refs a
 * pull request is opened from.
 */

const R = "/:org/:project/_apis/git/repositories/:repo";
const PR = `${R}/pullRequests/:id`;
const STATUSES: AzPullRequestStatus[] = ["active", "completed", "abandoned"];
const STATUS_STATES: AzStatusState[] = ["notSet", "pending", "succeeded", "failed", "error", "notApplicable"];

const isBranchRef = (v: unknown): v is string => typeof v === "string" && /^refs\/heads\/[^\s~^:?*[\\]+$/.test(v);

function missingBranches(): Error {
  return azError(400, "TF401398: The pull request cannot be activated because the source and/or the target branch no longer exists, or the requested refs are not branches", "GitPullRequestCannotBeActivated");
}

async function serialize(env: AzEnv, access: RepoAccess, pr: AzPullRequest): Promise<Record<string, unknown>> {
  await refreshIterations(env, access.repo, pr);
  return pullRequestJson(env, access, pr);
}

function identityById(env: AzEnv, id: string): User | undefined {
  return [...env.store.users.values()].find((u) => u.provider === "azure-devops" && u.uuid.toLowerCase() === id.toLowerCase());
}

async function createPullRequest(env: AzEnv, access: RepoAccess, auth: AzAuth, body: Record<string, unknown>): Promise<AzPullRequest> {
  const { sourceRefName, targetRefName, title } = body;
  if (!isBranchRef(sourceRefName) || !isBranchRef(targetRefName)) throw missingBranches();
  if (typeof title !== "string" || title.trim() === "") throw azError(400, "The pull request title cannot be empty.", "InvalidArgumentValueException");
  if (sourceRefName === targetRefName) throw azError(400, "The source and target refs of a pull request cannot be the same.", "InvalidArgumentValueException");
  const repo = access.repo;
  const [source, target] = await Promise.all([resolveBranch(repo.diskPath, env.home, sourceRefName.slice(11)), resolveBranch(repo.diskPath, env.home, targetRefName.slice(11))]);
  if (!source || !target) throw missingBranches();
  const state = azureState(env.store);
  if (state.pulls.some((p) => p.repoId === repo.id && p.status === "active" && p.sourceRefName === sourceRefName && p.targetRefName === targetRefName)) {
    throw azError(409, "TF401179: An active pull request for the source and target branch already exists.", "GitPullRequestExistsException");
  }
  const now = Date.now();
  const pr: AzPullRequest = {
    id: state.nextPullRequestId++,
    repoId: repo.id,
    title: title.trim(),
    description: typeof body.description === "string" ? body.description : "",
    sourceRefName,
    targetRefName,
    status: "active",
    isDraft: body.isDraft === true,
    createdById: auth.user.id,
    createdAt: now,
    closedAt: null,
    reviewers: [],
    iterations: [{ id: 1, sourceSha: source, targetSha: target, createdAt: now, reason: "create" }],
  };
  for (const entry of Array.isArray(body.reviewers) ? (body.reviewers as { id?: unknown }[]) : []) {
    const user = typeof entry?.id === "string" ? identityById(env, entry.id) : undefined;
    if (user && !pr.reviewers.some((r) => r.userId === user.id)) pr.reviewers.push({ userId: user.id, vote: 0, isRequired: false });
  }
  state.pulls.push(pr);
  return pr;
}

/** PATCH: title, description, isDraft, targetRefName and status (abandon or reactivate). */
async function updatePullRequest(env: AzEnv, access: RepoAccess, pr: AzPullRequest, body: Record<string, unknown>): Promise<void> {
  if (pr.status === "completed") throw azError(400, "TF401181: The pull request cannot be edited due to its state.", "GitPullRequestCannotBeEdited");
  if (body.status !== undefined) {
    if (!STATUSES.includes(body.status as AzPullRequestStatus)) throw azError(400, `The value '${String(body.status)}' is not valid for status.`, "InvalidArgumentValueException");
    if (body.status === "completed") throw azError(400, "Completing a pull request is not emulated: the sandbox does not merge pull requests.", "InvalidArgumentValueException");
  }
  if (body.targetRefName !== undefined) {
    if (!isBranchRef(body.targetRefName) || !(await resolveBranch(access.repo.diskPath, env.home, body.targetRefName.slice(11)))) throw missingBranches();
  }
  if (typeof body.title === "string") {
    if (body.title.trim() === "") throw azError(400, "The pull request title cannot be empty.", "InvalidArgumentValueException");
    pr.title = body.title.trim();
  }
  if (typeof body.description === "string") pr.description = body.description;
  if (typeof body.isDraft === "boolean") pr.isDraft = body.isDraft;
  if (typeof body.targetRefName === "string" && body.targetRefName !== pr.targetRefName) {
    pr.targetRefName = body.targetRefName;
    const last = pr.iterations.at(-1)!;
    const target = (await resolveBranch(access.repo.diskPath, env.home, body.targetRefName.slice(11))) ?? last.targetSha;
    pr.iterations.push({ ...last, id: last.id + 1, targetSha: target, createdAt: Date.now(), reason: "push" });
  }
  if (body.status === "abandoned" && pr.status === "active") {
    pr.status = "abandoned";
    pr.closedAt = Date.now();
  } else if (body.status === "active" && pr.status === "abandoned") {
    pr.status = "active";
    pr.closedAt = null;
  }
}

export function registerAzurePullRequestRoutes(router: Router, env: AzEnv): void {
  const state = azureState(env.store);

  router.on(
    "GET",
    `${R}/refs`,
    azRoute(env, async (ctx, auth) => {
      const access = repoAccess(env, ctx, auth);
      const filter = ctx.query.get("filter") ?? "";
      const value = (await listBranches(access.repo.diskPath, env.home))
        .map((b) => ({ name: `refs/heads/${b.name}`, objectId: b.sha }))
        .filter((r) => r.name.startsWith(`refs/${filter}`))
        .map((r) => ({ ...r, creator: identityRef(env, access.org, auth.user), url: `${env.webUrl()}/${access.org}/${access.projectId}/_apis/git/repositories/${access.repoId}/refs?filter=${encodeURIComponent(r.name.slice(5))}` }));
      ctx.json(200, { value, count: value.length });
    }),
  );

  onEitherCase(
    router,
    "POST",
    `${R}/pullrequests`,
    azRoute(env, async (ctx, auth) => {
      const access = repoAccess(env, ctx, auth, "write");
      const pr = await createPullRequest(env, access, auth, await objectBody(ctx));
      ctx.json(201, await serialize(env, access, pr));
    }),
  );

  onEitherCase(
    router,
    "GET",
    `${R}/pullrequests`,
    azRoute(env, async (ctx, auth) => {
      const access = repoAccess(env, ctx, auth);
      const status = ctx.query.get("searchCriteria.status") ?? "active";
      if (status !== "all" && !STATUSES.includes(status as AzPullRequestStatus)) throw azError(400, `The value '${status}' is not valid for searchCriteria.status.`, "InvalidArgumentValueException");
      const source = ctx.query.get("searchCriteria.sourceRefName");
      const target = ctx.query.get("searchCriteria.targetRefName");
      const { top, skip } = topSkip(ctx, 101);
      const matching = state.pulls
        .filter((p) => p.repoId === access.repo.id && (status === "all" || p.status === status) && (!source || p.sourceRefName === source) && (!target || p.targetRefName === target))
        .sort((a, b) => b.id - a.id)
        .slice(skip, skip + top);
      const value = [];
      for (const pr of matching) value.push(await serialize(env, access, pr));
      ctx.json(200, { value, count: value.length });
    }),
  );

  onEitherCase(
    router,
    "GET",
    PR,
    azRoute(env, async (ctx, auth) => {
      const access = repoAccess(env, ctx, auth);
      ctx.json(200, await serialize(env, access, findPullRequest(env, access, ctx.params.id)));
    }),
  );

  onEitherCase(
    router,
    "PATCH",
    PR,
    azRoute(env, async (ctx, auth) => {
      const access = repoAccess(env, ctx, auth, "write");
      const pr = findPullRequest(env, access, ctx.params.id);
      await updatePullRequest(env, access, pr, await objectBody(ctx));
      ctx.json(200, await serialize(env, access, pr));
    }),
  );

  onEitherCase(
    router,
    "GET",
    `${PR}/reviewers`,
    azRoute(env, (ctx, auth) => {
      const access = repoAccess(env, ctx, auth);
      const pr = findPullRequest(env, access, ctx.params.id);
      const value = pr.reviewers.map((r) => reviewerJson(env, access, pr, r));
      ctx.json(200, { value, count: value.length });
    }),
  );

  onEitherCase(
    router,
    "PUT",
    `${PR}/reviewers/:reviewerId`,
    azRoute(env, async (ctx, auth) => {
      const access = repoAccess(env, ctx, auth, "write");
      const pr = findPullRequest(env, access, ctx.params.id);
      const body = await objectBody(ctx);
      const user = identityById(env, ctx.params.reviewerId ?? "");
      if (!user) throw azError(400, `The identity '${ctx.params.reviewerId ?? ""}' could not be found.`, "IdentityNotFoundException");
      const vote = body.vote === undefined ? 0 : Number(body.vote);
      if (![10, 5, 0, -5, -10].includes(vote)) throw azError(400, `The vote value '${String(body.vote)}' is not valid. Valid values are 10, 5, 0, -5 and -10.`, "InvalidArgumentValueException");
      if (vote !== 0 && user.id !== auth.user.id) throw azError(400, "A reviewer's vote can only be changed by that reviewer.", "InvalidArgumentValueException");
      let reviewer = pr.reviewers.find((r) => r.userId === user.id);
      if (!reviewer) {
        reviewer = { userId: user.id, vote: 0, isRequired: body.isRequired === true };
        pr.reviewers.push(reviewer);
      }
      if (reviewer.vote !== vote) {
        reviewer.vote = vote;
        addSystemThread(env, pr, auth.user, `${auth.user.name} voted ${vote}`, { CodeReviewThreadType: "VoteUpdate", CodeReviewVoteResult: vote });
      }
      ctx.json(200, reviewerJson(env, access, pr, reviewer));
    }),
  );

  onEitherCase(
    router,
    "GET",
    `${PR}/iterations`,
    azRoute(env, async (ctx, auth) => {
      const access = repoAccess(env, ctx, auth);
      const pr = findPullRequest(env, access, ctx.params.id);
      await refreshIterations(env, access.repo, pr);
      const value = pr.iterations.map((i) => iterationJson(env, access, pr, i));
      ctx.json(200, { value, count: value.length });
    }),
  );

  onEitherCase(
    router,
    "GET",
    `${PR}/iterations/:iteration/changes`,
    azRoute(env, async (ctx, auth) => {
      const access = repoAccess(env, ctx, auth);
      const pr = findPullRequest(env, access, ctx.params.id);
      await refreshIterations(env, access.repo, pr);
      const iteration = pr.iterations.find((i) => i.id === Number(ctx.params.iteration));
      if (!iteration) throw azError(404, `The iteration ${ctx.params.iteration ?? ""} of the pull request ${pr.id} could not be found.`, "GitPullRequestIterationNotFoundException");
      const { top, skip } = topSkip(ctx, 100);
      const all = await iterationChanges(env, access.repo, iteration);
      const changeEntries = all.slice(skip, skip + top).map((c, i) => ({
        changeTrackingId: skip + i + 1,
        changeId: skip + i + 1,
        item: { objectId: c.objectId, originalObjectId: c.originalObjectId, path: c.path },
        changeType: c.changeType,
        ...(c.originalPath ? { originalPath: c.originalPath, sourceServerItem: c.originalPath } : {}),
      }));
      const more = skip + top < all.length;
      ctx.json(200, { changeEntries, ...(more ? { nextSkip: skip + top, nextTop: top } : { nextSkip: 0, nextTop: 0 }) });
    }),
  );

  const statusJson = (access: RepoAccess, s: (typeof state.statuses)[number]) => ({
    id: s.id,
    state: s.state,
    description: s.description ?? undefined,
    context: { name: s.context.name, ...(s.context.genre ? { genre: s.context.genre } : {}) },
    creationDate: iso(s.createdAt),
    updatedDate: iso(s.createdAt),
    createdBy: identityRef(env, access.org, env.store.users.get(s.createdById) as User),
    ...(s.targetUrl ? { targetUrl: s.targetUrl } : {}),
    ...(s.iterationId !== null ? { iterationId: s.iterationId } : {}),
  });

  onEitherCase(
    router,
    "GET",
    `${PR}/statuses`,
    azRoute(env, (ctx, auth) => {
      const access = repoAccess(env, ctx, auth);
      const pr = findPullRequest(env, access, ctx.params.id);
      const value = state.statuses.filter((s) => s.pullRequestId === pr.id).map((s) => statusJson(access, s));
      ctx.json(200, { value, count: value.length });
    }),
  );

  onEitherCase(
    router,
    "POST",
    `${PR}/statuses`,
    azRoute(env, async (ctx, auth) => {
      requireStatusScope(auth);
      const access = repoAccess(env, ctx, auth, "write", "GenericContribute");
      const pr = findPullRequest(env, access, ctx.params.id);
      const body = await objectBody(ctx);
      const context = (body.context ?? {}) as { name?: unknown; genre?: unknown };
      if (typeof context.name !== "string" || context.name === "") throw azError(400, "The status context name is required.", "InvalidArgumentValueException");
      const statusState = (body.state ?? "notSet") as AzStatusState;
      if (!STATUS_STATES.includes(statusState)) throw azError(400, `The value '${String(body.state)}' is not valid for state.`, "InvalidArgumentValueException");
      const iterationId = body.iterationId === undefined ? null : Number(body.iterationId);
      if (iterationId !== null && !pr.iterations.some((i) => i.id === iterationId)) throw azError(400, `The iteration ${iterationId} of the pull request ${pr.id} could not be found.`, "InvalidArgumentValueException");
      const status = {
        id: state.nextStatusId++,
        pullRequestId: pr.id,
        state: statusState,
        description: typeof body.description === "string" ? body.description : null,
        context: { name: context.name, genre: typeof context.genre === "string" ? context.genre : null },
        targetUrl: typeof body.targetUrl === "string" ? body.targetUrl : null,
        iterationId,
        createdById: auth.user.id,
        createdAt: Date.now(),
      };
      state.statuses.push(status);
      ctx.json(200, statusJson(access, status));
    }),
  );
}
