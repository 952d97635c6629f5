import { sql } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { rateLimits } from "@/db/schema";
import { AppError } from "../errors/app-error";

/**
 * Counts one attempt against `key` in a fixed window and throws `rate_limited` past `limit`.
 * One upsert statement, so concurrent attempts on any number of app replicas count correctly.
 */
export async function consumeRateLimit(opts: {
  db: DbOrTx;
  key: string;
  limit: number;
  windowSeconds: number;
}): Promise<void> {
  if ((await countRateLimitHit(opts)) > opts.limit) throw new AppError("rate_limited");
}

/** Counts one hit against `key` in a fixed window and returns the window's count so far. */
export async function countRateLimitHit(opts: { db: DbOrTx; key: string; windowSeconds: number }): Promise<number> {
  const window = sql`make_interval(secs => ${opts.windowSeconds})`;
  const rows = await opts.db
    .insert(rateLimits)
    .values({ key: opts.key, windowStart: sql`now()`, count: 1 })
    .onConflictDoUpdate({
      target: rateLimits.key,
      set: {
        count: sql`case when ${rateLimits.windowStart} < now() - ${window} then 1 else ${rateLimits.count} + 1 end`,
        windowStart: sql`case when ${rateLimits.windowStart} < now() - ${window} then now() else ${rateLimits.windowStart} end`,
      },
    })
    .returning({ count: rateLimits.count });
  return rows[0]?.count ?? 0;
}
