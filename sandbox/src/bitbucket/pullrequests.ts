import { resolveBranch } from "../git/repos";
import type { Router } from "../http/router";
import type { Ctx } from "../http/server";
import type { User } from "../types";
import { bbError } from "./api";
import { badField, bbPage, followBranches, idParam, objectBody, repoAccess, userByRef, type BbAccess, type BbRestEnv } from "./common";
import { participantJson, pullRequestJson, statusJson } from "./serializers";
import { bbState, repoSettings, type BbParticipant, type BbPullRequest, type BbPullRequestState } from "./state";

/**
 * Pull requests: https://developer.atlassian.com/cloud/bitbucket/rest/api-group-pullrequests/
 * (list with `state` repeated and BBQL `q`, create, get, update with PUT, decline, approve and
 * request changes, statuses, and diff/diffstat, which redirect to the repository's diff endpoints
 * with the pull request's revision range as Bitbucket does). Reads need the `pullrequest` scope and
 * read access; creating, updating and declining need `pullrequest:write` and write access;
 * approving and requesting changes need `pullrequest:write` and read access (any reviewer may).
 */

const branchName = (value: unknown): string | undefined => {
  const name = value && typeof value === "object" ? ((value as { branch?: { name?: unknown } }).branch?.name as unknown) : undefined;
  return typeof name === "string" && name.length > 0 ? name : undefined;
};

/** The pull request `:pull_request_id` of the repository, or a 404 answered. */
export function findPull(ctx: Ctx, env: BbRestEnv, access: BbAccess): BbPullRequest | null {
  const id = idParam(ctx, "pull_request_id");
  const pr = id === null ? undefined : bbState(env.store).pulls.find((p) => p.repoId === access.repo.id && p.id === id);
  if (!pr) {
    bbError(ctx, 404, "Resource not found");
    return null;
  }
  return pr;
}

function commentCount(env: BbRestEnv, pr: BbPullRequest): number {
  return bbState(env.store).comments.filter((c) => c.repoId === pr.repoId && c.prId === pr.id && !c.deleted).length;
}

/** The caller as a participant of `pr` (added as a PARTICIPANT when new). */
export function participant(pr: BbPullRequest, user: User): BbParticipant {
  let p = pr.participants.find((x) => x.userId === user.id);
  if (!p) {
    p = { userId: user.id, role: pr.reviewerIds.includes(user.id) ? "REVIEWER" : "PARTICIPANT", state: null, participatedOn: null };
    pr.participants.push(p);
  }
  return p;
}

function reviewersFrom(ctx: Ctx, env: BbRestEnv, value: unknown, author: number): number[] | null {
  if (value === undefined) return [];
  if (!Array.isArray(value)) {
    badField(ctx, "reviewers", "Expected a list of users.");
    return null;
  }
  const ids: number[] = [];
  for (const ref of value) {
    const user = userByRef(env, ref);
    if (!user) {
      badField(ctx, "reviewers", "Malformed reviewers list");
      return null;
    }
    if (user.id === author) {
      bbError(ctx, 400, `${user.name} is the author and cannot be included as a reviewer.`);
      return null;
    }
    if (!ids.includes(user.id)) ids.push(user.id);
  }
  return ids;
}

async function json(env: BbRestEnv, access: BbAccess, pr: BbPullRequest): Promise<Record<string, unknown>> {
  await followBranches(env, access.repo, pr);
  return pullRequestJson(env, access.repo, pr, commentCount(env, pr));
}

