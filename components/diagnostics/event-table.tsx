import Link from "next/link";
import { TBody, TD, TH, THead, Table } from "@/components/ui/table";
import type { DiagnosticEvent } from "@/lib/diagnostics/search-events";
import { operationLabel, stageLabel } from "@/lib/diagnostics/operations";
import { ErrorCodeLink } from "./error-code-link";
import { formatDuration, formatUtc } from "./format";
import { OutcomeBadge } from "./outcome-badge";

/** Who caused an event, in words. */
export function actorText(e: Pick<DiagnosticEvent, "actorType" | "actorEmail">): string {
  if (e.actorType === "user") return e.actorEmail ?? "a removed user";
  return e.actorType === "runner" ? "runner" : "plane";
}

/** Search results: one row per event, newest first, each linking to its operation's timeline. */
export function EventTable({ events, caption }: { events: DiagnosticEvent[]; caption: string }) {
  return (
    <Table caption={caption}>
      <THead>
        <tr>
          <TH>Time</TH>
          <TH>Operation</TH>
          <TH>Outcome</TH>
          <TH>Error</TH>
          <TH>User</TH>
          <TH>Runner</TH>
          <TH>Host</TH>
          <TH>Duration</TH>
          <TH>
            <span className="sr-only">Timeline</span>
          </TH>
        </tr>
      </THead>
      <TBody>
        {events.map((e) => (
          <tr key={e.id} data-event-id={e.id} data-operation={e.operation} data-stage={e.stage} data-outcome={e.outcome} data-error-code={e.errorCode ?? undefined}>
            <TD className="whitespace-nowrap text-xs text-gray-800">{formatUtc(e.at)}</TD>
            <TD>
              <span className="block font-medium text-gray-900">{operationLabel(e.operation)}</span>
              <span className="block text-xs text-gray-700">
                {stageLabel(e.stage)} · by {actorText(e)}
              </span>
            </TD>
            <TD>
              <OutcomeBadge outcome={e.outcome} />
            </TD>
            <TD>
              <ErrorCodeLink code={e.errorCode} />
            </TD>
            <TD className="text-gray-800">{e.userEmail ?? <span className="text-gray-600">—</span>}</TD>
            <TD className="text-gray-800">{e.runnerName ?? <span className="text-gray-600">—</span>}</TD>
            <TD className="font-mono text-xs text-gray-800">{e.host ?? "—"}</TD>
            <TD className="whitespace-nowrap text-gray-800">{formatDuration(e.durationMs)}</TD>
            <TD>
              {e.correlationId ? (
                <Link href={`/settings/diagnostics/trail/${encodeURIComponent(e.correlationId)}`} className="whitespace-nowrap font-medium text-brand-700 underline">
                  Timeline<span className="sr-only"> of this {operationLabel(e.operation).toLowerCase()}</span>
                </Link>
              ) : null}
            </TD>
          </tr>
        ))}
      </TBody>
    </Table>
  );
}
