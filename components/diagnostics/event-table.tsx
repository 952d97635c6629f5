import type { DiagnosticEvent } from "@/lib/diagnostics/search-events";

/** Who caused an event, in words. */
export function actorText(e: Pick<DiagnosticEvent, "actorType" | "actorEmail">): string {
  if (e.actorType === "user") return e.actorEmail ?? "a removed user";
  return e.actorType === "runner" ? "runner" : "plane";
}
