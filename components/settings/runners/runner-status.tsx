"use client";

import { useRouter } from "next/navigation";
import { useEffect, useRef } from "react";
import { Badge } from "@/components/ui/badge";
import { formatAgo } from "@/components/ui/format-time";
import type { LiveRunner } from "./live-runner";

const labels = {
  online: { tone: "green", text: "Online" },
  offline: { tone: "red", text: "Offline" },
  unregistered: { tone: "yellow", text: "Never registered" },
} as const;

/** The badge for a runner's state as of `now`; refreshes the page once its key is no longer `initialKeyId`. */
export function RunnerStatus({ runner, now, initialKeyId }: { runner: LiveRunner; now: string; initialKeyId: string | null }) {
  const router = useRouter();
  const keyId = useRef(initialKeyId);
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
