/** How a runner looks to admins: never registered, online (seen recently), or offline. */
export type RunnerStatus = "unregistered" | "online" | "offline";

/** Derives a runner's status from when it was last seen; `offlineAfterMs` is the grace period. */
export function runnerStatus(runner: { registeredAt: Date | null; lastSeenAt: Date | null }, offlineAfterMs: number, now = Date.now()): RunnerStatus {
  if (!runner.registeredAt) return "unregistered";
  if (runner.lastSeenAt && now - runner.lastSeenAt.getTime() <= offlineAfterMs) return "online";
  return "offline";
}
