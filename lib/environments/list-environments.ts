import { and, desc, eq } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { environments, runnerJobs, runners } from "@/db/schema";
import type { Actor } from "../users/actor";

export type EnvironmentView = {
  id: string;
  name: string;
  repoUrl: string;
  host: string;
  runnerName: string;
  branch: string | null;
  status: "creating" | "ready" | "failed";
  /** The clone's current stage while creating. */
  progress: string | null;
  errorCode: string | null;
  /** The clone job, whose progress the page follows while the environment is being created. */
  jobId: string | null;
  createdAt: Date;
};

/**
 * The actor's environments, newest first, with status derived from their clone job while it runs
 * (so a clone that failed or was abandoned by its runner shows as failed with its code).
 */
export async function listEnvironments(opts: { db: DbOrTx; actor: Actor; environmentId?: string }): Promise<EnvironmentView[]> {
  const rows = await opts.db
    .select({
      env: environments,
      runnerName: runners.name,
      jobStatus: runnerJobs.status,
      jobProgress: runnerJobs.progress,
      jobError: runnerJobs.errorCode,
    })
    .from(environments)
    .innerJoin(runners, eq(runners.id, environments.runnerId))
    .leftJoin(runnerJobs, eq(runnerJobs.id, environments.jobId))
    .where(and(eq(environments.orgId, opts.actor.orgId), eq(environments.ownerId, opts.actor.userId), opts.environmentId ? eq(environments.id, opts.environmentId) : undefined))
    .orderBy(desc(environments.createdAt))
    .limit(200);
  return rows.map(({ env, runnerName, jobStatus, jobProgress, jobError }) => {
    const failed = env.status === "failed" || (env.status !== "ready" && (jobStatus === "failed" || jobStatus === "cancelled"));
    return {
      id: env.id,
      name: env.name,
      repoUrl: env.repoUrl,
      host: env.host,
      runnerName,
      branch: env.branch,
      status: env.status === "ready" ? "ready" : failed ? "failed" : "creating",
      progress: env.status === "ready" ? null : jobProgress,
      errorCode: failed ? (env.errorCode ?? jobError) : null,
      jobId: env.jobId,
      createdAt: env.createdAt,
    };
  });
}
