import type { ScmBackend } from "../../agent-tools/backend";
import type { CheckItem, CheckState } from "../../agent-tools/tool-output";
import { gitlabClient } from "./gitlab-client";
import { offsetPage, readPage } from "./paging";
import type { GitlabMergeRequest } from "./views";

type GitlabPipeline = { id: number; sha: string; ref?: string; status: string; web_url?: string | null };
type GitlabJob = { id: number; name: string; stage?: string; status: string; allow_failure?: boolean; web_url?: string | null; failure_reason?: string | null };
type GitlabCommitStatus = { id: number; name: string; status: string; description?: string | null; target_url?: string | null; allow_failure?: boolean };

/** How many jobs or statuses one call reads at most (GitLab's pages of 100). */
const MAX_ITEMS = 300;

/**
 * A GitLab job or commit status in the tools' states. A job allowed to fail that failed is
 * neutral (GitLab shows the pipeline "passed with warnings"); a manual job not started yet is
 * neutral too (it waits for someone to play it).
 */
export function checkState(status: string, allowFailure = false): CheckState {
  switch (status) {
    case "success":
      return "success";
    case "failed":
      return allowFailure ? "neutral" : "failure";
    case "canceled":
    case "canceling":
      return "cancelled";
    case "skipped":
      return "skipped";
    case "manual":
      return "neutral";
    default:
      // created, waiting_for_resource, preparing, pending, running, scheduled, waiting_for_callback
      return "pending";
  }
}

function describe(status: string, extra: string | null | undefined): string {
  return [`GitLab status: ${status}`, extra].filter(Boolean).join("; ");
}

/** Every item of a paged list, up to `MAX_ITEMS`. */
async function readAll<T>(fetch: (page: number, perPage: number) => Promise<{ items: T[]; next: number | null }>): Promise<T[]> {
  const { items } = await readPage({ cursor: undefined, limit: MAX_ITEMS, keep: () => true, fetch });
  return items;
}

/**
 * The checks of a merge request's head commit: the jobs of its latest pipeline on that commit,
 * and the statuses external CI posted for it. GitLab lists a pipeline's jobs among the commit's
 * statuses too (they are one table, sharing ids), so those are counted once.
 */
export const checkTools = {
  async get_pull_request_checks(ctx, input) {
    const api = gitlabClient(ctx);
    const mr = (await api.MergeRequests.show(ctx.repository, input.number)) as GitlabMergeRequest;
    const sha = mr.sha ?? mr.diff_refs?.head_sha ?? null;
    if (!sha) return { url: mr.web_url, data: { sha: null, checks: [] } };
    const pipelines = offsetPage(await api.MergeRequests.allPipelines(ctx.repository, input.number, { page: 1, perPage: 20, pagination: "offset", showExpanded: true })).items as GitlabPipeline[];
    const pipeline = pipelines.find((p) => p.sha === sha) ?? null;
    const jobs = pipeline
      ? await readAll<GitlabJob>(async (page, perPage) => offsetPage(await api.Jobs.all(ctx.repository, { pipelineId: pipeline.id, page, perPage, pagination: "offset", showExpanded: true })) as { items: GitlabJob[]; next: number | null })
      : [];
    const statuses = await readAll<GitlabCommitStatus>(async (page, perPage) => {
      // Read through the requester: gitbeaker's Commits.allStatuses takes no page to start from.
      const answer = await api.MergeRequests.requester.get(`projects/${encodeURIComponent(ctx.repository)}/repository/commits/${sha}/statuses`, { searchParams: { page, perPage } });
      const next = Number.parseInt(String((answer.headers as Record<string, unknown>)["x-next-page"] ?? ""), 10);
      return { items: Array.isArray(answer.body) ? (answer.body as GitlabCommitStatus[]) : [], next: Number.isInteger(next) ? next : null };
    });
    const jobIds = new Set(jobs.map((j) => j.id));
    const checks: CheckItem[] = [
      ...jobs.map((j) => ({ name: j.stage ? `${j.stage}: ${j.name}` : j.name, kind: "job", state: checkState(j.status, j.allow_failure), description: describe(j.status, j.failure_reason), url: j.web_url ?? null })),
      ...statuses
        .filter((s) => !jobIds.has(s.id))
        .map((s) => ({ name: s.name, kind: "status", state: checkState(s.status, s.allow_failure), description: describe(s.status, s.description), url: s.target_url ?? null })),
    ];
    // A pipeline with no jobs yet (still being created) is the one check there is.
    if (pipeline && checks.length === 0) checks.push({ name: `pipeline #${pipeline.id}`, kind: "pipeline", state: checkState(pipeline.status), description: describe(pipeline.status, null), url: pipeline.web_url ?? null });
    const notes = !pipeline && pipelines.length > 0 ? [`The merge request's latest pipeline ran on an older commit (${pipelines[0]?.sha.slice(0, 12)}); none has run on its head ${sha.slice(0, 12)} yet.`] : undefined;
    return { url: pipeline?.web_url ?? mr.web_url, data: { sha, checks, ...(notes ? { notes } : {}) } };
  },
} satisfies Pick<ScmBackend, "get_pull_request_checks">;
