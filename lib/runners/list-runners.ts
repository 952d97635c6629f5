import { and, asc, eq, sql } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { hostAuthTokens, runners, scmIntegrations } from "@/db/schema";
import { fingerprintOf } from "../crypto/sealed-box";
import { AppError } from "../errors/app-error";
import { assertRole, type Actor } from "../users/actor";
import { runnerStatus, type RunnerStatus } from "./runner-status";

export type RunnerSummary = {
  id: string;
  name: string;
  status: RunnerStatus;
  version: string | null;
  keyId: string | null;
  publicKey: string | null;
  fingerprint: string | null;
  lastSeenAt: Date | null;
  registeredAt: Date | null;
  createdAt: Date;
  integrations: number;
  connectedUsers: number;
};

/**
 * The organization's runners with status, key fingerprint and counts, in one query (admins).
 * The counts are aggregated per runner before the join (distinct runner and user pairs by
 * hashing), not by grouping the runners × integrations × tokens product: with 1,000 runners and
 * 50,000 tokens that product had to be sorted for `count(distinct)` (spilling to disk on
 * PostgreSQL's default work_mem), which took most of the Runners page's time budget.
 */
export async function listRunners(opts: { db: DbOrTx; actor: Actor; offlineAfterMs: number; runnerId?: string }): Promise<RunnerSummary[]> {
  assertRole(opts.actor, "admin");
  const inScope = and(eq(scmIntegrations.orgId, opts.actor.orgId), opts.runnerId ? eq(scmIntegrations.runnerId, opts.runnerId) : undefined);
  const integrationCounts = opts.db
    .select({ runnerId: scmIntegrations.runnerId, n: sql<number>`count(*)`.as("integration_count") })
    .from(scmIntegrations)
    .where(inScope)
    .groupBy(scmIntegrations.runnerId)
    .as("integration_counts");
  const connections = opts.db
    .selectDistinct({ runnerId: scmIntegrations.runnerId, userId: hostAuthTokens.userId })
    .from(hostAuthTokens)
    .innerJoin(scmIntegrations, eq(scmIntegrations.id, hostAuthTokens.integrationId))
    .where(inScope)
    .as("connections");
  const userCounts = opts.db
    .select({ runnerId: connections.runnerId, n: sql<number>`count(*)`.as("user_count") })
    .from(connections)
    .groupBy(connections.runnerId)
    .as("user_counts");
  const rows = await opts.db
    .select({
      id: runners.id,
      name: runners.name,
      version: runners.version,
      keyId: runners.keyId,
      publicKey: runners.publicKey,
      lastSeenAt: runners.lastSeenAt,
      registeredAt: runners.registeredAt,
      createdAt: runners.createdAt,
      integrations: sql<number>`coalesce(${integrationCounts.n}, 0)`.mapWith(Number),
      connectedUsers: sql<number>`coalesce(${userCounts.n}, 0)`.mapWith(Number),
    })
    .from(runners)
    .leftJoin(integrationCounts, eq(integrationCounts.runnerId, runners.id))
    .leftJoin(userCounts, eq(userCounts.runnerId, runners.id))
    .where(and(eq(runners.orgId, opts.actor.orgId), opts.runnerId ? eq(runners.id, opts.runnerId) : undefined))
    .orderBy(asc(sql`lower(${runners.name})`));
  return Promise.all(
    rows.map(async (r) => ({
      ...r,
      status: runnerStatus(r, opts.offlineAfterMs),
      fingerprint: r.publicKey ? await fingerprintOf(r.publicKey) : null,
    })),
  );
}

/** One runner of the organization, or `not_found`. */
export async function findRunner(opts: { db: DbOrTx; actor: Actor; runnerId: string; offlineAfterMs: number }): Promise<RunnerSummary> {
  const [runner] = await listRunners(opts);
  if (!runner) throw new AppError("not_found");
  return runner;
}
