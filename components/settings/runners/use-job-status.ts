"use client";

import { usePoll } from "@/components/ui/use-poll";
import type { ErrorCode } from "@/lib/errors/catalogue";
import type { JobStatusView } from "@/lib/integrations/read-job-status";

/** Polling interval while a job runs: quick enough to show each check as it starts. */
const POLL_MS = 700;

/** A failed status request, with the catalogue code the server answered (or `internal_error`). */
export class JobStatusError extends Error {
  constructor(readonly code: ErrorCode | string) {
    super(code);
  }
}

async function fetchJob(jobId: string, signal: AbortSignal): Promise<JobStatusView> {
  const res = await fetch(`/api/jobs/${jobId}`, { signal, cache: "no-store" });
  const body = (await res.json().catch(() => null)) as (JobStatusView & { error?: { code?: string } }) | null;
  if (!res.ok || !body) throw new JobStatusError(body?.error?.code ?? "internal_error");
  return body;
}

/** Follows a runner job (Save & Test) until it is done; the server cancels it at its deadline. */
export function useJobStatus(jobId: string | null) {
  return usePoll<JobStatusView, JobStatusError>({
    key: jobId,
    fetch: (signal) => fetchJob(jobId!, signal),
    interval: ({ data, error }) => (data?.done || error ? false : POLL_MS),
  });
}
