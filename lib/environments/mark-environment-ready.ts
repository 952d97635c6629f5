import { eq, sql } from "drizzle-orm";
import type { Tx } from "@/db/client";
import { environments, type RunnerJob } from "@/db/schema";
import { environmentCreatePayloadSchema, environmentCreateResultSchema } from "../git-auth/job-payloads";

/** Marks an environment ready when the runner reports the clone done (in the job's transaction). */
export async function markEnvironmentReady(tx: Tx, job: RunnerJob, result: unknown): Promise<void> {
  const payload = environmentCreatePayloadSchema.safeParse(job.payload);
  const parsed = environmentCreateResultSchema.safeParse(result);
  if (!payload.success) return;
  await tx
    .update(environments)
    .set({ status: "ready", readyAt: sql`now()`, branch: parsed.success ? parsed.data.branch : null, progress: null, errorCode: null })
    .where(eq(environments.id, payload.data.environmentId));
}
