/** Delay before retry `attempt` (1-based): 2 s, 4 s, 8 s ... capped at 5 minutes, with ±20 % jitter. */
export function retryDelayMs(attempt: number, random = Math.random): number {
  const base = Math.min(2_000 * 2 ** Math.max(0, attempt - 1), 300_000);
  return Math.round(base * (0.8 + 0.4 * random()));
}
