import type { JobKind } from "../runners/protocol";

/**
 * Every SCM operation the trail records. A timeline groups one person's action (a browser request,
 * the runner job it caused, and the provider calls the runner made for it) under one correlation id.
 */
export const scmOperations = [
  "integration.create",
  "integration.update",
  "integration.remove",
  "integration.test",
  "oauth.start",
  "oauth.callback",
  "oauth.exchange",
  "pat.validate",
  "token.refresh",
  "token.revoke",
  "credential.fetch",
  "clone",
  "environment.delete",
  "git.credential",
  "agent.tool_call",
  "access.check",
  "repositories.list",
] as const;
export type ScmOperation = (typeof scmOperations)[number];

/** How people read an operation in Diagnostics. */
export const operationLabels: Record<ScmOperation, string> = {
  "integration.create": "Integration created",
  "integration.update": "Integration updated",
  "integration.remove": "Integration removed",
  "integration.test": "Save & Test",
  "oauth.start": "OAuth started",
  "oauth.callback": "OAuth callback",
  "oauth.exchange": "OAuth code exchange",
  "pat.validate": "Token validation",
  "token.refresh": "Token refresh",
  "token.revoke": "Token revocation",
  "credential.fetch": "Credential handed to runner",
  clone: "Clone",
  "environment.delete": "Environment deleted",
  "git.credential": "Git credential request",
  "agent.tool_call": "Agent tool call",
  "access.check": "Check access",
  "repositories.list": "Repository list",
};

/** The operation a runner job belongs to. */
const jobOperations: Record<JobKind, ScmOperation> = {
  "integration.test": "integration.test",
  "oauth.exchange": "oauth.exchange",
  "pat.validate": "pat.validate",
  "token.revoke": "token.revoke",
  "environment.create": "clone",
  "environment.delete": "environment.delete",
  "access.check": "access.check",
  "repositories.list": "repositories.list",
};

/** The operation of a job kind (unknown kinds keep their own name, so nothing is dropped). */
export function operationOfJob(kind: string): string {
  return Object.hasOwn(jobOperations, kind) ? jobOperations[kind as JobKind] : kind;
}

/** How people read an operation name (unknown names as they are). */
export function operationLabel(operation: string): string {
  return Object.hasOwn(operationLabels, operation) ? operationLabels[operation as ScmOperation] : operation;
}

/**
 * Stages with a fixed meaning. Runner-reported stages (a Save & Test check, a provider call) are
 * recorded under their own names.
 */
export const stageLabels: Record<string, string> = {
  request: "Request (what the person saw)",
  queued: "Job queued for the runner",
  runner: "Runner finished",
  store: "Result stored",
  deadline: "Cancelled at the deadline",
  lease: "Runner stopped answering",
  late_report: "Runner reported after cancellation",
  state: "Authorization state check",
  provider_redirect: "Provider's answer to the authorization",
  integration: "Integration check",
  authorize: "Policy check",
  finish: "Provider call",
  rotate: "Refreshed token saved",
  needs_reauth: "Refresh refused for good",
  reachable: "Reaching the host",
  api: "Checking the API",
  oauth_client: "Checking the OAuth client",
  opening: "Opening the sealed secret on the runner",
  validating: "Validating the token at the provider",
  identifying: "Asking the provider who the token belongs to",
  exchanging_code: "Exchanging the authorization code at the provider",
  sealing: "Sealing the credential for storage",
  revoking: "Revoking the token at the provider",
  credentials: "Fetching the owner's credential",
  cloning: "Cloning",
  counting_objects: "Cloning: counting objects",
  compressing_objects: "Cloning: compressing objects",
  receiving_objects: "Cloning: receiving objects",
  resolving_deltas: "Cloning: resolving deltas",
  checking_out: "Cloning: checking out files",
  identity: "Creating the environment's OS user",
  served: "Credential handed to git",
  security: "Security: request refused",
  runner_online: "Runner online",
  authorized: "User authorized",
  token_valid: "Token valid",
  scopes: "Scopes sufficient",
  repository: "Repository reachable",
};

/** How people read a stage name (unknown ones with their underscores turned into spaces). */
export function stageLabel(stage: string): string {
  return Object.hasOwn(stageLabels, stage) ? stageLabels[stage]! : stage.replace(/[_.]/g, " ");
}
