"use client";

import { lazy, Suspense } from "react";
import type { LiveRunner } from "./live-runner";
import { RunnerStatus } from "./runner-status";
import { useShownRunner } from "./shown-runners";

/**
 * A badge's own status query (outside a list page), in a chunk of its own with react-query: the
 * server's HTML already shows the status, so the browser loads it after hydration. `React.lazy`
 * rather than `next/dynamic`, which would preload the chunk with the page's scripts.
 */
const LiveRunnerStatus = lazy(() => import("./live-runner-status").then((m) => ({ default: m.LiveRunnerStatus })));

type Props = { initial: LiveRunner; renderedAt: string };

/**
 * A runner's status with when it was last seen, kept current while the page is open: from the
 * shown runners' one query on a list page, else from its own. When the runner registers or
 * re-keys, the page is refreshed so everything that depends on its key (fingerprint, sealing
 * secrets in forms) follows.
 */
export function RunnerStatusBadge({ initial, renderedAt }: Props) {
  const shown = useShownRunner(initial, renderedAt);
  if (shown) return <RunnerStatus runner={shown.runner} now={shown.now} initialKeyId={initial.keyId} />;
  return (
    <Suspense fallback={<RunnerStatus runner={initial} now={renderedAt} initialKeyId={initial.keyId} />}>
      <LiveRunnerStatus initial={initial} renderedAt={renderedAt} />
    </Suspense>
  );
}
