import Link from "next/link";
import { TBody, TD, TH, THead, Table } from "@/components/ui/table";
import type { DiagnosticOperation } from "@/lib/diagnostics/search-operations";
import { operationLabel, stageLabel } from "@/lib/diagnostics/operations";
import { ErrorCodeLink } from "./error-code-link";
import { formatDuration, formatUtc } from "./format";
import { OutcomeBadge } from "./outcome-badge";

const none = <span className="text-gray-600">—</span>;

/** Who acted, in words: a user's email, the runner (by name when known), or the plane on its own. */
export function operationActorText(op: Pick<DiagnosticOperation, "actor" | "runnerName">): string {
  if (op.actor.type === "user") return op.actor.email ?? "a removed user";
  if (op.actor.type === "runner") return op.runnerName ? `runner ${op.runnerName}` : "a runner";
  return "the plane (automatic)";
}

/** Whom the operation was for; "a removed user" when the person has since been deleted, null when it concerns no person. */
function subjectText(op: DiagnosticOperation): string | null {
  if (op.subjectEmail) return op.subjectEmail;
  return op.stages.some((e) => e.userId !== null) ? "a removed user" : null;
}

/** The stage that decided the outcome: the failed one, else the last. */
function decidingStage(op: DiagnosticOperation): string {
  return (op.stages.findLast((e) => e.outcome === op.outcome) ?? op.stages.at(-1))?.stage ?? "";
}

/**
 * Search results: one row per operation (everything under one correlation id), newest first. Its
 * stages open in place; the timeline link shows each stage's detail.
 */
export function OperationTable({ operations, caption }: { operations: DiagnosticOperation[]; caption: string }) {
  return (
    // relative: the screen-reader-only labels are positioned inside the scrolling container, not past the page edge.
    <Table caption={caption} className="relative">
      <THead>
        <tr>
          <TH>Last activity</TH>
          <TH>Operation</TH>
          <TH>Outcome</TH>
          <TH>Actor</TH>
          <TH>For</TH>
          <TH>Runner and host</TH>
          <TH>
            <span className="sr-only">Timeline</span>
          </TH>
        </tr>
      </THead>
      <TBody>
        {operations.map((op) => {
          const subject = subjectText(op);
          const label = operationLabel(op.operation);
          return (
            <tr key={op.key} data-operation-key={op.key} data-operation={op.operation} data-stage={decidingStage(op)} data-outcome={op.outcome} data-error-code={op.errorCode ?? undefined}>
              <TD className="align-top text-xs text-gray-800">
                <span className="block whitespace-nowrap">{formatUtc(op.lastAt)}</span>
                {op.durationMs !== null ? <span className="block text-gray-700">took {formatDuration(op.durationMs)}</span> : null}
              </TD>
              <TD className="align-top">
                <span className="block font-medium text-gray-900">{label}</span>
                <details className="text-xs text-gray-700">
                  <summary className="cursor-pointer text-brand-700 underline">
                    {op.stageCount === 1 ? "1 stage" : `${op.stageCount} stages`}
                    <span className="sr-only"> of this {label.toLowerCase()}</span>
                  </summary>
                  <ol className="mt-1 flex flex-col gap-1" data-testid="operation-stages">
                    {op.stages.map((e) => (
                      <li key={e.id} data-stage={e.stage} data-outcome={e.outcome} className="flex flex-wrap items-center gap-x-2 gap-y-1">
                        <span className="whitespace-nowrap">+{formatDuration(e.at.getTime() - op.startedAt.getTime())}</span>
                        <span className="text-gray-900">
                          {e.operation !== op.operation ? `${operationLabel(e.operation)} · ` : ""}
                          {stageLabel(e.stage)}
                        </span>
                        <OutcomeBadge outcome={e.outcome} />
                        {e.errorCode ? <ErrorCodeLink code={e.errorCode} /> : null}
                      </li>
                    ))}
                  </ol>
                  {op.stageCount > op.stages.length ? <p className="mt-1">{op.stageCount - op.stages.length} more on the timeline.</p> : null}
                </details>
              </TD>
              <TD className="align-top">
                <OutcomeBadge outcome={op.outcome} />
                {op.errorCode ? (
                  <span className="mt-1 block">
                    <ErrorCodeLink code={op.errorCode} />
                  </span>
                ) : null}
              </TD>
              <TD className="align-top break-all text-gray-800 sm:break-normal">{operationActorText(op)}</TD>
              <TD className="align-top break-all text-gray-800 sm:break-normal">{subject ?? none}</TD>
              <TD className="align-top text-gray-800">
                <span className="block">{op.runnerName ?? none}</span>
                <span className="block font-mono text-xs">{op.host ?? none}</span>
              </TD>
              <TD className="align-top">
                {op.correlationId ? (
                  <Link href={`/settings/diagnostics/trail/${encodeURIComponent(op.correlationId)}`} className="whitespace-nowrap font-medium text-brand-700 underline">
                    Timeline<span className="sr-only"> of this {label.toLowerCase()}</span>
                  </Link>
                ) : null}
              </TD>
            </tr>
          );
        })}
      </TBody>
    </Table>
  );
}
