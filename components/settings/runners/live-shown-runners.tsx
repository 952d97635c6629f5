"use client";

import { useEffect } from "react";
import { LiveQueryProvider } from "@/components/query/live-query-provider";
import type { RunnersSnapshot } from "./live-runner";
import { useShownRunnersStatus } from "./use-runner-status";

type Props = { ids: string[]; onSnapshot: (snapshot: RunnersSnapshot) => void };

/** The shown runners' status query (loaded after hydration by `ShownRunnersProvider`); renders nothing, hands each answer up. */
export function LiveShownRunners(props: Props) {
  return (
    <LiveQueryProvider>
      <ShownRunnersQuery {...props} />
    </LiveQueryProvider>
  );
}

function ShownRunnersQuery({ ids, onSnapshot }: Props) {
  const snapshot = useShownRunnersStatus(ids);
  useEffect(() => onSnapshot(snapshot), [snapshot, onSnapshot]);
  return null;
}
