import { Badge } from "@/components/ui/badge";
import type { ScmEventOutcome } from "@/db/schema";

const tones = { started: "blue", succeeded: "green", failed: "red", cancelled: "yellow", refused: "yellow" } as const;
const labels = { started: "Started", succeeded: "Succeeded", failed: "Failed", cancelled: "Cancelled", refused: "Refused" } as const;

/** An event's outcome as a coloured badge (the word itself carries the meaning, not the colour). */
export function OutcomeBadge({ outcome }: { outcome: ScmEventOutcome }) {
  return <Badge tone={tones[outcome]}>{labels[outcome]}</Badge>;
}
