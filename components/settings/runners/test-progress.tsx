"use client";

import { ErrorAlertView } from "@/components/ui/error-alert-view";
import { cn } from "@/components/ui/cn";
import type { ErrorDescription, ErrorDescriptions } from "@/lib/errors/error-description";
import { internalError } from "@/lib/errors/internal-error";
import type { TestOutcome } from "@/lib/integrations/test-outcome";

const checkLabels = { reachable: "Reaching host", api: "Checking API", oauth_client: "Checking OAuth client" } as const;
type CheckId = keyof typeof checkLabels;

type RowState = "waiting" | "running" | "passed" | "failed" | "skipped";
type Row = { id: CheckId; state: RowState; code?: string | null; durationMs?: number };

function rowsOf(outcome: TestOutcome, oauthEnabled: boolean): Row[] {
  const ids: CheckId[] = oauthEnabled ? ["reachable", "api", "oauth_client"] : ["reachable", "api"];
  if (outcome.done) {
    // The runner stops at the first failing check; the ones after it did not run.
    return ids.map((id) => {
      const c = outcome.checks.find((x) => x.id === id);
      return c ? { id, state: c.ok ? "passed" : "failed", code: c.code, durationMs: c.durationMs } : { id, state: "skipped" };
    });
  }
  const current = outcome.stage && outcome.stage in checkLabels ? ids.indexOf(outcome.stage as CheckId) : -1;
  return ids.map((id, i) => ({ id, state: i < current ? "passed" : i === current ? "running" : "waiting" }));
}

function summaryOf(outcome: TestOutcome, describe: (code: string) => ErrorDescription): string {
  if (!outcome.done) {
    if (outcome.status === "pending") return "Waiting for the runner to pick up the test…";
    return outcome.stage && outcome.stage in checkLabels ? `${checkLabels[outcome.stage as CheckId]}…` : "The runner is testing…";
  }
  if (outcome.ok) return "All checks passed";
  if (outcome.errorCode) return `Test failed: ${describe(outcome.errorCode).title}`;
  const failed = outcome.checks.filter((c) => !c.ok).length;
  return `Test failed: ${failed} ${failed === 1 ? "check" : "checks"} did not pass`;
}

const marks = { waiting: "○", running: "◌", passed: "✓", failed: "✗", skipped: "–" } as const;
const stateText = { waiting: "Waiting", running: "In progress", passed: "Passed", failed: "Failed", skipped: "Not run" } as const;

/**
 * Save & Test as it happens: which check the runner is on, then each check's outcome or the typed
 * error, described by `errors` (sent by the server with the outcome).
 */
export function TestProgress({ outcome, errors, oauthEnabled, requestError }: { outcome: TestOutcome; errors: ErrorDescriptions; oauthEnabled: boolean; requestError?: { code: string; entry: ErrorDescription } | null }) {
  const describe = (code: string): ErrorDescription => errors[code] ?? internalError;
  const rows = rowsOf(outcome, oauthEnabled);
  const failures = outcome.checks.filter((c) => !c.ok && c.code);
  return (
    <section aria-labelledby="test-progress-heading" className="rounded-lg border border-gray-300 bg-white p-4" data-testid="test-progress" data-test-state={outcome.done ? (outcome.ok ? "passed" : "failed") : "running"}>
      <h2 id="test-progress-heading" className="text-base font-semibold text-gray-900">
        Save &amp; Test
      </h2>
      <p role="status" className={cn("mt-1 text-sm font-medium", outcome.done ? (outcome.ok ? "text-green-800" : "text-red-800") : "text-gray-800")}>
        {!outcome.done ? <span aria-hidden="true" className="mr-2 inline-block h-3 w-3 animate-spin rounded-full border-2 border-current border-t-transparent align-[-1px]" /> : null}
        {summaryOf(outcome, describe)}
      </p>
      <ol className="mt-3 flex flex-col gap-1 text-sm" aria-label="Checks">
        {rows.map((r) => (
          <li key={r.id} className="flex items-center gap-2" data-check={r.id} data-check-state={r.state}>
            <span aria-hidden="true" className={cn("w-4 text-center font-bold", r.state === "passed" ? "text-green-700" : r.state === "failed" ? "text-red-700" : "text-gray-600")}>
              {marks[r.state]}
            </span>
            <span className="text-gray-900">{checkLabels[r.id]}</span>
            <span className="text-gray-700">
              — {stateText[r.state]}
              {r.state === "failed" && r.code ? `: ${describe(r.code).title}` : ""}
              {r.durationMs !== undefined ? ` (${r.durationMs} ms)` : ""}
            </span>
          </li>
        ))}
      </ol>
      {outcome.done && outcome.errorCode ? (
        <div className="mt-3">
          <ErrorAlertView code={outcome.errorCode} entry={describe(outcome.errorCode)} />
        </div>
      ) : null}
      {outcome.done && !outcome.errorCode && failures.length > 0 ? (
        <div className="mt-3 flex flex-col gap-2">
          {failures.map((c) => (
            <ErrorAlertView key={c.id} code={c.code!} entry={describe(c.code!)} />
          ))}
        </div>
      ) : null}
      {requestError ? (
        <div className="mt-3">
          <ErrorAlertView code={requestError.code} entry={requestError.entry} message="Could not follow the test's progress" />
        </div>
      ) : null}
    </section>
  );
}
