import { and, eq } from "drizzle-orm";
import { z } from "zod";
import type { Db } from "@/db/client";
import { runnerJobs } from "@/db/schema";
import { AppError } from "../errors/app-error";
import type { AuthenticatedRunner } from "../runners/authenticate-runner";
import { jobSubject } from "./job-events";
import { scmOperations } from "./operations";
import { recordEvents, type ScmEventInput } from "./record-event";

const runnerEventSchema = z.object({
  /** The runner-side stage: a provider call (`provider.identify`), a check, `git.ls_remote`... */
  stage: z.string().regex(/^[a-z0-9_.:-]{1,64}$/, "a lower-case identifier"),
  outcome: z.enum(["started", "succeeded", "failed"]),
  errorCode: z.string().max(64).nullable().optional(),
  durationMs: z.number().int().min(0).max(86_400_000).optional(),
  /** The provider's HTTP status; null when no answer came (DNS, connection, timeout). */
  providerStatus: z.number().int().min(100).max(599).nullable().optional(),
  /** The provider's own error identifier (an OAuth `error`, `Bad credentials`, an errno). */
  providerError: z.string().max(200).nullable().optional(),
  retryAfterSeconds: z.number().int().min(0).max(86_400).optional(),
  /** User-safe text written by the runner; redacted again here. */
  message: z.string().max(1000).optional(),
  at: z.string().datetime().optional(),
});

/**
 * `POST /api/runner/v1/events`: stages the runner went through, with the provider's status,
 * for Diagnostics. With `jobId` they join that job's timeline (its correlation id, user, host);
 * without one (a refresh, a git operation in an environment) they name operation, host and user.
 */
export const runnerEventsRequestSchema = z
  .object({
    jobId: z.string().uuid().optional(),
    operation: z.enum(scmOperations).optional(),
    host: z.string().max(260).optional(),
    userId: z.string().uuid().optional(),
    events: z.array(runnerEventSchema).min(1).max(20),
  })
  .refine((b) => b.jobId || b.operation, { message: "Give the job the events belong to, or the operation", path: ["operation"] });
export type RunnerEventsRequest = z.infer<typeof runnerEventsRequestSchema>;

/** A runner-given time when it is plausible; the plane's clock otherwise. */
function plausibleTime(at: string | undefined): Date | undefined {
  if (!at) return undefined;
  const ms = Date.parse(at);
  return Math.abs(Date.now() - ms) <= 3_600_000 ? new Date(ms) : undefined;
}

/**
 * Records a runner's events. A runner reports only about its own jobs (another runner's job id is
 * `not_found`), and every field is checked and redacted as any other event's: a runner cannot put
 * a secret into the trail even by mistake.
 */
export async function recordRunnerEvents(opts: { db: Db; runner: AuthenticatedRunner; body: RunnerEventsRequest }): Promise<{ recorded: number }> {
  let base: Omit<ScmEventInput, "stage" | "outcome">;
  if (opts.body.jobId) {
    const [job] = await opts.db
      .select()
      .from(runnerJobs)
      .where(and(eq(runnerJobs.id, opts.body.jobId), eq(runnerJobs.runnerId, opts.runner.id)));
    if (!job) throw new AppError("not_found");
    const { detail, ...subject } = jobSubject(job);
    base = { orgId: job.orgId, jobId: job.id, correlationId: job.correlationId, ...subject, detail: { ...detail, attempt: job.attempts } };
  } else {
    base = { orgId: opts.runner.orgId, operation: opts.body.operation!, host: opts.body.host ?? null, userId: opts.body.userId ?? null, correlationId: null, detail: {} };
  }
  const events: ScmEventInput[] = opts.body.events.map((e) => ({
    ...base,
    actorType: "runner",
    actorId: null,
    runnerId: opts.runner.id,
    stage: e.stage,
    outcome: e.outcome,
    errorCode: e.errorCode ?? null,
    durationMs: e.durationMs ?? null,
    at: plausibleTime(e.at),
    detail: {
      ...base.detail,
      ...(e.providerStatus !== undefined ? { providerStatus: e.providerStatus } : {}),
      ...(e.providerError ? { providerError: e.providerError } : {}),
      ...(e.retryAfterSeconds !== undefined ? { retryAfterSeconds: e.retryAfterSeconds } : {}),
      ...(e.message ? { message: e.message } : {}),
    },
  }));
  const ok = await recordEvents(opts.db, events);
  return { recorded: ok ? events.length : 0 };
}
