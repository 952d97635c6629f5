import type { RunnerSummary } from "@/lib/runners/list-runners";
import type { RunnerStatus } from "@/lib/runners/runner-status";

/** What the runner status route says about one runner (what the browser keeps current). */
export type LiveRunner = {
  id: string;
  status: RunnerStatus;
  lastSeenAt: string | null;
  version: string | null;
  keyId: string | null;
  fingerprint: string | null;
};

/** A server-rendered runner as the live badge starts from. */
export function liveRunnerOf(r: RunnerSummary): LiveRunner {
  return { id: r.id, status: r.status, lastSeenAt: r.lastSeenAt?.toISOString() ?? null, version: r.version, keyId: r.keyId, fingerprint: r.fingerprint };
}
