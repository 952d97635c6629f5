import type { EnvironmentState } from "@/lib/environments/environment-state";

/**
 * What the runner is doing now, for an environment being created or deleted, announced politely:
 * rendered by the state card itself until its live part has loaded, then by the live part with the
 * runner's latest stage.
 */
export function EnvironmentStateProgress({ status, progress }: { status: EnvironmentState; progress: string | null }) {
  return (
    <p role="status" className="mt-2 flex items-center gap-2 text-sm text-gray-800">
      <span aria-hidden="true" className="h-3.5 w-3.5 animate-spin rounded-full border-2 border-current border-t-transparent" />
      {status === "deleting" ? "Deleting…" : progress ? `Creating: ${progress.replace(/[_-]+/g, " ")}…` : "Creating…"}
    </p>
  );
}
