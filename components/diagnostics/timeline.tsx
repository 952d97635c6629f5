import type { DiagnosticEvent } from "@/lib/diagnostics/search-events";
import { operationLabel, stageLabel } from "@/lib/diagnostics/operations";
import { ErrorCodeLink } from "./error-code-link";
import { actorText } from "./event-table";
import { EventDetail } from "./event-detail";
import { formatDuration, formatUtc } from "./format";
import { OutcomeBadge } from "./outcome-badge";

/** One operation's events in time order, each with its offset from the first, who did it and what it recorded. */
export function Timeline({ events }: { events: DiagnosticEvent[] }) {
  const start = events[0]?.at.getTime() ?? 0;
  return (
    <section aria-labelledby="timeline-heading">
      <h2 id="timeline-heading" className="mb-3 text-lg font-semibold text-gray-900">
        Timeline
      </h2>
      <ol className="relative flex flex-col gap-3 border-l-2 border-gray-300 pl-5" data-testid="timeline">
        {events.map((e) => (
          <li key={e.id} className="relative rounded-lg border border-gray-300 bg-white p-3" data-stage={e.stage} data-outcome={e.outcome} data-error-code={e.errorCode ?? undefined}>
            <span aria-hidden="true" className="absolute -left-[1.72rem] top-4 h-3 w-3 rounded-full border-2 border-white bg-gray-500" />
            <div className="flex flex-wrap items-baseline justify-between gap-2">
              <p className="font-medium text-gray-900">
                {operationLabel(e.operation)} · {stageLabel(e.stage)} <OutcomeBadge outcome={e.outcome} />
              </p>
              <p className="text-xs text-gray-700">
                {formatUtc(e.at)} (+{formatDuration(e.at.getTime() - start)})
              </p>
            </div>
            <p className="mt-1 text-xs text-gray-700">
              By {actorText(e)}
              {e.runnerName ? ` · runner ${e.runnerName}` : ""}
              {e.host ? ` · ${e.host}` : ""}
              {e.durationMs !== null ? ` · took ${formatDuration(e.durationMs)}` : ""}
              {e.jobId ? ` · job ${e.jobId.slice(0, 8)}` : ""}
            </p>
            {e.errorCode ? (
              <div className="mt-1">
                <ErrorCodeLink code={e.errorCode} />
              </div>
            ) : null}
            <EventDetail detail={e.detail} />
          </li>
        ))}
      </ol>
    </section>
  );
}
