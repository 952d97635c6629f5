"use client";

import { useQuery } from "@tanstack/react-query";
import { fetchLive, type LiveRequestError } from "@/components/query/fetch-live";
import { queryKeys } from "@/components/query/keys";
import { NOTHING_YET, runnerIn, type LiveRunner, type RunnersSnapshot } from "./live-runner";

/** How often open runner pages ask whether runners came online, went offline or re-keyed. */
export const RUNNER_STATUS_POLL_MS = 10_000;

/**
 * The runners' state every 10 seconds, starting from what the server rendered (counted as fresh
 * for one interval, so the page does not ask again as soon as it loads); stops on an error.
 */
function useStatusQuery(queryKey: readonly unknown[], ids: string[], initialData: RunnersSnapshot) {
  return useQuery<RunnersSnapshot, LiveRequestError>({
    queryKey,
    queryFn: ({ signal }) => fetchLive<RunnersSnapshot>(`/api/runners/status?${new URLSearchParams({ ids: ids.join(",") })}`, signal),
    initialData,
    staleTime: RUNNER_STATUS_POLL_MS,
    refetchInterval: (query) => (query.state.error ? false : RUNNER_STATUS_POLL_MS),
  });
}

/** The state of the runners a page of the list shows, in one request for all of them. */
export function useShownRunnersStatus(ids: string[]): RunnersSnapshot {
  return useStatusQuery(queryKeys.runners.shownStatus(ids), ids, NOTHING_YET).data;
}

/** One runner's live state (a badge outside a list page): what the server rendered until the route says more. */
export function useLiveRunner(initial: LiveRunner, renderedAt: string): { runner: LiveRunner; now: string } {
  const own = useStatusQuery(queryKeys.runners.status(initial.id), [initial.id], { now: renderedAt, runners: [initial] });
  return runnerIn(own.data, initial, renderedAt);
}
