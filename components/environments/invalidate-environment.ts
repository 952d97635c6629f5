import { queryKeys } from "@/components/query/keys";

/**
 * After a change to an environment (deleted, its owner reconnected): what a live part shows about
 * it is stale and asked again at once. The query client is imported on demand, so the components
 * that call this bring no react-query into the environment page's first load; whenever a live part
 * is mounted the client is already loaded, and the import resolves at once.
 */
export function invalidateEnvironment(environmentId: string): Promise<void> {
  return import("@/components/query/invalidate").then(({ invalidateLive }) => invalidateLive(queryKeys.environments.detail(environmentId)));
}
