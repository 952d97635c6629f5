import { and, count, eq, sql, type SQL } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { hostAuthTokens, runners, scmIntegrations, type Runner } from "@/db/schema";
import { fingerprintOf } from "../crypto/sealed-box";
import { AppError } from "../errors/app-error";
import { escapeLike } from "../sql/escape-like";
import { assertRole, type Actor } from "../users/actor";
import { runnerStatus, type RunnerStatus } from "./runner-status";

export const RUNNERS_PAGE_SIZE = 50;

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
  /** How the runner separates environments, as it reported when it last connected (null: never connected). */
  isolation: Runner["isolation"];
  /** An admin allowed several people's environments on it although it cannot isolate them. */
  sharedUse: boolean;
  integrations: number;
  connectedUsers: number;
};

export type RunnerPage = { rows: RunnerSummary[]; total: number; page: number; pageCount: number };

/**
 * Runners of the organization matching `where`, sorted by name, with their counts: the runners
 * are picked (and paged) in a subquery and the counts computed outside it by correlated
 * subqueries, so only the returned runners are counted — never the whole organization's, nor the
 * rows an OFFSET skips. `total` is counted in the same statement.
 */
async function selectRunners(opts: { db: DbOrTx; orgId: string; where?: SQL; searched: boolean; limit?: number; offset?: number }) {
  const picked = opts.db
    .select({
      id: runners.id,
      name: runners.name,
      version: runners.version,
      keyId: runners.keyId,
      publicKey: runners.publicKey,
      lastSeenAt: runners.lastSeenAt,
      registeredAt: runners.registeredAt,
      createdAt: runners.createdAt,
      isolation: runners.isolation,
      sharedUse: runners.sharedUse,
      sortKey: sql<string>`lower(${runners.name})`.as("sort_key"),
      total: (opts.searched ? sql<number>`count(*) over ()` : sql<number>`(select count(*) from ${runners} r where r.org_id = ${opts.orgId})`).mapWith(Number).as("total"),
    })
    .from(runners)
    .where(and(eq(runners.orgId, opts.orgId), opts.where))
    .orderBy(sql`lower(${runners.name})`);
  const pageRows = (opts.limit === undefined ? picked : picked.limit(opts.limit).offset(opts.offset ?? 0)).as("page_rows");

  // Qualified by hand: drizzle leaves columns unqualified when selecting from a single subquery,
  // which would make "id" resolve to the wrong table inside the correlated subqueries.
  const runnerId = sql.raw(`"page_rows"."id"`);
  const integrationCount = sql<number>`(select count(*) from ${scmIntegrations} i where i.runner_id = ${runnerId} and i.org_id = ${opts.orgId})`.mapWith(Number);
  const userCount = sql<number>`(
      select count(distinct t.user_id)
      from ${hostAuthTokens} t join ${scmIntegrations} i on i.id = t.integration_id
      where i.runner_id = ${runnerId} and i.org_id = ${opts.orgId}
    )`.mapWith(Number);

  const rows = await opts.db
    .select({
      id: pageRows.id,
      name: pageRows.name,
      version: pageRows.version,
      keyId: pageRows.keyId,
      publicKey: pageRows.publicKey,
      lastSeenAt: pageRows.lastSeenAt,
      registeredAt: pageRows.registeredAt,
      createdAt: pageRows.createdAt,
      isolation: pageRows.isolation,
      sharedUse: pageRows.sharedUse,
      integrations: integrationCount,
      connectedUsers: userCount,
      total: pageRows.total,
    })
    .from(pageRows)
    .orderBy(pageRows.sortKey);
  return rows;
}

async function summarize(rows: Awaited<ReturnType<typeof selectRunners>>, offlineAfterMs: number): Promise<RunnerSummary[]> {
  return Promise.all(
    rows.map(async ({ total: _total, ...r }) => ({
      ...r,
      status: runnerStatus(r, offlineAfterMs),
      fingerprint: r.publicKey ? await fingerprintOf(r.publicKey) : null,
    })),
  );
}

/**
 * One page of the organization's runners (admins), sorted by name, optionally searched by name
 * (case-insensitive substring), each with its status, key fingerprint, integration count and
 * connected-user count, and the total: one query (two for a page past the last one).
 */
export async function listRunners(opts: { db: DbOrTx; actor: Actor; offlineAfterMs: number; q?: string; page?: number }): Promise<RunnerPage> {
  assertRole(opts.actor, "admin");
  const orgId = opts.actor.orgId;
  const page = Math.max(1, opts.page ?? 1);
  const q = opts.q?.trim();
  // `lower(x) like lower(p)` is what ILIKE means, and measurably cheaper than ILIKE on PGlite.
  const matches = q ? sql`lower(${runners.name}) like lower(${`%${escapeLike(q)}%`})` : undefined;
  const rows = await selectRunners({ db: opts.db, orgId, where: matches, searched: Boolean(q), limit: RUNNERS_PAGE_SIZE, offset: (page - 1) * RUNNERS_PAGE_SIZE });

  let total = Number(rows[0]?.total ?? 0);
  if (!rows[0] && page > 1) {
    // A page past the last one has no row to carry the total: count apart (rare).
    const [row] = await opts.db
      .select({ total: count() })
      .from(runners)
      .where(and(eq(runners.orgId, orgId), matches));
    total = row?.total ?? 0;
  }
  return { rows: await summarize(rows, opts.offlineAfterMs), total, page, pageCount: Math.max(1, Math.ceil(total / RUNNERS_PAGE_SIZE)) };
}

/** One runner of the organization with its counts (admins), or `not_found`. */
export async function findRunner(opts: { db: DbOrTx; actor: Actor; runnerId: string; offlineAfterMs: number }): Promise<RunnerSummary> {
  assertRole(opts.actor, "admin");
  const rows = await selectRunners({ db: opts.db, orgId: opts.actor.orgId, where: eq(runners.id, opts.runnerId), searched: true });
  const [runner] = await summarize(rows, opts.offlineAfterMs);
  if (!runner) throw new AppError("not_found");
  return runner;
}
