import { listBranches } from "../git/repos";
import { runGit } from "../git/run-git";
import type { Ctx } from "../http/server";
import type { Router } from "../http/router";
import type { SandboxStore } from "../store";
import type { Repo } from "../types";
import { badRequest, glBody, glMessage, iso, notFound, paginate, projectAccess, type GlEnv } from "./common";
import { findMr, refresh } from "./merge-requests";
import { gl } from "./projects";
import { userById } from "./serializers";
import { gitlabState, pipelineStatus, type GlCiStatus, type GlCommitStatus, type GlPipeline } from "./state";

const A = "/api/v4/projects/:id";

/** The statuses a job or commit status ends in. */
const FINISHED: readonly GlCiStatus[] = ["success", "failed", "canceled", "skipped"];

/** The basic `Pipeline` entity. */
export function pipelineJson(store: SandboxStore, baseUrl: string, repo: Repo, p: GlPipeline): Record<string, unknown> {
  return {
    id: p.id,
    iid: p.iid,
    project_id: repo.id,
    sha: p.sha,
    ref: p.ref,
    status: pipelineStatus(gitlabState(store), p.id),
    source: p.source,
    created_at: iso(p.createdAt),
    updated_at: iso(p.updatedAt),
    web_url: `${baseUrl}/${repo.path}/-/pipelines/${p.id}`,
  };
}

function jobUrl(env: GlEnv, repo: Repo, s: GlCommitStatus): string {
  return `${env.baseUrl()}/${repo.path}/-/jobs/${s.id}`;
}

function duration(s: GlCommitStatus): number | null {
  return s.startedAt !== null && s.finishedAt !== null ? (s.finishedAt - s.startedAt) / 1000 : null;
}

/** The `Job` entity. */
function jobJson(env: GlEnv, repo: Repo, p: GlPipeline, s: GlCommitStatus): Record<string, unknown> {
  return {
    id: s.id,
    status: s.status,
    stage: s.stage,
    name: s.name,
    ref: p.ref,
    tag: false,
    coverage: s.coverage,
    allow_failure: s.allowFailure,
    created_at: iso(s.createdAt),
    started_at: iso(s.startedAt),
    finished_at: iso(s.finishedAt),
    erased_at: null,
    duration: duration(s),
    queued_duration: null,
    user: userById(env, s.userId),
    commit: { id: p.sha, short_id: p.sha.slice(0, 8) },
    pipeline: pipelineJson(env.store, env.baseUrl(), repo, p),
    failure_reason: s.status === "failed" ? "script_failure" : undefined,
    web_url: jobUrl(env, repo, s),
    project: { ci_job_token_scope_enabled: false },
    artifacts: [],
    runner: null,
    artifacts_expire_at: null,
    archived: false,
    tag_list: [],
  };
}

/** The `CommitStatus` entity (jobs link to their page, external statuses to their `target_url`). */
function statusJson(env: GlEnv, repo: Repo, p: GlPipeline, s: GlCommitStatus): Record<string, unknown> {
  return {
    id: s.id,
    sha: p.sha,
    ref: p.ref,
    status: s.status,
    name: s.name,
    target_url: s.kind === "build" ? jobUrl(env, repo, s) : s.targetUrl,
    description: s.description,
    created_at: iso(s.createdAt),
    started_at: iso(s.startedAt),
    finished_at: iso(s.finishedAt),
    allow_failure: s.allowFailure,
    coverage: s.coverage,
    pipeline_id: p.id,
    author: userById(env, s.userId),
  };
}

/** Moves a job or status to `status`, stamping when it started and finished. */
export function transition(s: GlCommitStatus, status: GlCiStatus, now = Date.now()): void {
  s.status = status;
  if (status === "running" && s.startedAt === null) s.startedAt = now;
  if (FINISHED.includes(status)) {
    s.startedAt ??= now;
    s.finishedAt = now;
  } else {
    s.finishedAt = null;
  }
}

/** Adds a pipeline for `sha` on `ref`. */
export function addPipeline(store: SandboxStore, repo: Repo, fields: Pick<GlPipeline, "sha" | "ref" | "source" | "userId">): GlPipeline {
  const state = gitlabState(store);
  const now = Date.now();
  const pipeline: GlPipeline = { id: store.nextId(), iid: state.pipelines.filter((p) => p.repoId === repo.id).length + 1, repoId: repo.id, createdAt: now, updatedAt: now, ...fields };
  state.pipelines.push(pipeline);
  return pipeline;
}

