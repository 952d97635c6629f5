import { ErrorCodeLink } from "@/components/diagnostics/error-code-link";
import { formatDuration, formatUtc } from "@/components/diagnostics/format";
import { OutcomeBadge } from "@/components/diagnostics/outcome-badge";
import { Badge } from "@/components/ui/badge";
import { EmptyState } from "@/components/ui/empty-state";
import { TBody, TD, TH, THead, Table } from "@/components/ui/table";
import { operationLabel, stageLabel } from "@/lib/diagnostics/operations";
import type { EnvironmentEvent } from "@/lib/environments/get-environment";
import { describeError, isErrorCode } from "@/lib/errors/catalogue";

const refusalReasons: Record<string, string> = {
  other_environment: "A process in this environment asked for another environment's credentials",
  malformed_request: "A process in this environment sent a request no credential helper makes",
};

function by(e: EnvironmentEvent): string {
  return e.actorType === "user" ? "a person" : e.actorType === "runner" ? "the runner" : "the plane";
}

/** The environment's state history: its clone's stages, deletion and agent tool calls, newest first. */
export function EnvironmentHistory({ events, limit }: { events: EnvironmentEvent[]; limit: number }) {
  if (events.length === 0) {
    return (
      <EmptyState title="No history yet">
        <p>Stages of the clone and of deletion, and agent tool calls, show here as they happen.</p>
      </EmptyState>
    );
  }
  return (
    <>
      <Table caption="State history, newest first">
        <THead>
          <tr>
            <TH>What</TH>
            <TH>Outcome</TH>
            <TH className="hidden sm:table-cell">Duration</TH>
          </tr>
        </THead>
        <TBody>
          {events.map((e) => (
            <tr key={e.id} data-operation={e.operation} data-stage={e.stage} data-outcome={e.outcome}>
              <TD>
                <span className="block text-xs text-gray-700">{formatUtc(e.at)}</span>
                <span className="block font-medium text-gray-900">{operationLabel(e.operation)}</span>
                <span className="block text-xs text-gray-700">
                  {stageLabel(e.stage)} · by {by(e)}
                </span>
              </TD>
              <TD>
                <span className="flex flex-col items-start gap-1">
                  <OutcomeBadge outcome={e.outcome} />
                  {e.errorCode ? <ErrorCodeLink code={e.errorCode} /> : null}
                </span>
              </TD>
              <TD className="hidden whitespace-nowrap text-gray-800 sm:table-cell">{formatDuration(e.durationMs)}</TD>
            </tr>
          ))}
        </TBody>
      </Table>
      {events.length >= limit ? <p className="text-xs text-gray-700">The latest {limit} events. Settings &gt; Diagnostics has the whole trail.</p> : null}
    </>
  );
}

/** The last git credential requests from the environment: served, or refused and why. */
export function GitOperations({ events, limit }: { events: EnvironmentEvent[]; limit: number }) {
  if (events.length === 0) {
    return (
      <EmptyState title="No git operations yet">
        <p>Each time git in the environment fetches or pushes, the runner asks for the owner&apos;s credential; every request shows here.</p>
      </EmptyState>
    );
  }
  return (
    <>
      <Table caption="Last git operations, newest first">
        <THead>
          <tr>
            <TH>Request</TH>
            <TH>Why</TH>
          </tr>
        </THead>
        <TBody>
          {events.map((e) => {
            const security = e.stage === "security";
            const served = e.outcome === "succeeded";
            return (
              <tr key={e.id} data-git-outcome={served ? "served" : "refused"} data-error-code={e.errorCode ?? undefined}>
                <TD className="align-top">
                  <span className="block text-xs text-gray-700">{formatUtc(e.at)}</span>
                  {served ? <Badge tone="green">Credential served</Badge> : security ? <Badge tone="red">Refused: security</Badge> : <Badge tone="yellow">Refused</Badge>}
                </TD>
                <TD className="align-top text-gray-800">
                  {served ? (
                    <span>Git got the owner&apos;s credential for the environment&apos;s host.</span>
                  ) : (
                    <span className="flex flex-col gap-1">
                      {security && e.refusal ? (
                        <span>
                          {refusalReasons[e.refusal.reason] ?? "A request from this environment was refused"}
                          {e.refusal.requestedHost ? ` (asked for ${e.refusal.requestedHost})` : ""}. Nothing was handed out.
                        </span>
                      ) : e.errorCode && isErrorCode(e.errorCode) ? (
                        <span>{describeError(e.errorCode).explanation}</span>
                      ) : null}
                      <ErrorCodeLink code={e.errorCode} />
                    </span>
                  )}
                </TD>
              </tr>
            );
          })}
        </TBody>
      </Table>
      {events.length >= limit ? <p className="text-xs text-gray-700">The latest {limit} requests.</p> : null}
    </>
  );
}
