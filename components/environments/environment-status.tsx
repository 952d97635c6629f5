"use client";

import { lazy, Suspense } from "react";
import { SettledStatus, type StatusProps } from "./environment-status-view";

/**
 * The live status, in a chunk of its own (with react-query): the list's first load does without
 * it, and the server's HTML already shows the row's state and stage, so the browser loads it
 * after hydration and takes over from there. `React.lazy` rather than `next/dynamic`: the latter
 * preloads the chunk with the page's scripts, and its loading fallback cannot show the row.
 */
const LiveEnvironmentStatus = lazy(() => import("./live-environment-status").then((m) => ({ default: m.LiveEnvironmentStatus })));

/**
 * The status of one environment in the list: a settled one (ready, needs reconnect, owner
 * disabled, failed) as the server rendered it; one being created or deleted followed live until
 * it ends, when the list reloads. "Needs reconnect" links to the environment's page, where the
 * owner reconnects.
 */
export function EnvironmentStatus(props: StatusProps) {
  if (props.status !== "creating" && props.status !== "deleting") return <SettledStatus {...props} />;
  return (
    <Suspense fallback={<SettledStatus {...props} />}>
      <LiveEnvironmentStatus {...props} />
    </Suspense>
  );
}
