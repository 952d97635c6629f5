import { z } from "zod";
import { resolveBranch } from "../git/repos";
import { addPipeline, addStatus, pipelineJson, transition } from "../gitlab/pipelines";
import { GL_CI_STATUSES, gitlabState, pipelineStatus, type GlCommitStatus } from "../gitlab/state";
import { AdminError, type AdminContext } from "./operations";

/**
 * GitLab CI seeding: a runner's pipeline and jobs cannot be made through GitLab's API (a pipeline
 * runs `.gitlab-ci.yml` on a runner), so tests create them here and move jobs along as a runner
 * would. External CI posts its statuses through GitLab's own `POST /projects/:id/statuses/:sha`.
 */

const status = z.enum(GL_CI_STATUSES);

export const createGitlabPipelineSchema = z.strictObject({
  /** The project's full path, `group[/subgroup]/name`. */
  project: z.string().min(3).max(300),
  /** A branch, or `refs/merge-requests/:iid/head` for a merge request pipeline; the default branch when omitted. */
  ref: z.string().min(1).max(255).optional(),
  /** The commit; the tip of `ref` when omitted. */
  sha: z.string().regex(/^[0-9a-f]{40}$/).optional(),
  source: z.enum(["push", "merge_request_event", "api"]).default("push"),
  jobs: z
    .array(z.strictObject({ name: z.string().min(1).max(255), stage: z.string().min(1).max(100).default("test"), status: status.default("pending"), allowFailure: z.boolean().default(false) }))
    .max(100)
    .default([]),
});

export const updateGitlabJobSchema = z.strictObject({ status });

export type CreateGitlabPipelineInput = z.input<typeof createGitlabPipelineSchema>;
export type UpdateGitlabJobInput = z.input<typeof updateGitlabJobSchema>;

export interface GitlabJobDto {
  id: number;
  pipelineId: number;
  name: string;
  stage: string;
  status: string;
  webUrl: string;
}

export interface GitlabPipelineDto {
  id: number;
  iid: number;
  sha: string;
  ref: string;
  status: string;
  webUrl: string;
  jobs: GitlabJobDto[];
}

function jobDto(ctx: AdminContext, repoPath: string, job: GlCommitStatus): GitlabJobDto {
  return { id: job.id, pipelineId: job.pipelineId, name: job.name, stage: job.stage, status: job.status, webUrl: `${ctx.urls.gitlab.web}/${repoPath}/-/jobs/${job.id}` };
}

/** Creates a pipeline with its jobs for a commit of a GitLab project. */
export async function createGitlabPipeline(ctx: AdminContext, input: z.output<typeof createGitlabPipelineSchema>): Promise<GitlabPipelineDto> {
  const repo = ctx.store.repoByPath("gitlab", input.project);
  if (!repo) throw new AdminError(404, "repo_not_found", `no gitlab project '${input.project}'`, [{ path: "project", message: "unknown project" }]);
  const ref = input.ref ?? repo.defaultBranch;
  const sha = input.sha ?? (ref.startsWith("refs/") ? null : await resolveBranch(repo.diskPath, ctx.home, ref));
  if (!sha) throw new AdminError(400, "invalid_request", `give sha: '${ref}' is not a branch of ${repo.path}`, [{ path: "sha", message: "required for this ref" }]);
  const pipeline = addPipeline(ctx.store, repo, { sha, ref, source: input.source, userId: null });
  const jobs = input.jobs.map((j) => addStatus(ctx.store, pipeline, { kind: "build", name: j.name, stage: j.stage, status: j.status, allowFailure: j.allowFailure }));
  const json = pipelineJson(ctx.store, ctx.urls.gitlab.web, repo, pipeline);
  return { id: pipeline.id, iid: pipeline.iid, sha, ref, status: String(json.status), webUrl: String(json.web_url), jobs: jobs.map((j) => jobDto(ctx, repo.path, j)) };
}

/** Moves a pipeline job to another status, as its runner would. */
export function updateGitlabJob(ctx: AdminContext, id: number, input: z.output<typeof updateGitlabJobSchema>): GitlabJobDto & { pipelineStatus: string } {
  const state = gitlabState(ctx.store);
  const job = state.statuses.find((s) => s.id === id && s.kind === "build");
  const repo = job ? ctx.store.repos.get(job.repoId) : undefined;
  if (!job || !repo) throw new AdminError(404, "job_not_found", `no gitlab job ${id}`);
  transition(job, input.status);
  const pipeline = state.pipelines.find((p) => p.id === job.pipelineId);
  if (pipeline) pipeline.updatedAt = Date.now();
  return { ...jobDto(ctx, repo.path, job), pipelineStatus: pipelineStatus(state, job.pipelineId) };
}
