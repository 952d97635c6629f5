import { and, desc, eq, type SQL } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { environments, hostAuthTokens, memberships, runnerJobs, runners, scmIntegrations, users } from "@/db/schema";
import type { AuthorizationTarget } from "./authorization-target";
import { authorizationTarget } from "./authorization-target";
import { deriveEnvironmentState, reconnectReason, stateErrorCode, type EnvironmentState, type ReconnectReason } from "./environment-state";

/**
 * Environments with everything their shown state is derived from, in one statement: the runner
 * (name, key, isolation), the clone job, the owner (disabled? still a member?), the owner's
 * credential for the runner and host (at most one: unique per runner, host and user) and the
 * runner's integration for the host. `where` authorizes (organization, owner).
 */
export function selectEnvironmentRows(db: DbOrTx, where: SQL | undefined, limit: number) {
  return db
    .select({
      env: environments,
      runner: { name: runners.name, keyId: runners.keyId, publicKey: runners.publicKey, isolation: runners.isolation, sharedUse: runners.sharedUse },
      job: { status: runnerJobs.status, progress: runnerJobs.progress, errorCode: runnerJobs.errorCode },
      owner: { email: users.email, name: users.name, disabledAt: users.disabledAt, member: memberships.userId },
      token: { id: hostAuthTokens.id, integrationId: hostAuthTokens.integrationId, source: hostAuthTokens.source, keyId: hostAuthTokens.keyId, needsReauthReason: hostAuthTokens.needsReauthReason },
      integration: {
        id: scmIntegrations.id,
        runnerId: scmIntegrations.runnerId,
        provider: scmIntegrations.provider,
        host: scmIntegrations.host,
        baseUrl: scmIntegrations.baseUrl,
        issuerUrl: scmIntegrations.issuerUrl,
        virtualDirectory: scmIntegrations.virtualDirectory,
        oauthEnabled: scmIntegrations.oauthEnabled,
        patEnabled: scmIntegrations.patEnabled,
        patScopes: scmIntegrations.patScopes,
      },
    })
    .from(environments)
    .innerJoin(runners, eq(runners.id, environments.runnerId))
    .innerJoin(users, eq(users.id, environments.ownerId))
    .leftJoin(memberships, and(eq(memberships.orgId, environments.orgId), eq(memberships.userId, environments.ownerId)))
    .leftJoin(runnerJobs, eq(runnerJobs.id, environments.jobId))
    .leftJoin(hostAuthTokens, and(eq(hostAuthTokens.runnerId, environments.runnerId), eq(hostAuthTokens.host, environments.host), eq(hostAuthTokens.userId, environments.ownerId)))
    .leftJoin(scmIntegrations, and(eq(scmIntegrations.runnerId, environments.runnerId), eq(scmIntegrations.host, environments.host)))
    .where(where)
    .orderBy(desc(environments.createdAt), desc(environments.id))
    .limit(limit);
}

export type EnvironmentRow = Awaited<ReturnType<typeof selectEnvironmentRows>>[number];

/** One environment as the list and its page show it. */
export type EnvironmentView = {
  id: string;
  name: string;
  repoUrl: string;
  repoPath: string;
  host: string;
  runnerId: string;
  runnerName: string;
  branch: string | null;
  status: EnvironmentState;
  /** The clone's current stage while creating. */
  progress: string | null;
  /** The catalogue code that explains the status and says what to do (null: ready or creating). */
  errorCode: string | null;
  /** Why the owner must reconnect, when the status is `needs_reconnect`. */
  reconnectReason: ReconnectReason | null;
  /** The clone job, whose progress the page follows while the environment is being created. */
  jobId: string | null;
  createdAt: Date;
};

/** A row's view: its state derived from the facts the query brought along. */
export function toEnvironmentView(row: EnvironmentRow): EnvironmentView {
  const { env, runner, job, owner, token, integration } = row;
  const reconnect = reconnectReason({
    token: token && token.id && token.integrationId && token.source && token.keyId ? { integrationId: token.integrationId, source: token.source, keyId: token.keyId, needsReauthReason: token.needsReauthReason } : null,
    runnerKeyId: runner.keyId,
    integration: integration?.id ? { id: integration.id, oauthEnabled: Boolean(integration.oauthEnabled), patEnabled: Boolean(integration.patEnabled) } : null,
  });
  const status = deriveEnvironmentState({ stored: env.status, jobStatus: job?.status ?? null, ownerActive: !owner.disabledAt && owner.member !== null, reconnect });
  const creating = status === "creating";
  return {
    id: env.id,
    name: env.name,
    repoUrl: env.repoUrl,
    repoPath: env.repoPath,
    host: env.host,
    runnerId: env.runnerId,
    runnerName: runner.name,
    branch: env.branch,
    status,
    progress: creating ? (job?.progress ?? env.progress) : null,
    errorCode: stateErrorCode(status, env.errorCode ?? job?.errorCode ?? null),
    reconnectReason: status === "needs_reconnect" ? reconnect : null,
    jobId: env.jobId,
    createdAt: env.createdAt,
  };
}

/** What the reconnect prompt needs for a row's host (null: the runner no longer offers it). */
export function reconnectTarget(row: EnvironmentRow): AuthorizationTarget | null {
  const i = row.integration;
  if (!i?.id || !i.runnerId || !i.provider || !i.host || !i.baseUrl) return null;
  return authorizationTarget(
    { id: i.id, runnerId: i.runnerId, provider: i.provider, host: i.host, baseUrl: i.baseUrl, issuerUrl: i.issuerUrl ?? null, virtualDirectory: i.virtualDirectory ?? null, oauthEnabled: Boolean(i.oauthEnabled), patEnabled: Boolean(i.patEnabled), patScopes: i.patScopes ?? [] },
    { name: row.runner.name, publicKey: row.runner.publicKey },
  );
}