/** Adds a job or an external status to a pipeline. */
export function addStatus(store: SandboxStore, pipeline: GlPipeline, fields: Pick<GlCommitStatus, "kind" | "name" | "stage" | "status" | "allowFailure"> & Partial<GlCommitStatus>): GlCommitStatus {
  const status: GlCommitStatus = { id: store.nextId(), repoId: pipeline.repoId, pipelineId: pipeline.id, description: null, targetUrl: null, coverage: null, userId: null, createdAt: Date.now(), startedAt: null, finishedAt: null, ...fields };
  transition(status, fields.status, status.createdAt);
  gitlabState(store).statuses.push(status);
  pipeline.updatedAt = Date.now();
  return status;
}

async function commitExists(repo: Repo, home: string, sha: string): Promise<boolean> {
  if (!/^[0-9a-f]{7,40}$/i.test(sha)) return false;
  return runGit(["cat-file", "-e", `${sha}^{commit}`], { cwd: repo.diskPath, home }).then(
    () => true,
    () => false,
  );
}

/** The state names `POST .../statuses/:sha` takes, and the state machine event each one is. */
const STATUS_EVENTS: Record<string, { status: GlCiStatus; event: string }> = {
  pending: { status: "pending", event: "enqueue" },
  running: { status: "running", event: "run" },
  success: { status: "success", event: "succeed" },
  failed: { status: "failed", event: "drop" },
  canceled: { status: "canceled", event: "cancel" },
  skipped: { status: "skipped", event: "skip" },
};

/**
 * CI as the tools read it: a merge request's pipelines, a pipeline's jobs, a commit's statuses
 * (jobs and external ones alike), and external CI posting its status
 * (https://docs.gitlab.com/api/pipelines/, https://docs.gitlab.com/api/jobs/,
 * https://docs.gitlab.com/api/commits/#commit-status). Reading takes a Reporter; posting a
 * status takes a Developer (`create_commit_status`).
 */
