"use client";

import { useQuery } from "@tanstack/react-query";
import { createContext, createElement, useContext, type ReactNode } from "react";
import type { LiveRunner } from "./live-runner";

export type RunnersSnapshot = { now: string; runners: LiveRunner[] };

/** How often open runner pages ask whether runners came online, went offline or re-keyed. */
export const RUNNER_STATUS_POLL_MS = 10_000;

async function fetchStatuses(ids: string[], signal: AbortSignal): Promise<RunnersSnapshot> {
  const res = await fetch(`/api/runners/status?${new URLSearchParams({ ids: ids.join(",") })}`, { signal, cache: "no-store" });
  if (!res.ok) throw new Error(`runner status ${res.status}`);
  return (await res.json()) as RunnersSnapshot;
}

const ShownRunners = createContext<string[] | null>(null);

/**
 * The runners a page shows (its page of the list), so that their badges share one status poll
 * asking about those runners only. Without it, a badge polls for its own runner.
 */
export function ShownRunnersProvider({ ids, children }: { ids: string[]; children: ReactNode }) {
  return createElement(ShownRunners.Provider, { value: ids }, children);
}

/**
 * One runner's live state: starts from what the server rendered, then follows the shown runners'
 * status (one request per page, however many runners it shows), polled every 10 seconds.
 */
export function useLiveRunner(initial: LiveRunner, renderedAt: string): { runner: LiveRunner; now: string } {
  const shown = useContext(ShownRunners);
  const ids = shown && shown.includes(initial.id) ? shown : [initial.id];
  const query = useQuery({
    queryKey: ["runners", "status", ids.join(",")],
    queryFn: ({ signal }) => fetchStatuses(ids, signal),
    initialData: { now: renderedAt, runners: [initial] },
    initialDataUpdatedAt: new Date(renderedAt).getTime(),
    refetchInterval: (q) => (q.state.error ? false : RUNNER_STATUS_POLL_MS),
  });
  const live = query.data.runners.find((r) => r.id === initial.id) ?? initial;
  return { runner: live, now: query.data.now };
}
