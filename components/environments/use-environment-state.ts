"use client";

import { usePoll } from "@/components/ui/use-poll";
import type { EnvironmentState } from "@/lib/environments/environment-state";

/** What `/api/environments/{id}` answers. */
export type EnvironmentSnapshot = { id: string; status: EnvironmentState; progress: string | null; errorCode: string | null };

/** How often an environment being deleted is asked about: the runner removes a clone in moments. */
export const ENVIRONMENT_POLL_MS = 1_500;

class EnvironmentPollError extends Error {
  constructor(readonly status: number) {
    super(`environment status ${status}`);
  }
}

async function fetchEnvironment(id: string, signal: AbortSignal): Promise<EnvironmentSnapshot> {
  const res = await fetch(`/api/environments/${encodeURIComponent(id)}`, { signal, cache: "no-store" });
  if (!res.ok) throw new EnvironmentPollError(res.status);
  return (await res.json()) as EnvironmentSnapshot;
}

/**
 * Follows an environment while `follow` is set (being deleted) until its state changes from
 * `from`; stops on an error (a 404 means it is gone for this person).
 */
export function useEnvironmentState(id: string, from: EnvironmentState, follow: boolean) {
  return usePoll<EnvironmentSnapshot, EnvironmentPollError>({
    key: follow ? `${id}:${from}` : null,
    fetch: (signal) => fetchEnvironment(id, signal),
    interval: ({ data, error }) => (error || (data && data.status !== from) ? false : ENVIRONMENT_POLL_MS),
  });
}