export function registerPipelineRoutes(router: Router, env: GlEnv): void {
  router.on(
    "GET",
    `${A}/merge_requests/:iid/pipelines`,
    gl(env, async (ctx, auth) => {
      const access = projectAccess(ctx, env, auth, "read");
      if (!access) return;
      const { repo } = access;
      const mr = findMr(env, repo, ctx);
      if (!mr) return notFound(ctx);
      await refresh(env, repo, mr);
      // The source branch's pipelines for the merge request's commits, and its merge request pipelines.
      const commits = new Set((await runGit(["rev-list", `${mr.baseSha}..${mr.headSha}`], { cwd: repo.diskPath, home: env.home })).split("\n").filter(Boolean));
      const list = gitlabState(env.store)
        .pipelines.filter((p) => p.repoId === repo.id && ((p.ref === mr.head && commits.has(p.sha)) || p.ref === `refs/merge-requests/${mr.number}/head`))
        .sort((a, b) => b.id - a.id);
      ctx.json(200, paginate(ctx, list).map((p) => pipelineJson(env.store, env.baseUrl(), repo, p)));
    }),
  );

  const findPipeline = (ctx: Ctx, repo: Repo) => gitlabState(env.store).pipelines.find((p) => p.repoId === repo.id && p.id === Number(ctx.params.pipeline_id));

  router.on(
    "GET",
    `${A}/pipelines/:pipeline_id`,
    gl(env, (ctx, auth) => {
      const access = projectAccess(ctx, env, auth, "read");
      if (!access) return;
      const pipeline = findPipeline(ctx, access.repo);
      if (!pipeline) return glMessage(ctx, 404, "404 Not found");
      ctx.json(200, { ...pipelineJson(env.store, env.baseUrl(), access.repo, pipeline), before_sha: "0".repeat(40), tag: false, user: userById(env, pipeline.userId) });
    }),
  );

  router.on(
    "GET",
    `${A}/pipelines/:pipeline_id/jobs`,
    gl(env, (ctx, auth) => {
      const access = projectAccess(ctx, env, auth, "read");
      if (!access) return;
      const pipeline = findPipeline(ctx, access.repo);
      if (!pipeline) return glMessage(ctx, 404, "404 Not found");
      const scopes = [...ctx.query.getAll("scope[]"), ...ctx.query.getAll("scope")];
      const jobs = gitlabState(env.store)
        .statuses.filter((s) => s.pipelineId === pipeline.id && s.kind === "build" && (scopes.length === 0 || scopes.includes(s.status)))
        .sort((a, b) => b.id - a.id);
      ctx.json(200, paginate(ctx, jobs).map((s) => jobJson(env, access.repo, pipeline, s)));
    }),
  );

  router.on(
    "GET",
    `${A}/repository/commits/:sha/statuses`,
    gl(env, (ctx, auth) => {
      const access = projectAccess(ctx, env, auth, "read");
      if (!access) return;
      const ref = ctx.query.get("ref");
      const name = ctx.query.get("name");
      const state = gitlabState(env.store);
      const pipelines = new Map(state.pipelines.filter((p) => p.repoId === access.repo.id && p.sha === ctx.params.sha && (!ref || p.ref === ref)).map((p) => [p.id, p]));
      const statuses = state.statuses.filter((s) => pipelines.has(s.pipelineId) && (!name || s.name === name)).sort((a, b) => a.id - b.id);
      ctx.json(200, paginate(ctx, statuses).map((s) => statusJson(env, access.repo, pipelines.get(s.pipelineId) as GlPipeline, s)));
    }),
  );

  router.on(
    "POST",
    `${A}/statuses/:sha`,
    gl(env, async (ctx, auth) => {
      const access = projectAccess(ctx, env, auth, "write");
      if (!access || !auth.user) return;
      const { repo } = access;
      const body = await glBody(ctx);
      const param = (key: string) => (typeof body[key] === "string" && body[key] !== "" ? (body[key] as string) : ctx.query.get(key) || undefined);
      const stateName = param("state");
      if (!stateName) return badRequest(ctx, "state is missing");
      const wanted = STATUS_EVENTS[stateName];
      if (!wanted) return badRequest(ctx, "state does not have a valid value");
      const sha = ctx.params.sha ?? "";
      if (!(await commitExists(repo, env.home, sha))) return notFound(ctx, "Commit");
      const ref = param("ref") ?? (await listBranches(repo.diskPath, env.home)).find((b) => b.sha === sha)?.name ?? repo.defaultBranch;
      const name = param("name") ?? param("context") ?? "default";
      const state = gitlabState(env.store);
      const pipelineId = param("pipeline_id");
      let pipeline = pipelineId
        ? state.pipelines.find((p) => p.repoId === repo.id && p.id === Number(pipelineId) && p.sha === sha)
        : state.pipelines.filter((p) => p.repoId === repo.id && p.sha === sha && p.ref === ref).sort((a, b) => b.id - a.id)[0];
      if (pipelineId && !pipeline) return glMessage(ctx, 404, "404 Not found");
      pipeline ??= addPipeline(env.store, repo, { sha, ref, source: "external", userId: auth.user.id });
      const existing = state.statuses.find((s) => s.pipelineId === pipeline.id && s.kind === "external" && s.name === name);
      const description = param("description") ?? null;
      const targetUrl = param("target_url") ?? null;
      const coverage = param("coverage") === undefined ? null : Number(param("coverage"));
      if (existing) {
        if (existing.status === wanted.status) {
          return glMessage(ctx, 400, `Cannot transition status via :${wanted.event} from :${existing.status} (Reason(s): Status cannot transition via "${wanted.event}")`);
        }
        transition(existing, wanted.status);
        Object.assign(existing, { description: description ?? existing.description, targetUrl: targetUrl ?? existing.targetUrl, coverage: coverage ?? existing.coverage, userId: auth.user.id });
        pipeline.updatedAt = Date.now();
        return ctx.json(201, statusJson(env, repo, pipeline, existing));
      }
      const created = addStatus(env.store, pipeline, { kind: "external", name, stage: "external", status: wanted.status, allowFailure: false, description, targetUrl, coverage, userId: auth.user.id });
      ctx.json(201, statusJson(env, repo, pipeline, created));
    }),
  );
}
