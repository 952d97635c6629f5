"use client";

import { createContext, createElement, useContext, type ReactNode } from "react";
import { usePoll } from "@/components/ui/use-poll";
import type { LiveRunner } from "./live-runner";

export type RunnersSnapshot = { now: string; runners: LiveRunner[] };

/** How often open runner pages ask whether runners came online, went offline or re-keyed. */
export const RUNNER_STATUS_POLL_MS = 10_000;

async function fetchStatuses(ids: string[], signal: AbortSignal): Promise<RunnersSnapshot> {
  const res = await fetch(`/api/runners/status?${new URLSearchParams({ ids: ids.join(",") })}`, { signal, cache: "no-store" });
  if (!res.ok) throw new Error(`runner status ${res.status}`);
  return (await res.json()) as RunnersSnapshot;
}

/** Nothing newer than what the server rendered yet. */
const NOTHING_YET: RunnersSnapshot = { now: "", runners: [] };

function useStatusPoll(key: string | null, ids: string[], initialData: RunnersSnapshot) {
  return usePoll<RunnersSnapshot>({
    key,
    fetch: (signal) => fetchStatuses(ids, signal),
    interval: ({ error }) => (error ? false : RUNNER_STATUS_POLL_MS),
    initialData,
  });
}

const ShownRunners = createContext<{ ids: string[]; snapshot: RunnersSnapshot } | null>(null);

/**
 * The runners a page shows (its page of the list): one status poll for all of them, asking about
 * those runners only, shared by their badges. Without it, a badge polls for its own runner.
 */
export function ShownRunnersProvider({ ids, children }: { ids: string[]; children: ReactNode }) {
  const { data } = useStatusPoll(ids.length > 0 ? `shown:${ids.join(",")}` : null, ids, NOTHING_YET);
  return createElement(ShownRunners.Provider, { value: { ids, snapshot: data ?? NOTHING_YET } }, children);
}

/**
 * One runner's live state: starts from what the server rendered, then follows the shown runners'
 * status (one request per page, however many runners it shows), polled every 10 seconds.
 */
export function useLiveRunner(initial: LiveRunner, renderedAt: string): { runner: LiveRunner; now: string } {
  const shown = useContext(ShownRunners);
  const inShown = shown !== null && shown.ids.includes(initial.id);
  const own = useStatusPoll(inShown ? null : `own:${initial.id}`, [initial.id], { now: renderedAt, runners: [initial] });
  const snapshot = inShown ? shown.snapshot : (own.data ?? NOTHING_YET);
  const live = snapshot.runners.find((r) => r.id === initial.id);
  return live ? { runner: live, now: snapshot.now } : { runner: initial, now: renderedAt };
}
