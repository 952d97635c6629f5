import { isServer, QueryClient } from "@tanstack/react-query";
import { retryTransient } from "./fetch-live";

/**
 * A client for live status: the polling interval is each query's own (it stops once what it follows
 * is final); a request that fails for a passing reason is retried a few times, a second apart, before
 * the error is shown: a redeploy or a dropped connection should not read as a failed job.
 */
export function makeQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        retry: retryTransient,
        retryDelay: 1_000,
        // The intervals keep open pages current; a focus or reconnect refetch would only repeat them.
        refetchOnWindowFocus: false,
        refetchOnReconnect: false,
      },
    },
  });
}

let browserClient: QueryClient | undefined;

/**
 * One client per browser tab, so the live parts of a page share one cache and a mutation in one
 * part invalidates what another shows; on the server a new one per render, so nothing is shared
 * between people.
 */
export function getQueryClient(): QueryClient {
  if (isServer) return makeQueryClient();
  browserClient ??= makeQueryClient();
  return browserClient;
}
