import { and, eq, inArray, isNotNull, sql } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { scmEvents } from "@/db/schema";
import { isErrorCode, type ErrorCode } from "../errors/catalogue";
import { assertRole, type Actor } from "../users/actor";
import { eventConditions, person } from "./search-events";
import type { EventFilters } from "./schemas";

export type FailureBucket = { start: string; total: number; byCode: Partial<Record<ErrorCode, number>> };
export type FailureCounts = { unit: "hour" | "day"; buckets: FailureBucket[]; codes: { code: ErrorCode; total: number }[] };

/**
 * Failures by error code over the searched time range, for the Diagnostics chart: hourly up to two
 * days, daily beyond. A failure is an operation (one correlation id) that ended failed, cancelled
 * or refused with a code, counted once even when several of its stages recorded the code.
 * Every bucket of the range is present, zeros included.
 */
export async function countFailures(opts: { db: DbOrTx; actor: Actor; filters: EventFilters }): Promise<FailureCounts> {
  assertRole(opts.actor, "admin", "support");
  const { from, to } = opts.filters;
  const unit = to.getTime() - from.getTime() <= 2 * 86_400_000 ? "hour" : "day";
  const bucket = sql<string>`to_char(date_trunc(${sql.raw(`'${unit}'`)}, ${scmEvents.at} at time zone 'UTC'), 'YYYY-MM-DD"T"HH24:00:00"Z"')`;
  const rows = await opts.db
    .select({ bucket, code: scmEvents.errorCode, n: sql<number>`count(distinct coalesce(${scmEvents.correlationId}, ${scmEvents.id}::text))::int` })
    .from(scmEvents)
    .leftJoin(person, eq(person.id, scmEvents.userId))
    .where(and(...eventConditions(opts.actor, { ...opts.filters, failuresOnly: false }), inArray(scmEvents.outcome, ["failed", "cancelled", "refused"]), isNotNull(scmEvents.errorCode)))
    .groupBy(bucket, scmEvents.errorCode);

  const step = unit === "hour" ? 3_600_000 : 86_400_000;
  const first = new Date(from);
  if (unit === "hour") first.setUTCMinutes(0, 0, 0);
  else first.setUTCHours(0, 0, 0, 0);
  const buckets = new Map<string, FailureBucket>();
  for (let t = first.getTime(); t <= to.getTime(); t += step) {
    const start = new Date(t).toISOString().replace(/\.\d{3}Z$/, "Z");
    buckets.set(start, { start, total: 0, byCode: {} });
  }
  const totals = new Map<ErrorCode, number>();
  for (const row of rows) {
    const code = row.code && isErrorCode(row.code) ? row.code : "provider_error";
    const target = buckets.get(row.bucket);
    const n = Number(row.n);
    if (target) {
      target.total += n;
      target.byCode[code] = (target.byCode[code] ?? 0) + n;
    }
    totals.set(code, (totals.get(code) ?? 0) + n);
  }
  return {
    unit,
    buckets: [...buckets.values()],
    codes: [...totals.entries()].map(([code, total]) => ({ code, total })).sort((a, b) => b.total - a.total || a.code.localeCompare(b.code)),
  };
}
