import type { Diagnosis } from "@/lib/diagnostics/diagnose";
import { stageLabel } from "@/lib/diagnostics/operations";
import { describeError } from "@/lib/errors/catalogue";
import { troubleshootingHref } from "@/lib/errors/troubleshooting-href";

const causeLabels = {
  runner_offline: "No runner picked it up (runner offline)",
  provider_timeout: "Deadline: the provider did not answer in time",
  runner_stopped: "The runner was stopped mid-operation",
  runner_gone: "The runner went away mid-operation",
} as const;

/**
 * How an operation ended, and for a failure: where it stopped, why, what the provider said
 * (redacted, as recorded) next to our explanation and remedy for its code.
 */
export function DiagnosisCard({ diagnosis }: { diagnosis: Diagnosis }) {
  if (diagnosis.state !== "failed" || !diagnosis.code) {
    const tone = diagnosis.state === "succeeded" ? "border-green-700 bg-green-50 text-green-900" : "border-blue-300 bg-blue-50 text-blue-950";
    return (
      <section aria-labelledby="diagnosis-heading" className={`rounded-lg border p-4 text-sm ${tone}`} data-testid="diagnosis" data-state={diagnosis.state}>
        <h2 id="diagnosis-heading" className="font-semibold">
          Diagnosis
        </h2>
        <p className="mt-1">{diagnosis.summary}</p>
      </section>
    );
  }
  const entry = describeError(diagnosis.code);
  const providerFacts = [
    diagnosis.providerStatus ? `HTTP ${diagnosis.providerStatus}` : null,
    diagnosis.providerError ? `error “${diagnosis.providerError}”` : null,
  ].filter(Boolean);
  return (
    <section aria-labelledby="diagnosis-heading" className="rounded-lg border border-red-700 bg-white p-4 text-sm" data-testid="diagnosis" data-state="failed" data-error-code={diagnosis.code} data-cause={diagnosis.cause ?? undefined}>
      <h2 id="diagnosis-heading" className="text-base font-semibold text-gray-900">
        Diagnosis: {entry.title}
      </h2>
      <p className="mt-1 text-gray-900" data-testid="diagnosis-summary">
        {diagnosis.summary}
      </p>
      <dl className="mt-3 grid gap-x-6 gap-y-2 sm:grid-cols-[max-content_1fr]">
        <dt className="font-medium text-gray-700">Error code</dt>
        <dd>
          <a href={troubleshootingHref(diagnosis.code)} className="font-mono text-brand-700 underline">
            {diagnosis.code}
          </a>
        </dd>
        {diagnosis.stage ? (
          <>
            <dt className="font-medium text-gray-700">Stopped at</dt>
            <dd data-testid="diagnosis-stage">{stageLabel(diagnosis.stage)}</dd>
          </>
        ) : null}
        {diagnosis.cause ? (
          <>
            <dt className="font-medium text-gray-700">Why</dt>
            <dd data-testid="diagnosis-cause">{causeLabels[diagnosis.cause]}</dd>
          </>
        ) : null}
      </dl>
      <div className="mt-4 grid gap-4 md:grid-cols-2">
        <div className="rounded-md border border-gray-300 bg-gray-50 p-3">
          <h3 className="font-semibold text-gray-900">What the runner and provider reported</h3>
          {providerFacts.length > 0 || diagnosis.runnerMessage ? (
            <>
              {providerFacts.length > 0 ? <p className="mt-1 font-mono text-xs text-gray-900">{providerFacts.join(", ")}</p> : null}
              {diagnosis.runnerMessage ? <p className="mt-1 text-gray-900">{diagnosis.runnerMessage}</p> : null}
            </>
          ) : (
            <p className="mt-1 text-gray-700">Nothing: no answer from the provider was recorded.</p>
          )}
          <p className="mt-2 text-xs text-gray-600">Redacted when recorded: tokens, secrets and anything token-shaped never reach the trail.</p>
        </div>
        <div className="rounded-md border border-red-300 bg-red-50 p-3 text-red-950">
          <h3 className="font-semibold">What it means</h3>
          <p className="mt-1">{entry.explanation}</p>
          <h3 className="mt-2 font-semibold">What to do</h3>
          <p className="mt-1">{entry.remedy}</p>
        </div>
      </div>
    </section>
  );
}
