import { and, asc, eq, sql } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { hostAuthTokens, runners, scmIntegrations } from "@/db/schema";
import { AppError } from "../errors/app-error";
import type { ProviderId } from "../providers/types";
import { assertRole, type Actor } from "../users/actor";
import { readJobStatus } from "./read-job-status";
import { deploymentOf } from "./resolve-location";
import type { Deployment } from "./schemas";
import { storedOutcome, type TestOutcome } from "./test-outcome";

/** An integration as admins see it: settings, whether a secret is stored, last test, connected users. Never the secret. */
export type IntegrationView = {
  id: string;
  runnerId: string;
  provider: ProviderId;
  deployment: Deployment;
  host: string;
  baseUrl: string;
  issuerUrl: string | null;
  virtualDirectory: string | null;
  /** The host may resolve to private network addresses. */
  allowPrivateHosts: boolean;
  oauthEnabled: boolean;
  oauthClientId: string | null;
  oauthScopes: string[];
  hasClientSecret: boolean;
  /** The secret was sealed to a key the runner no longer has (it registered again): it must be re-entered. */
  secretNeedsReentry: boolean;
  patEnabled: boolean;
  patScopes: string[];
  lastTestedAt: Date | null;
  lastTestOk: boolean | null;
  lastTest: TestOutcome | null;
  oauthUsers: number;
  patUsers: number;
  users: number;
};

async function load(opts: { db: DbOrTx; actor: Actor; runnerId?: string; integrationId?: string }): Promise<IntegrationView[]> {
  assertRole(opts.actor, "admin");
  const rows = await opts.db
    .select({
      i: scmIntegrations,
      runnerKeyId: runners.keyId,
      oauthUsers: sql<number>`count(distinct ${hostAuthTokens.userId}) filter (where ${hostAuthTokens.source} = 'oauth')`.mapWith(Number),
      patUsers: sql<number>`count(distinct ${hostAuthTokens.userId}) filter (where ${hostAuthTokens.source} = 'pat')`.mapWith(Number),
      users: sql<number>`count(distinct ${hostAuthTokens.userId})`.mapWith(Number),
    })
    .from(scmIntegrations)
    .innerJoin(runners, eq(runners.id, scmIntegrations.runnerId))
    .leftJoin(hostAuthTokens, eq(hostAuthTokens.integrationId, scmIntegrations.id))
    .where(
      and(
        eq(scmIntegrations.orgId, opts.actor.orgId),
        opts.runnerId ? eq(scmIntegrations.runnerId, opts.runnerId) : undefined,
        opts.integrationId ? eq(scmIntegrations.id, opts.integrationId) : undefined,
      ),
    )
    .groupBy(scmIntegrations.id, runners.keyId)
    .orderBy(asc(scmIntegrations.host));
  const views = rows.map(({ i, runnerKeyId, oauthUsers, patUsers, users }) => ({
    id: i.id,
    runnerId: i.runnerId,
    provider: i.provider,
    deployment: deploymentOf(i.provider, i.host),
    host: i.host,
    baseUrl: i.baseUrl,
    issuerUrl: i.issuerUrl,
    virtualDirectory: i.virtualDirectory,
    allowPrivateHosts: i.allowPrivateHosts,
    oauthEnabled: i.oauthEnabled,
    oauthClientId: i.oauthClientId,
    oauthScopes: i.oauthScopes,
    hasClientSecret: i.oauthClientSecretSealed !== null,
    secretNeedsReentry: i.oauthEnabled && i.oauthClientSecretSealed !== null && i.oauthSecretKeyId !== runnerKeyId,
    patEnabled: i.patEnabled,
    patScopes: i.patScopes,
    lastTestedAt: i.lastTestedAt,
    lastTestOk: i.lastTestOk,
    lastTest: storedOutcome(i.lastTestResult),
    oauthUsers,
    patUsers,
    users,
  }));
  // A test still shown as running may have finished (or passed its deadline) since: settle it now.
  for (const view of views) {
    if (view.lastTest && !view.lastTest.done) {
      const status = await readJobStatus({ db: opts.db, actor: opts.actor, jobId: view.lastTest.jobId }).catch(() => null);
      if (status?.done) Object.assign(view, { lastTest: status, lastTestOk: status.ok, lastTestedAt: new Date() });
    }
  }
  return views;
}

/** The integrations of one of the organization's runners, by host (admins). */
export async function listIntegrations(opts: { db: DbOrTx; actor: Actor; runnerId: string }): Promise<IntegrationView[]> {
  return load(opts);
}

/** One integration of the organization, or `not_found`. */
export async function findIntegration(opts: { db: DbOrTx; actor: Actor; integrationId: string }): Promise<IntegrationView> {
  const [view] = await load(opts);
  if (!view) throw new AppError("not_found");
  return view;
}
