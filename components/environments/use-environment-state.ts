"use client";

import { useQuery } from "@tanstack/react-query";
import { fetchLive, LiveRequestError } from "@/components/query/fetch-live";
import { queryKeys } from "@/components/query/keys";
import type { EnvironmentState } from "@/lib/environments/environment-state";

/** What `/api/environments/{id}` answers. */
export type EnvironmentSnapshot = { id: string; status: EnvironmentState; progress: string | null; errorCode: string | null };

/** How often an environment being deleted is asked about: the runner removes a clone in moments. */
export const ENVIRONMENT_POLL_MS = 1_500;

/**
 * Follows an environment while `follow` is set (being created or deleted) until its state changes
 * from `from`; stops on an error (a 404 means it is gone for this person, and is not retried).
 * The key holds `from`, so an answer about an earlier state is never taken for this one.
 */
export function useEnvironmentState(id: string, from: EnvironmentState, follow: boolean) {
  return useQuery<EnvironmentSnapshot, LiveRequestError>({
    queryKey: queryKeys.environments.leaving(id, from),
    queryFn: ({ signal }) => fetchLive<EnvironmentSnapshot>(`/api/environments/${encodeURIComponent(id)}`, signal),
    enabled: follow,
    refetchInterval: (query) => (query.state.error || (query.state.data && query.state.data.status !== from) ? false : ENVIRONMENT_POLL_MS),
  });
}
