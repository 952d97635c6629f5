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

/** The status route's answer: the runners asked about, as of the server's `now`. */
export type RunnersSnapshot = { now: string; runners: LiveRunner[] };

/** Nothing newer than what the server rendered yet. */
export const NOTHING_YET: RunnersSnapshot = { now: "", runners: [] };

/** A server-rendered runner as the live badge starts from. */
export function liveRunnerOf(r: RunnerSummary): LiveRunner {
  return { id: r.id, status: r.status, lastSeenAt: r.lastSeenAt?.toISOString() ?? null, version: r.version, keyId: r.keyId, fingerprint: r.fingerprint };
}

/**
 * One runner as a snapshot shows it when the snapshot is newer than the page's render, else as
 * the server rendered it: after a page refresh, the new render wins over an older answer.
 */
export function runnerIn(snapshot: RunnersSnapshot, initial: LiveRunner, renderedAt: string): { runner: LiveRunner; now: string } {
  const live = snapshot.now > renderedAt ? snapshot.runners.find((r) => r.id === initial.id) : undefined;
  return live ? { runner: live, now: snapshot.now } : { runner: initial, now: renderedAt };
}
