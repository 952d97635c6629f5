/**
 * Check access ("doctor"): the steps between a person and a repository, in order. The plane
 * checks the first three from its own records; the runner checks the rest against the provider
 * with the person's real credential (the `access.check` job).
 */
export const accessStepIds = ["runner_online", "integration", "authorized", "token_valid", "scopes", "repository"] as const;
export type AccessStepId = (typeof accessStepIds)[number];
export const runnerAccessStepIds = ["token_valid", "scopes", "repository"] as const;
export type RunnerAccessStepId = (typeof runnerAccessStepIds)[number];

export const accessStepLabels: Record<AccessStepId, string> = {
  runner_online: "Runner online",
  integration: "Integration for the host",
  authorized: "User connected",
  token_valid: "Token valid and unexpired",
  scopes: "Scopes sufficient",
  repository: "Repository reachable",
};
