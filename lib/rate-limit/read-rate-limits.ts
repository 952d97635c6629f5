import { inArray, sql } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { rateLimits } from "@/db/schema";

/**
 * The current count of each key within a fixed window of `windowSeconds` (0 for a key with no row
 * or whose window has passed), without counting an attempt: for limits that count failures only.
 */
export async function readRateLimits(opts: { db: DbOrTx; keys: string[]; windowSeconds: number }): Promise<Map<string, number>> {
  const counts = new Map(opts.keys.map((k) => [k, 0]));
  if (opts.keys.length === 0) return counts;
  const rows = await opts.db
    .select({
      key: rateLimits.key,
      count: sql<number>`case when ${rateLimits.windowStart} < now() - make_interval(secs => ${opts.windowSeconds}) then 0 else ${rateLimits.count} end`,
    })
    .from(rateLimits)
    .where(inArray(rateLimits.key, opts.keys));
  for (const row of rows) counts.set(row.key, Number(row.count));
  return counts;
}