export function registerBitbucketPullRequests(router: Router, env: BbRestEnv): void {
  const base = "/2.0/repositories/:workspace/:repo_slug/pullrequests";

  router.on("GET", base, async (ctx) => {
    const access = repoAccess(ctx, env, "pullrequest", "read");
    if (!access) return;
    const states = ctx.query.getAll("state").map((s) => s.toUpperCase());
    const wanted = new Set<BbPullRequestState>(states.length > 0 ? (states as BbPullRequestState[]) : ["OPEN"]);
    const pulls = bbState(env.store).pulls.filter((p) => p.repoId === access.repo.id && wanted.has(p.state));
    const values = await Promise.all(pulls.map((p) => json(env, access, p)));
    const page = bbPage(ctx, values, { sort: "-id" });
    if (page) ctx.json(200, page);
  });

  router.on("POST", base, async (ctx) => {
    const access = repoAccess(ctx, env, "pullrequest:write", "write");
    if (!access?.user) return;
    const body = await objectBody(ctx);
    if (typeof body.title !== "string" || body.title.trim() === "") return badField(ctx, "title", "This field is required.");
    const source = branchName(body.source);
    if (!source) return badField(ctx, "source", "This field is required.");
    const destination = branchName(body.destination) ?? access.repo.defaultBranch;
    const { repo } = access;
    const [sourceHash, destinationHash] = await Promise.all([resolveBranch(repo.diskPath, env.home, source), resolveBranch(repo.diskPath, env.home, destination)]);
    if (!sourceHash) return badField(ctx, "source", `Branch not found: ${source}`);
    if (!destinationHash) return badField(ctx, "destination", `Branch not found: ${destination}`);
    if (source === destination) return badField(ctx, "source", "Source branch and destination branch must be different.");
    const state = bbState(env.store);
    if (state.pulls.some((p) => p.repoId === repo.id && p.state === "OPEN" && p.source === source && p.destination === destination)) {
      return bbError(ctx, 400, `There is already an open pull request from ${source} to ${destination}.`);
    }
    const reviewerIds = reviewersFrom(ctx, env, body.reviewers, access.user.id);
    if (!reviewerIds) return;
    const now = Date.now();
    const settings = repoSettings(env.store, repo.id);
    const pr: BbPullRequest = {
      id: settings.nextPullRequestId++,
      repoId: repo.id,
      title: body.title.trim(),
      description: typeof body.description === "string" ? body.description : "",
      source,
      destination,
      sourceHash,
      destinationHash,
      state: "OPEN",
      draft: body.draft === true,
      authorId: access.user.id,
      reviewerIds,
      participants: reviewerIds.map((userId) => ({ userId, role: "REVIEWER", state: null, participatedOn: null })),
      closedById: null,
      createdOn: now,
      updatedOn: now,
    };
    state.pulls.push(pr);
    ctx.json(201, pullRequestJson(env, repo, pr, 0), { Location: `${env.apiUrl()}/2.0/repositories/${repo.path}/pullrequests/${pr.id}` });
  });

  router.on("GET", `${base}/:pull_request_id`, async (ctx) => {
    const access = repoAccess(ctx, env, "pullrequest", "read");
    const pr = access && findPull(ctx, env, access);
    if (access && pr) ctx.json(200, await json(env, access, pr));
  });

  router.on("PUT", `${base}/:pull_request_id`, async (ctx) => {
    const access = repoAccess(ctx, env, "pullrequest:write", "write");
    const pr = access && findPull(ctx, env, access);
    if (!access || !pr) return;
    const body = await objectBody(ctx);
    if (pr.state !== "OPEN") return bbError(ctx, 400, `You can't update a pull request that is ${pr.state.toLowerCase()}.`);
    if (body.title !== undefined && (typeof body.title !== "string" || body.title.trim() === "")) return badField(ctx, "title", "This field may not be blank.");
    const destination = body.destination === undefined ? undefined : branchName(body.destination);
    if (body.destination !== undefined) {
      const hash = destination ? await resolveBranch(access.repo.diskPath, env.home, destination) : null;
      if (!destination || !hash) return badField(ctx, "destination", `Branch not found: ${destination ?? ""}`);
      if (destination === pr.source) return badField(ctx, "destination", "Source branch and destination branch must be different.");
      pr.destination = destination;
      pr.destinationHash = hash;
    }
    if (body.reviewers !== undefined) {
      const ids = reviewersFrom(ctx, env, body.reviewers, pr.authorId);
      if (!ids) return;
      // PUT replaces the reviewers; participants who reviewed stay as participants.
      pr.reviewerIds = ids;
      for (const p of pr.participants) p.role = ids.includes(p.userId) ? "REVIEWER" : "PARTICIPANT";
      for (const id of ids) if (!pr.participants.some((p) => p.userId === id)) pr.participants.push({ userId: id, role: "REVIEWER", state: null, participatedOn: null });
    }
    if (typeof body.title === "string") pr.title = body.title.trim();
    if (typeof body.description === "string") pr.description = body.description;
    if (typeof body.draft === "boolean") pr.draft = body.draft;
    pr.updatedOn = Date.now();
    ctx.json(200, await json(env, access, pr));
  });

  router.on("POST", `${base}/:pull_request_id/decline`, async (ctx) => {
    const access = repoAccess(ctx, env, "pullrequest:write", "write");
    const pr = access && findPull(ctx, env, access);
    if (!access?.user || !pr) return;
    if (pr.state !== "OPEN") return bbError(ctx, 400, `You can't decline a pull request that is ${pr.state.toLowerCase()}.`);
    await followBranches(env, access.repo, pr);
    pr.state = "DECLINED";
    pr.closedById = access.user.id;
    pr.updatedOn = Date.now();
    ctx.json(200, pullRequestJson(env, access.repo, pr, commentCount(env, pr)));
  });

  for (const [path, verdict] of [["approve", "approved"], ["request-changes", "changes_requested"]] as const) {
    router.on("POST", `${base}/:pull_request_id/${path}`, (ctx) => {
      const access = repoAccess(ctx, env, "pullrequest:write", "read");
      const pr = access && findPull(ctx, env, access);
      if (!access?.user || !pr) return;
      if (pr.state !== "OPEN") return bbError(ctx, 400, `You can't ${path === "approve" ? "approve" : "request changes on"} a pull request that is ${pr.state.toLowerCase()}.`);
      const p = participant(pr, access.user);
      p.state = verdict;
      p.participatedOn = Date.now();
      ctx.json(200, participantJson(env, p));
    });
    router.on("DELETE", `${base}/:pull_request_id/${path}`, (ctx) => {
      const access = repoAccess(ctx, env, "pullrequest:write", "read");
      const pr = access && findPull(ctx, env, access);
      if (!access?.user || !pr) return;
      const p = pr.participants.find((x) => x.userId === access.user?.id);
      if (p?.state === verdict) p.state = null;
      ctx.empty(204);
    });
  }

  router.on("GET", `${base}/:pull_request_id/statuses`, async (ctx) => {
    const access = repoAccess(ctx, env, "pullrequest", "read");
    const pr = access && findPull(ctx, env, access);
    if (!access || !pr) return;
    await followBranches(env, access.repo, pr);
    const statuses = bbState(env.store).statuses.filter((s) => s.repoId === access.repo.id && s.commit === pr.sourceHash);
    const page = bbPage(
      ctx,
      statuses.map((s) => statusJson(env, access.repo, s)),
      { sort: "created_on" },
    );
    if (page) ctx.json(200, page);
  });

  // Both answer 302 to the repository's endpoint for the pull request's revision range.
  for (const kind of ["diff", "diffstat"] as const) {
    router.on("GET", `${base}/:pull_request_id/${kind}`, async (ctx) => {
      const access = repoAccess(ctx, env, "pullrequest", "read");
      const pr = access && findPull(ctx, env, access);
      if (!access || !pr) return;
      await followBranches(env, access.repo, pr);
      const target = new URL(`${env.apiUrl()}/2.0/repositories/${access.repo.path}/${kind}/${pr.sourceHash.slice(0, 12)}..${pr.destinationHash.slice(0, 12)}`);
      target.searchParams.set("from_pullrequest_id", String(pr.id));
      target.searchParams.set("topic", "true");
      ctx.redirect(target.toString(), 302);
    });
  }
}
