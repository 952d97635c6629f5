import { and, asc, eq, isNotNull, or } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { hostAuthTokens, runners, scmIntegrations } from "@/db/schema";
import type { ErrorCode } from "../errors/catalogue";
import { failedTestResultSql, lastTestFailureCode } from "../git-auth/last-test-failure";
import type { ProviderId } from "../providers/types";
import type { Actor } from "../users/actor";

export type EnvironmentHost = { host: string; baseUrl: string; provider: ProviderId };
export type FailedHostTest = { runnerId: string; host: string; code: ErrorCode };

/** Enough hosts for the form's examples; the runner checks the host of what is typed anyway. */
const HOSTS_SHOWN = 20;
/** Failing tests are few in practice; past this many, the rest go unwarned rather than bloat the page. */
const FAILED_TESTS_SHOWN = 200;

/**
 * What the "new environment" form says about hosts: the distinct hosts the actor may create an
 * environment for (the same rule as `listEnvironmentRunners`), by host, for its placeholder and
 * hint; and, per runner, the hosts whose last Save & Test by an admin failed, with why, so the form
 * warns before the person connects. Two small queries, whatever the number of runners.
 */
export async function listEnvironmentHosts(opts: { db: DbOrTx; actor: Actor }): Promise<{ hosts: EnvironmentHost[]; failedTests: FailedHostTest[] }> {
  const offered = and(eq(scmIntegrations.orgId, opts.actor.orgId), or(eq(scmIntegrations.oauthEnabled, true), eq(scmIntegrations.patEnabled, true), isNotNull(hostAuthTokens.id)));
  const tokenJoin = and(eq(hostAuthTokens.runnerId, scmIntegrations.runnerId), eq(hostAuthTokens.host, scmIntegrations.host), eq(hostAuthTokens.userId, opts.actor.userId));
  const runnerJoin = and(eq(runners.id, scmIntegrations.runnerId), eq(runners.orgId, opts.actor.orgId));
  const [hosts, failed] = await Promise.all([
    opts.db
      .selectDistinct({ host: scmIntegrations.host, baseUrl: scmIntegrations.baseUrl, provider: scmIntegrations.provider })
      .from(scmIntegrations)
      .innerJoin(runners, runnerJoin)
      .leftJoin(hostAuthTokens, tokenJoin)
      .where(offered)
      .orderBy(asc(scmIntegrations.host), asc(scmIntegrations.baseUrl), asc(scmIntegrations.provider))
      .limit(HOSTS_SHOWN),
    opts.db
      .select({ runnerId: scmIntegrations.runnerId, host: scmIntegrations.host, result: failedTestResultSql })
      .from(scmIntegrations)
      .innerJoin(runners, runnerJoin)
      .leftJoin(hostAuthTokens, tokenJoin)
      .where(and(offered, eq(scmIntegrations.lastTestOk, false)))
      .orderBy(asc(scmIntegrations.runnerId), asc(scmIntegrations.host))
      .limit(FAILED_TESTS_SHOWN),
  ]);
  return {
    hosts,
    failedTests: failed.flatMap((f) => {
      const code = lastTestFailureCode(f.result);
      return code ? [{ runnerId: f.runnerId, host: f.host, code }] : [];
    }),
  };
}
