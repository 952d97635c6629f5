"use client";

import { useQuery } from "@tanstack/react-query";
import { fetchLive, LiveRequestError } from "@/components/query/fetch-live";
import { queryKeys } from "@/components/query/keys";
import type { WithErrorDescriptions } from "@/lib/errors/error-description";
import type { JobStatusView } from "@/lib/integrations/read-job-status";

/** Polling interval while a job runs: quick enough to show each check as it starts. */
export const JOB_POLL_MS = 700;

/** A failed status request, with the catalogue code the server answered (or `internal_error`). */
export { LiveRequestError as JobStatusError };

/** Follows a runner job (Save & Test) until it is done; the server cancels it at its deadline. */
export function useJobStatus(jobId: string | null) {
  return useQuery<WithErrorDescriptions<JobStatusView>, LiveRequestError>({
    queryKey: queryKeys.jobs.detail(jobId ?? ""),
    queryFn: ({ signal }) => fetchLive<WithErrorDescriptions<JobStatusView>>(`/api/jobs/${encodeURIComponent(jobId!)}`, signal),
    enabled: jobId !== null,
    refetchInterval: (query) => (query.state.data?.done || query.state.error ? false : JOB_POLL_MS),
  });
}
