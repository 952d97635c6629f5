import { and, eq, sql } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { scmIntegrations } from "@/db/schema";
import type { TestOutcome } from "./test-outcome";

/**
 * Keeps a finished Save & Test outcome on its integration as the last test. Only the integration
 * whose pending test is this very job is updated: a newer save (with its own job) is never
 * overwritten by an older job's answer.
 */
export async function recordTestOutcome(opts: { db: DbOrTx; orgId: string; outcome: TestOutcome; finishedAt: Date | null }): Promise<void> {
  if (!opts.outcome.done) return;
  await opts.db
    .update(scmIntegrations)
    .set({ lastTestedAt: opts.finishedAt ?? new Date(), lastTestOk: opts.outcome.ok ?? false, lastTestResult: opts.outcome })
    .where(
      and(
        eq(scmIntegrations.orgId, opts.orgId),
        sql`${scmIntegrations.lastTestResult}->>'jobId' = ${opts.outcome.jobId}`,
        sql`coalesce((${scmIntegrations.lastTestResult}->>'done')::boolean, false) = false`,
      ),
    );
}
