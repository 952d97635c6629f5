import { Badge } from "@/components/ui/badge";
import type { Runner } from "@/db/schema";
import { isolationKey, isolationLabels } from "@/lib/runners/isolation";

const tones = { os_user: "green", none: "yellow", unknown: "gray" } as const;

/**
 * A runner's isolation in words: whether each environment has an OS user of its own. `full`
 * gives the whole sentence (what it means for credentials), otherwise a badge with the sentence
 * for screen readers and as a tooltip.
 */
export function IsolationBadge({ isolation, sharedUse, full }: { isolation: Runner["isolation"]; sharedUse: boolean; full?: boolean }) {
  const key = isolationKey(isolation);
  const label = isolationLabels[key];
  const shared = key !== "os_user" && sharedUse;
  if (full) {
    return (
      <span className="flex flex-col items-start gap-1" data-isolation={key}>
        <Badge tone={tones[key]}>{label.short}</Badge>
        <span className="text-gray-900">{label.text}</span>
        {shared ? <span className="text-gray-800">Shared use is on: several people&apos;s environments may run here.</span> : null}
      </span>
    );
  }
  return (
    <span className="flex flex-wrap items-center gap-1" data-isolation={key} title={label.text}>
      <Badge tone={tones[key]}>
        {label.short}
        <span className="sr-only">: {label.text.split(": ")[1]}</span>
      </Badge>
      {shared ? <Badge tone="yellow">Shared use</Badge> : null}
    </span>
  );
}
