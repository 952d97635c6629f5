import type { QueryKey } from "@tanstack/react-query";
import { getQueryClient } from "./client";

/**
 * After a mutation that changes what a live part shows: everything under `queryKey` is stale, and
 * what is on screen is asked again at once instead of at its next interval. Callable from any
 * event handler, inside a live part or not (the tab has one client).
 */
export function invalidateLive(queryKey: QueryKey): Promise<void> {
  return getQueryClient().invalidateQueries({ queryKey });
}
