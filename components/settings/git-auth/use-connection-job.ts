"use client";

import { usePoll } from "@/components/ui/use-poll";

/** What `/api/git-auth/jobs/{id}` answers about one of the person's own jobs. */
export type ConnectionJob = {
  id: string;
  kind: string;
  status: "pending" | "running" | "succeeded" | "failed" | "cancelled";
  progress: string | null;
  error: { code: string; title: string; explanation: string; remedy: string } | null;
  finishedAt: string | null;
};

/** A status request that failed (the job is not this person's, or the server is unreachable). */
export class ConnectionJobError extends Error {
  constructor(readonly code: string) {
    super(code);
  }
}

/** Fast enough that "connected" shows right after the runner answers; light on the server. */
const POLL_MS = 800;

/** Whether a job has ended (succeeded, failed or cancelled at its deadline). */
export function isJobDone(job: ConnectionJob | undefined): boolean {
  return job !== undefined && job.status !== "pending" && job.status !== "running";
}

async function fetchJob(jobId: string, signal: AbortSignal): Promise<ConnectionJob> {
  const res = await fetch(`/api/git-auth/jobs/${encodeURIComponent(jobId)}`, { signal, cache: "no-store" });
  const body = (await res.json().catch(() => null)) as (ConnectionJob & { error?: { code?: string } }) | null;
  if (!res.ok || !body) throw new ConnectionJobError(body?.error?.code ?? "internal_error");
  return body;
}

/**
 * Follows one of the person's own runner jobs (OAuth exchange, clone) until it ends; the server
 * cancels a job at its deadline, so polling always stops.
 */
export function useConnectionJob(jobId: string | null) {
  return usePoll<ConnectionJob, ConnectionJobError>({
    key: jobId,
    fetch: (signal) => fetchJob(jobId!, signal),
    interval: ({ data, error }) => (isJobDone(data) || error ? false : POLL_MS),
  });
}
