"use client";

import { useQuery } from "@tanstack/react-query";
import { fetchLive, LiveRequestError } from "@/components/query/fetch-live";
import { queryKeys } from "@/components/query/keys";

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
export { LiveRequestError as ConnectionJobError };

/** Fast enough that "connected" shows right after the runner answers; light on the server. */
export const CONNECTION_JOB_POLL_MS = 800;

/** Whether a job has ended (succeeded, failed or cancelled at its deadline). */
export function isJobDone(job: ConnectionJob | undefined): boolean {
  return job !== undefined && job.status !== "pending" && job.status !== "running";
}

/**
 * Follows one of the person's own runner jobs (OAuth exchange, clone) until it ends; the server
 * cancels a job at its deadline, so polling always stops.
 */
export function useConnectionJob(jobId: string | null) {
  return useQuery<ConnectionJob, LiveRequestError>({
    queryKey: queryKeys.jobs.own(jobId ?? ""),
    queryFn: ({ signal }) => fetchLive<ConnectionJob>(`/api/git-auth/jobs/${encodeURIComponent(jobId!)}`, signal),
    enabled: jobId !== null,
    refetchInterval: (query) => (isJobDone(query.state.data) || query.state.error ? false : CONNECTION_JOB_POLL_MS),
  });
}
