import { sql, type SQL } from "drizzle-orm";
import type { Db } from "@/db/client";
import { organizations } from "@/db/schema";

/** Arbitrary constant naming the advisory lock one sweeping replica holds per batch. */
const RETENTION_LOCK_KEY = 7_303_442_117;
/** Rows per statement: small enough that no batch holds its locks for long. */
export const RETENTION_BATCH = 5_000;
/** Fixed periods: OAuth attempts live 10 minutes, rate-limit windows at most an hour. */
const OAUTH_ATTEMPT_GRACE = "1 day";
const RATE_LIMIT_STALE = "1 day";

export type RetentionPolicy = {
  /** Minutes after a job finishes before its sealed boxes are erased. */
  jobPayloadMinutes: number;
  /** Days events, agent activity and finished jobs are kept, for organizations that set no period of their own. */
  eventsDays: number;
};

/** The shortest and longest period an admin may set (Settings > Organization). */
export const RETENTION_DAYS_MIN = 1;
export const RETENTION_DAYS_MAX = 3650;

type Counter = keyof Omit<SweepCounts, "batches" | "skipped">;

export type SweepCounts = { jobsErased: number; jobsDeleted: number; events: number; agentActivity: number; oauthAttempts: number; passwordResets: number; rateLimits: number; batches: number; skipped: boolean };

/**
 * The batches of one sweep, each one statement over at most RETENTION_BATCH rows found by an index.
 * Erasing replaces every sealed box (`sbx1.…`) anywhere in a finished job's payload and result by
 * null, drops the account name a PAT was validated with (Bitbucket's Atlassian email: the
 * credential row keeps it while the connection lives), and keeps the rest (who, which
 * integration, the outcome) for Diagnostics. Events, agent
 * activity and finished jobs are deleted per organization, after its own period (`keptDays`).
 */
function statements(policy: RetentionPolicy, orgs: Array<{ id: string; keptDays: number }>, batch: number): Array<[Counter, SQL]> {
  const jobsAfter = sql`now() - make_interval(mins => ${policy.jobPayloadMinutes})`;
  const erase = (column: SQL) => sql`case when ${column} is null then null else regexp_replace(${column}::text, '"sbx1\\.[^"]*"', 'null', 'g')::jsonb end`;
  const perOrg = orgs.flatMap(({ id, keptDays }): Array<[Counter, SQL]> => {
    const keptFor = sql`now() - make_interval(days => ${keptDays})`;
    return [
      ["jobsDeleted", sql`delete from runner_jobs where id in (select id from runner_jobs where org_id = ${id} and finished_at < ${keptFor} and status in ('succeeded', 'failed', 'cancelled') limit ${batch} for update skip locked)`],
      ["events", sql`delete from scm_events where id in (select id from scm_events where org_id = ${id} and at < ${keptFor} limit ${batch})`],
      ["agentActivity", sql`delete from agent_activity where id in (select id from agent_activity where org_id = ${id} and at < ${keptFor} limit ${batch})`],
    ];
  });
  return [
    [
      "jobsErased",
      sql`update runner_jobs set payload = ${erase(sql`payload`)} - 'username', result = ${erase(sql`result`)} - 'patUsername', payload_erased_at = now()
          where id in (select id from runner_jobs where payload_erased_at is null and finished_at is not null and finished_at < ${jobsAfter}
                       and status in ('succeeded', 'failed', 'cancelled') limit ${batch} for update skip locked)`,
    ],
    ...perOrg,
    ["oauthAttempts", sql`delete from oauth_attempts where id in (select id from oauth_attempts where expires_at < now() - ${OAUTH_ATTEMPT_GRACE}::interval limit ${batch})`],
    ["passwordResets", sql`delete from password_resets where id in (select id from password_resets where expires_at < now() - ${OAUTH_ATTEMPT_GRACE}::interval limit ${batch})`],
    ["rateLimits", sql`delete from rate_limits where key in (select key from rate_limits where window_start < now() - ${RATE_LIMIT_STALE}::interval limit ${batch})`],
  ];
}

function affected(result: unknown): number {
  const r = result as { affectedRows?: number; count?: number; rowCount?: number };
  return r.affectedRows ?? r.count ?? r.rowCount ?? 0;
}

/**
 * One retention sweep: erases finished jobs' sealed boxes after `jobPayloadMinutes`, deletes events,
 * agent activity and finished jobs older than the organization's retention period (`eventsDays`
 * when it set none), OAuth attempts and password reset links a day past their expiry
 * and rate-limit rows idle for a day. Pending and running jobs are never touched. Each batch is its
 * own short transaction holding a transaction-scoped advisory lock: when another replica holds it,
 * this one stops (`skipped`) and leaves the sweep to it.
 */
export async function sweepRetention(opts: { db: Db; policy: RetentionPolicy; batch?: number; onBatch?: (name: string, rows: number) => void }): Promise<SweepCounts> {
  const counts: SweepCounts = { jobsErased: 0, jobsDeleted: 0, events: 0, agentActivity: 0, oauthAttempts: 0, passwordResets: 0, rateLimits: 0, batches: 0, skipped: false };
  const batch = opts.batch ?? RETENTION_BATCH;
  const orgs = await opts.db.select({ id: organizations.id, days: organizations.retentionDays }).from(organizations);
  const kept = orgs.map((o) => ({ id: o.id, keptDays: o.days ?? opts.policy.eventsDays }));
  for (const [name, statement] of statements(opts.policy, kept, batch)) {
    for (;;) {
      const rows = await opts.db.transaction(async (tx) => {
        const locked = await tx.execute(sql`select pg_try_advisory_xact_lock(${RETENTION_LOCK_KEY}) as got`);
        const got = (Array.isArray(locked) ? locked[0] : (locked as { rows: Array<{ got: boolean }> }).rows[0]) as { got: boolean } | undefined;
        if (!got?.got) return null;
        return affected(await tx.execute(statement));
      });
      if (rows === null) return { ...counts, skipped: true };
      counts.batches++;
      counts[name] += rows;
      opts.onBatch?.(name, rows);
      if (rows < batch) break;
    }
  }
  return counts;
}
