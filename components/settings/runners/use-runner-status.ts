"use client";

import { useQuery } from "@tanstack/react-query";
import type { LiveRunner } from "./live-runner";

export type RunnersSnapshot = { now: string; runners: LiveRunner[] };

/** How often open runner pages ask whether runners came online, went offline or re-keyed. */
export const RUNNER_STATUS_POLL_MS = 10_000;

async function fetchStatuses({ signal }: { signal: AbortSignal }): Promise<RunnersSnapshot> {
  const res = await fetch("/api/runners/status", { signal, cache: "no-store" });
  if (!res.ok) throw new Error(`runner status ${res.status}`);
  return (await res.json()) as RunnersSnapshot;
}

/**
 * One runner's live state: starts from what the server rendered, then follows the organization's
 * runner list (one request per page, however many runners it shows), polled every 10 seconds.
 */
export function useLiveRunner(initial: LiveRunner, renderedAt: string): { runner: LiveRunner; now: string } {
  const query = useQuery({
    queryKey: ["runners", "status"],
    queryFn: fetchStatuses,
    initialData: { now: renderedAt, runners: [initial] },
    initialDataUpdatedAt: new Date(renderedAt).getTime(),
    refetchInterval: (q) => (q.state.error ? false : RUNNER_STATUS_POLL_MS),
  });
  const live = query.data.runners.find((r) => r.id === initial.id) ?? initial;
  return { runner: live, now: query.data.now };
}
