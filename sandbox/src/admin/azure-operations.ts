import { randomUUID } from "node:crypto";
import { z } from "zod";
import { stableGuid } from "../azure/common";
import { codeReviewArtifactId } from "../azure/policy";
import { azureState, type AzPolicyStatus } from "../azure/state";
import { AdminError, type AdminContext } from "./operations";

/** Azure DevOps: what only the service itself (or its build system) writes, seeded for tests. */

export const setPolicyEvaluationSchema = z.strictObject({
  /** `org/project/name`. */
  repository: z.string().min(5).max(300).regex(/^[A-Za-z0-9][A-Za-z0-9._-]*\/[A-Za-z0-9][A-Za-z0-9._ -]*\/[A-Za-z0-9][A-Za-z0-9._-]*$/, "org/project/name"),
  pullRequestId: z.number().int().min(1),
  /** The policy type's display name. */
  type: z.enum(["Build", "Minimum number of reviewers", "Comment requirements", "Status"]).default("Build"),
  /** The configuration's own display name (a build policy's `displayName` setting). */
  displayName: z.string().min(1).max(200).optional(),
  status: z.enum(["queued", "running", "approved", "rejected", "notApplicable", "broken"]),
  isBlocking: z.boolean().default(true),
});
export type SetPolicyEvaluationInput = z.input<typeof setPolicyEvaluationSchema>;

export interface PolicyEvaluationDto {
  evaluationId: string;
  artifactId: string;
  configurationId: number;
  status: AzPolicyStatus;
}

/**
 * Sets the evaluation of one branch policy for a pull request, as Azure DevOps does when a build
 * is queued, runs and finishes: the same type and display name on the same pull request is the
 * same evaluation, moved to the new status.
 */
export function setPolicyEvaluation(ctx: AdminContext, input: z.output<typeof setPolicyEvaluationSchema>): PolicyEvaluationDto {
  const repo = ctx.store.repoByPath("azure-devops", input.repository);
  if (!repo) throw new AdminError(404, "repo_not_found", `no azure-devops repository '${input.repository}'`, [{ path: "repository", message: "unknown repository" }]);
  const state = azureState(ctx.store);
  const pr = state.pulls.find((p) => p.id === input.pullRequestId && p.repoId === repo.id);
  if (!pr) throw new AdminError(404, "pull_request_not_found", `no pull request ${input.pullRequestId} in '${input.repository}'`, [{ path: "pullRequestId", message: "unknown pull request" }]);
  const projectId = stableGuid(`project:${repo.owner}/${repo.project ?? ""}`.toLowerCase());
  const displayName = input.displayName ?? null;
  const done = !["queued", "running"].includes(input.status);
  const now = Date.now();
  let evaluation = state.evaluations.find((e) => e.pullRequestId === pr.id && e.typeName === input.type && e.displayName === displayName);
  if (evaluation) {
    evaluation.status = input.status;
    evaluation.isBlocking = input.isBlocking;
    evaluation.completedAt = done ? now : null;
  } else {
    evaluation = {
      evaluationId: randomUUID(),
      artifactId: codeReviewArtifactId(projectId, pr.id),
      pullRequestId: pr.id,
      status: input.status,
      configurationId: state.nextPolicyConfigurationId++,
      typeName: input.type,
      displayName,
      isBlocking: input.isBlocking,
      startedAt: now,
      completedAt: done ? now : null,
    };
    state.evaluations.push(evaluation);
  }
  return { evaluationId: evaluation.evaluationId, artifactId: evaluation.artifactId, configurationId: evaluation.configurationId, status: evaluation.status };
}
