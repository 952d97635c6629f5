"use client";

import { useRouter } from "next/navigation";
import { useEffect, useRef } from "react";
import { LiveQueryProvider } from "@/components/query/live-query-provider";
import { useToast } from "@/components/ui/toast";
import type { EnvironmentState } from "@/lib/environments/environment-state";
import { EnvironmentStateProgress } from "./environment-state-progress";
import { useEnvironmentState } from "./use-environment-state";

type Props = { environmentId: string; status: EnvironmentState; progress: string | null };

/**
 * The live part of the state card, in a chunk of its own (with react-query), loaded only while the
 * environment is being created or deleted: it follows the environment, shows the runner's latest
 * stage, and when the state changes reloads the page (a clone ended) or, once deleted, takes the
 * person back to the list, which no longer shows it.
 */
export function LiveEnvironmentState(props: Props) {
  return (
    <LiveQueryProvider>
      <LiveState {...props} />
    </LiveQueryProvider>
  );
}

function LiveState({ environmentId, status, progress }: Props) {
  const router = useRouter();
  const toast = useToast();
  const live = useEnvironmentState(environmentId, status, true);
  const changed = live.isError || (live.data !== undefined && live.data.status !== status);
  // Once per state shown: the page re-renders with the new state after a refresh, and follows it in turn.
  const handled = useRef<EnvironmentState | null>(null);
  useEffect(() => {
    if (!changed || handled.current === status) return;
    handled.current = status;
    if (status === "deleting") {
      toast.show({ tone: "success", title: "Environment deleted", body: "The runner removed its clone and OS user." });
      router.push("/environments");
    } else router.refresh();
  }, [changed, status, router, toast]);
  return changed ? null : <EnvironmentStateProgress status={status} progress={live.data?.progress ?? progress} />;
}
