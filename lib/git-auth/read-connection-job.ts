import type { DbOrTx } from "@/db/client";
import { readJob, type JobView } from "../runners/jobs/await-job";
import type { Actor } from "../users/actor";

const USER_JOB_KINDS = new Set(["oauth.exchange", "pat.validate", "token.revoke", "environment.create"]);

/**
 * A job the actor started for their own account (OAuth exchange, PAT validation, revocation,
 * environment clone): status and progress for the page that waits on it. Other people's jobs and
 * admin jobs look like missing ones. Never returns the payload.
 */
export async function readConnectionJob(opts: { db: DbOrTx; actor: Actor; jobId: string }): Promise<Omit<JobView, "result"> | null> {
  const job = await readJob({ db: opts.db, orgId: opts.actor.orgId, jobId: opts.jobId, withPayload: true });
  if (!job || !USER_JOB_KINDS.has(job.kind)) return null;
  const payload = job.payload as { userId?: string; ownerId?: string } | null;
  if ((payload?.userId ?? payload?.ownerId) !== opts.actor.userId) return null;
  const { result: _result, payload: _payload, ...rest } = job;
  return rest;
}
