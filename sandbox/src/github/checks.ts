import { resolveBranch } from "../git/repos";
import { runGit } from "../git/run-git";
import type { Ctx } from "../http/server";
import type { Router } from "../http/router";
import type { CheckRun, CommitStatus, Repo } from "../types";
import { DOCS, ghError, ghValidationError, iso, paginate, repoAccess, type GhEnv } from "./common";
import { gh } from "./repos";
import { accountFor, nodeId, repository, simpleUser, userAccount } from "./serializers";

const DOC_CREATE = "/rest/commits/statuses#create-a-commit-status";
const DOC_COMBINED = "/rest/commits/statuses#get-the-combined-status-for-a-specific-reference";
const DOC_RUNS = "/rest/checks/runs#list-check-runs-for-a-git-reference";
const STATES = ["error", "failure", "pending", "success"] as const;

/** The commit a ref names (a SHA, a branch), or null when the repository has no such commit. */
export async function resolveRef(env: GhEnv, repo: Repo, ref: string): Promise<string | null> {
  if (/^[0-9a-f]{4,40}$/i.test(ref)) {
    try {
      return (await runGit(["rev-parse", "--verify", "--quiet", `${ref}^{commit}`], { cwd: repo.diskPath, home: env.home })).trim() || null;
    } catch {
      // not a commit: maybe a branch named like one
    }
  }
  return resolveBranch(repo.diskPath, env.home, ref.replace(/^refs\/heads\//, ""));
}

function avatar(env: GhEnv, login: string): string {
  return `${env.webUrl()}/avatars/${login}.png`;
}

/** The `status` schema (what `POST .../statuses/{sha}` answers). */
function statusObject(env: GhEnv, repo: Repo, status: CommitStatus): Record<string, unknown> {
  const creator = env.store.users.get(status.creatorId);
  return {
    url: `${env.apiUrl()}/repos/${repo.path}/statuses/${status.sha}`,
    avatar_url: creator ? avatar(env, creator.login) : null,
    id: status.id,
    node_id: nodeId("013:StatusContext", status.id),
    state: status.state,
    description: status.description,
    target_url: status.targetUrl,
    context: status.context,
    created_at: iso(status.createdAt),
    updated_at: iso(status.createdAt),
    creator: creator ? simpleUser(env, userAccount(creator)) : null,
  };
}

/** The latest status of each context on a commit, newest first, as the combined status reports them. */
export function latestStatuses(env: GhEnv, repo: Repo, sha: string): CommitStatus[] {
  const latest = new Map<string, CommitStatus>();
  for (const s of env.store.commitStatuses) if (s.repoId === repo.id && s.sha === sha) latest.set(s.context, s);
  return [...latest.values()].sort((a, b) => b.createdAt - a.createdAt || b.id - a.id);
}

/** GitHub's combined state: failure if any context errored or failed, else pending if any is pending (or none reported), else success. */
function combinedState(statuses: CommitStatus[]): string {
  if (statuses.some((s) => s.state === "error" || s.state === "failure")) return "failure";
  if (statuses.length === 0 || statuses.some((s) => s.state === "pending")) return "pending";
  return "success";
}

/** GitHub Actions, the app the seeded check runs belong to (the `integration` schema). */
function appObject(env: GhEnv, name: string): Record<string, unknown> {
  const slug = name.toLowerCase().replace(/[^a-z0-9]+/g, "-");
  return {
    id: 15368,
    slug,
    node_id: nodeId("03:Integration", 15368),
    owner: simpleUser(env, accountFor(env, "github")),
    name,
    description: "Automate your workflow from idea to production",
    external_url: "https://help.github.com/en/actions",
    html_url: `${env.webUrl()}/apps/${slug}`,
    created_at: "2018-07-30T09:30:17Z",
    updated_at: "2024-04-10T20:33:16Z",
    permissions: { checks: "write", contents: "write", metadata: "read", pull_requests: "write", statuses: "write" },
    events: ["check_run", "check_suite", "pull_request", "push", "workflow_dispatch"],
  };
}

/** The `check-run` schema. */
function checkRunObject(env: GhEnv, repo: Repo, run: CheckRun): Record<string, unknown> {
  const api = `${env.apiUrl()}/repos/${repo.path}`;
  const html = `${env.webUrl()}/${repo.path}/runs/${run.id}`;
  const pulls = env.store.pulls.filter((p) => p.repoId === repo.id && p.state === "open" && p.headSha === run.headSha);
  const side = (ref: string, sha: string) => ({ ref, sha, repo: { id: repo.id, url: api, name: repo.name } });
  return {
    id: run.id,
    head_sha: run.headSha,
    node_id: nodeId("08:CheckRun", run.id),
    external_id: "",
    url: `${api}/check-runs/${run.id}`,
    html_url: html,
    details_url: run.detailsUrl ?? html,
    status: run.status,
    conclusion: run.conclusion,
    started_at: iso(run.startedAt),
    completed_at: iso(run.completedAt),
    output: { title: run.title, summary: run.summary, text: null, annotations_count: 0, annotations_url: `${api}/check-runs/${run.id}/annotations` },
    name: run.name,
    check_suite: { id: run.id + 1 },
    app: appObject(env, run.appName),
    pull_requests: pulls.map((p) => ({ id: p.id, number: p.number, url: `${api}/pulls/${p.number}`, head: side(p.head, p.headSha), base: side(p.base, p.baseSha) })),
  };
}

function unknownRef(ctx: Ctx, ref: string, doc: string): void {
  ctx.json(422, { message: `No commit found for SHA: ${ref}`, documentation_url: `${DOCS}${doc}`, status: "422" });
}

/** Commit statuses (create, combined) and check runs (list) for a commit. */
export function registerCheckRoutes(router: Router, env: GhEnv): void {
  router.on(
    "POST",
    "/repos/:owner/:repo/statuses/:sha",
    gh(env, async (ctx, auth) => {
      // Setting a status needs push access (GitHub: "Users with push access ... can create commit statuses").
      const access = repoAccess(ctx, env, auth, "write", DOC_CREATE);
      if (!access || !auth.user) return;
      const body = (await ctx.jsonBody()) as Record<string, unknown>;
      const state = body.state;
      if (typeof state !== "string" || !(STATES as readonly string[]).includes(state)) {
        return ghValidationError(ctx, DOC_CREATE, [{ resource: "Status", code: state === undefined ? "missing_field" : "invalid", field: "state" }]);
      }
      const sha = await resolveRef(env, access.repo, ctx.params.sha ?? "");
      if (!sha || !/^[0-9a-f]{40}$/.test(ctx.params.sha ?? "")) return unknownRef(ctx, ctx.params.sha ?? "", DOC_CREATE);
      const status: CommitStatus = {
        id: env.store.nextId(),
        repoId: access.repo.id,
        sha,
        state: state as CommitStatus["state"],
        context: typeof body.context === "string" && body.context !== "" ? body.context : "default",
        description: typeof body.description === "string" ? body.description : null,
        targetUrl: typeof body.target_url === "string" ? body.target_url : null,
        creatorId: auth.user.id,
        createdAt: Date.now(),
      };
      env.store.commitStatuses.push(status);
      ctx.json(201, statusObject(env, access.repo, status), { Location: `${env.apiUrl()}/repos/${access.repo.path}/statuses/${sha}` });
    }),
  );

  router.on(
    "GET",
    "/repos/:owner/:repo/commits/*ref",
    gh(env, async (ctx, auth) => {
      const tail = ctx.params.ref ?? "";
      const kind = tail.endsWith("/status") ? "status" : tail.endsWith("/check-runs") ? "check-runs" : null;
      const doc = kind === "check-runs" ? DOC_RUNS : DOC_COMBINED;
      const access = repoAccess(ctx, env, auth, "read", doc);
      if (!access) return;
      if (!kind) return ghError(ctx, 404, "Not Found", "/rest");
      const ref = tail.slice(0, -(kind.length + 1));
      const sha = await resolveRef(env, access.repo, ref);
      if (!sha) return kind === "status" ? ghError(ctx, 404, `No commit found for SHA: ${ref}`, doc) : unknownRef(ctx, ref, doc);
      const { repo } = access;
      const api = `${env.apiUrl()}/repos/${repo.path}`;
      if (kind === "status") {
        const statuses = latestStatuses(env, repo, sha);
        const page = paginate(ctx, statuses);
        return ctx.json(200, {
          state: combinedState(statuses),
          statuses: page.map((s) => {
            const { creator: _creator, ...simple } = statusObject(env, repo, s);
            return { ...simple, url: `${api}/statuses/${sha}`, required: false };
          }),
          sha,
          total_count: statuses.length,
          repository: repository(env, repo),
          commit_url: `${api}/commits/${sha}`,
          url: `${api}/commits/${sha}/status`,
        });
      }
      const name = ctx.query.get("check_name");
      const status = ctx.query.get("status");
      const all = ctx.query.get("filter") === "all";
      let runs = env.store.checkRuns.filter((r) => r.repoId === repo.id && r.headSha === sha && (!name || r.name === name) && (!status || r.status === status));
      // filter=latest (the default): only the most recent run of each name.
      if (!all) runs = [...new Map(runs.map((r) => [r.name, r])).values()];
      runs.sort((a, b) => b.startedAt - a.startedAt || b.id - a.id);
      ctx.json(200, { total_count: runs.length, check_runs: paginate(ctx, runs).map((r) => checkRunObject(env, repo, r)) });
    }),
  );
}
