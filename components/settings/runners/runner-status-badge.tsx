"use client";

import { useRouter } from "next/navigation";
import { useEffect, useRef } from "react";
import { LiveQueryProvider } from "@/components/query/live-query-provider";
import { Badge } from "@/components/ui/badge";
import { formatAgo } from "@/components/ui/format-time";
import type { LiveRunner } from "./live-runner";
import { useLiveRunner } from "./use-runner-status";

const labels = {
  online: { tone: "green", text: "Online" },
  offline: { tone: "red", text: "Offline" },
  unregistered: { tone: "yellow", text: "Never registered" },
} as const;

/**
 * A runner's status with when it was last seen, kept current while the page is open. When the
 * runner registers or re-keys, the page is refreshed so everything that depends on its key
 * (fingerprint, sealing secrets in forms) follows.
 */
export function RunnerStatusBadge(props: { initial: LiveRunner; renderedAt: string }) {
  return (
    <LiveQueryProvider>
      <LiveBadge {...props} />
    </LiveQueryProvider>
  );
}

function LiveBadge({ initial, renderedAt }: { initial: LiveRunner; renderedAt: string }) {
  const { runner, now } = useLiveRunner(initial, renderedAt);
  const router = useRouter();
  const keyId = useRef(initial.keyId);
  useEffect(() => {
    if (runner.keyId !== keyId.current) {
      keyId.current = runner.keyId;
      router.refresh();
    }
  }, [runner.keyId, router]);
  const label = labels[runner.status];
  return (
    <span className="inline-flex flex-wrap items-center gap-2" data-runner-status={runner.status}>
      <Badge tone={label.tone}>{label.text}</Badge>
      {runner.lastSeenAt ? <span className="text-xs text-gray-700">Last seen {formatAgo(runner.lastSeenAt, now)}</span> : null}
    </span>
  );
}
