import type { Runner } from "@/db/schema";

/** How a runner's isolation reads wherever it is shown (Settings > Runners, an environment's page). */
export const isolationLabels: Record<"os_user" | "none" | "unknown", { short: string; text: string }> = {
  os_user: { short: "Isolated", text: "Isolated: an OS user per environment" },
  none: { short: "Not isolated", text: "Not isolated: environments on this runner can read each other's credentials" },
  unknown: { short: "Isolation unknown", text: "Isolation unknown: the runner has not connected yet" },
};

/** The key of `isolationLabels` for a runner's reported isolation. */
export function isolationKey(isolation: Runner["isolation"]): keyof typeof isolationLabels {
  return isolation ?? "unknown";
}
