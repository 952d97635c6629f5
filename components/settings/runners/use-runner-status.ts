"use client";

import { useQuery } from "@tanstack/react-query";
import { createContext, createElement, useContext, type ReactNode } from "react";
import { fetchLive, type LiveRequestError } from "@/components/query/fetch-live";
import { queryKeys } from "@/components/query/keys";
import { LiveQueryProvider } from "@/components/query/live-query-provider";
import type { LiveRunner } from "./live-runner";

export type RunnersSnapshot = { now: string; runners: LiveRunner[] };

/** How often open runner pages ask whether runners came online, went offline or re-keyed. */
export const RUNNER_STATUS_POLL_MS = 10_000;

/** Nothing newer than what the server rendered yet. */
const NOTHING_YET: RunnersSnapshot = { now: "", runners: [] };

/**
 * The runners' state every 10 seconds, starting from what the server rendered (counted as fresh
 * for one interval, so the page does not ask again as soon as it loads); stops on an error.
 */
function useStatusQuery(queryKey: readonly unknown[], ids: string[], enabled: boolean, initialData: RunnersSnapshot) {
  return useQuery<RunnersSnapshot, LiveRequestError>({
    queryKey,
    queryFn: ({ signal }) => fetchLive<RunnersSnapshot>(`/api/runners/status?${new URLSearchParams({ ids: ids.join(",") })}`, signal),
    enabled,
    initialData,
    staleTime: RUNNER_STATUS_POLL_MS,
    refetchInterval: (query) => (query.state.error ? false : RUNNER_STATUS_POLL_MS),
  });
}

const ShownRunners = createContext<{ ids: string[]; snapshot: RunnersSnapshot } | null>(null);

function ShownRunnersQuery({ ids, children }: { ids: string[]; children?: ReactNode }) {
  const { data } = useStatusQuery(queryKeys.runners.shownStatus(ids), ids, ids.length > 0, NOTHING_YET);
  return createElement(ShownRunners.Provider, { value: { ids, snapshot: data } }, children);
}

/**
 * The runners a page shows (its page of the list): one status query for all of them, asking about
 * those runners only, shared by their badges. Without it, a badge follows its own runner.
 */
export function ShownRunnersProvider({ ids, children }: { ids: string[]; children?: ReactNode }) {
  return createElement(LiveQueryProvider, null, createElement(ShownRunnersQuery, { ids }, children));
}

/**
 * One runner's live state: what the server rendered, or the shown runners' status (one request per
 * page, however many runners it shows) once that is newer. After a page refresh, the new render
 * wins over an older answer still in the cache.
 */
export function useLiveRunner(initial: LiveRunner, renderedAt: string): { runner: LiveRunner; now: string } {
  const shown = useContext(ShownRunners);
  const inShown = shown !== null && shown.ids.includes(initial.id);
  const own = useStatusQuery(queryKeys.runners.status(initial.id), [initial.id], !inShown, { now: renderedAt, runners: [initial] });
  const snapshot = inShown ? shown.snapshot : own.data;
  const live = snapshot.now > renderedAt ? snapshot.runners.find((r) => r.id === initial.id) : undefined;
  return live ? { runner: live, now: snapshot.now } : { runner: initial, now: renderedAt };
}
