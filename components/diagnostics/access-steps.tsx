import { cn } from "@/components/ui/cn";
import { ErrorAlertView } from "@/components/ui/error-alert-view";
import { accessStepLabels } from "@/lib/diagnostics/access-step-ids";
import type { AccessStepView } from "@/lib/diagnostics/access-check-steps";
import type { ErrorDescriptions } from "@/lib/errors/error-description";
import { internalError } from "@/lib/errors/internal-error";
import { formatDuration } from "./format";

const marks = { passed: "✓", failed: "✗", skipped: "–", waiting: "○", running: "◌" } as const;
const words = { passed: "Passed", failed: "Failed", skipped: "Not run", waiting: "Waiting", running: "Checking…" } as const;

/**
 * Check access's steps, each green or red with its note, and the failed one's code and remedy
 * (from `errors`, the descriptions the server sent with the steps).
 */
export function AccessSteps({ steps, errors }: { steps: AccessStepView[]; errors: ErrorDescriptions }) {
  const failed = steps.find((s) => s.state === "failed");
  return (
    <div className="flex flex-col gap-3">
      <ol aria-label="Steps" className="flex flex-col gap-1.5 text-sm">
        {steps.map((s) => (
          <li key={s.id} className="flex items-start gap-2" data-step={s.id} data-step-state={s.state}>
            <span aria-hidden="true" className={cn("w-4 text-center font-bold", s.state === "passed" ? "text-green-700" : s.state === "failed" ? "text-red-700" : "text-gray-600")}>
              {marks[s.state]}
            </span>
            <span className="flex flex-col">
              <span>
                <span className="font-medium text-gray-900">{accessStepLabels[s.id]}</span>
                <span className={cn("ml-2", s.state === "passed" ? "text-green-800" : s.state === "failed" ? "text-red-800" : "text-gray-700")}>
                  {words[s.state]}
                  {s.code ? ` (${s.code})` : ""}
                  {s.durationMs !== null ? ` · ${formatDuration(s.durationMs)}` : ""}
                </span>
              </span>
              {s.note ? <span className="text-xs text-gray-700">{s.note}</span> : null}
            </span>
          </li>
        ))}
      </ol>
      {failed?.code ? <ErrorAlertView code={failed.code} entry={errors[failed.code] ?? internalError} /> : null}
    </div>
  );
}
