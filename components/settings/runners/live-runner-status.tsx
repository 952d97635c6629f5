"use client";

import { LiveQueryProvider } from "@/components/query/live-query-provider";
import type { LiveRunner } from "./live-runner";
import { RunnerStatus } from "./runner-status";
import { useLiveRunner } from "./use-runner-status";

type Props = { initial: LiveRunner; renderedAt: string };

/** One runner's badge following its own status query (loaded after hydration by `RunnerStatusBadge`). */
export function LiveRunnerStatus(props: Props) {
  return (
    <LiveQueryProvider>
      <LiveStatus {...props} />
    </LiveQueryProvider>
  );
}

function LiveStatus({ initial, renderedAt }: Props) {
  const { runner, now } = useLiveRunner(initial, renderedAt);
  return <RunnerStatus runner={runner} now={now} initialKeyId={initial.keyId} />;
}
