import type { DbOrTx } from "@/db/client";
import { AppError } from "../errors/app-error";
import { readJob } from "../runners/jobs/await-job";
import { assertRole, type Actor } from "../users/actor";
import { recordTestOutcome } from "./record-test-outcome";
import { outcomeOf, type TestOutcome } from "./test-outcome";

export type JobStatusView = TestOutcome & { kind: string };

/**
 * A job of the organization as the browser follows it (admins): status, the stage the runner is
 * at, and, once done, the per-check outcome or the typed error (`runner_offline`,
 * `operation_aborted`, ...). Reading a finished Save & Test job stores its outcome on the integration.
 */
export async function readJobStatus(opts: { db: DbOrTx; actor: Actor; jobId: string }): Promise<JobStatusView> {
  assertRole(opts.actor, "admin");
  const job = await readJob({ db: opts.db, orgId: opts.actor.orgId, jobId: opts.jobId });
  if (!job) throw new AppError("not_found");
  const outcome = outcomeOf(job);
  if (job.kind === "integration.test") await recordTestOutcome({ db: opts.db, orgId: opts.actor.orgId, outcome, finishedAt: job.finishedAt });
  return { ...outcome, kind: job.kind };
}
