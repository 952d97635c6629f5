import type { Router } from "../http/router";
import { azError, azRoute, iso, projectAccess, requireCodeScope, requirePreview, topSkip } from "./access";
import type { AzEnv } from "./common";
import { azureState, type AzPolicyEvaluation } from "./state";

/**
 * Policy evaluations (learn.microsoft.com/rest/api/azure/devops/policy/evaluations/list): the
 * branch policies (builds, minimum reviewers, ...) evaluated for a pull request, named by the
 * pull request's code review artifact id. Seeded through the admin API.
 */

/** `vstfs:///CodeReview/CodeReviewId/{projectId}/{pullRequestId}`. */
export function codeReviewArtifactId(projectId: string, pullRequestId: number): string {
  return `vstfs:///CodeReview/CodeReviewId/${projectId}/${pullRequestId}`;
}

/** Well-known policy type ids, as Azure DevOps reports them. */
const POLICY_TYPE_IDS: Record<string, string> = {
  Build: "0609b952-1397-4640-95ec-e00a01b2c241",
  "Minimum number of reviewers": "fa4e907d-c16b-4a4c-9dfa-4906e5d171dd",
  "Comment requirements": "c6a1889d-b943-4856-b76f-9e46bb6b0df2",
  "Status": "cbdc66da-9728-4af8-aada-9a5a32e4a226",
};

function evaluationJson(env: AzEnv, org: string, project: string, e: AzPolicyEvaluation): Record<string, unknown> {
  const typeId = POLICY_TYPE_IDS[e.typeName] ?? "fd2167ab-b0be-447a-8ec8-39368250530e";
  return {
    configuration: {
      createdBy: null,
      createdDate: iso(e.startedAt),
      isEnabled: true,
      isBlocking: e.isBlocking,
      isDeleted: false,
      settings: e.displayName ? { displayName: e.displayName } : {},
      isEnterpriseManaged: false,
      revision: 1,
      id: e.configurationId,
      url: `${env.webUrl()}/${org}/${project}/_apis/policy/configurations/${e.configurationId}`,
      type: { id: typeId, url: `${env.webUrl()}/${org}/${project}/_apis/policy/types/${typeId}`, displayName: e.typeName },
    },
    artifactId: e.artifactId,
    evaluationId: e.evaluationId,
    startedDate: iso(e.startedAt),
    ...(e.completedAt !== null ? { completedDate: iso(e.completedAt) } : {}),
    status: e.status,
    context: null,
  };
}

export function registerAzurePolicyRoutes(router: Router, env: AzEnv): void {
  router.on(
    "GET",
    "/:org/:project/_apis/policy/evaluations",
    azRoute(env, (ctx, auth) => {
      requirePreview(ctx);
      const access = projectAccess(env, ctx, auth);
      requireCodeScope(auth, "read");
      const artifactId = ctx.query.get("artifactId");
      if (!artifactId) throw azError(400, "The artifactId parameter is required.", "ArgumentNullException");
      if (!/^vstfs:\/\/\/CodeReview\/CodeReviewId\/[0-9a-f-]{36}\/\d+$/i.test(artifactId)) {
        throw azError(400, `The artifact id '${artifactId}' is not valid: expected vstfs:///CodeReview/CodeReviewId/{projectId}/{pullRequestId}.`, "InvalidArtifactIdException");
      }
      const includeNotApplicable = ctx.query.get("includeNotApplicable") === "true";
      const { top, skip } = topSkip(ctx, 1000);
      const value = azureState(env.store)
        .evaluations.filter((e) => e.artifactId.toLowerCase() === artifactId.toLowerCase() && (includeNotApplicable || e.status !== "notApplicable"))
        .slice(skip, skip + top)
        .map((e) => evaluationJson(env, access.org, access.project, e));
      ctx.json(200, { value, count: value.length });
    }),
  );
}
