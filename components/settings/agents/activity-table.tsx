import { Badge } from "@/components/ui/badge";
import { TBody, TD, TH, THead, Table } from "@/components/ui/table";
import type { AgentActivityCall } from "@/lib/agents/list-agent-activity";
import { describeRefusalReason } from "@/lib/agents/refusal-reason";
import { describeError, isErrorCode, type ErrorCode } from "@/lib/errors/catalogue";
import { getProvider, isProviderId } from "@/lib/providers";
import { formatDateTime, formatEventTime } from "@/components/ui/format-time";

const outcomes = {
  succeeded: { label: "Succeeded", tone: "green" },
  failed: { label: "Failed", tone: "red" },
  refused: { label: "Refused", tone: "yellow" },
  pending: { label: "In progress", tone: "gray" },
} as const;

/** Only web links become anchors: the URL comes from a runner, and a `javascript:` one must not be clickable. */
function safeHref(url: string | null): string | null {
  if (!url) return null;
  try {
    const parsed = new URL(url);
    return parsed.protocol === "https:" || parsed.protocol === "http:" ? parsed.toString() : null;
  } catch {
    return null;
  }
}

/**
 * Catalogue entries worded for a person at a form ("Correct the highlighted fields"): here the
 * arguments were an agent's, so the same code is said the way the activity list's reader needs it.
 */
const activityWording: Partial<Record<ErrorCode, { title: string; remedy: string }>> = {
  validation_failed: {
    title: "The call's arguments were not accepted",
    remedy: "Nothing reached the provider. The agent was told which arguments to change and may call again.",
  },
};

/** The error code's title, linked to its entry in the catalogue, why it was refused when recorded, and the remedy. */
function ErrorDetail({ code, reason }: { code: string; reason: string | null }) {
  const entry = isErrorCode(code) ? (activityWording[code] ?? describeError(code)) : null;
  return (
    <div data-error-code={code} className="max-w-sm">
      <p className="font-medium text-gray-900">
        {entry ? (
          <a href={`/docs/troubleshooting#${code}`} className="underline">
            {entry.title}
          </a>
        ) : (
          "Unrecognized error"
        )}
      </p>
      {reason ? (
        <p className="text-gray-900" data-refusal-reason>
          {reason}
        </p>
      ) : null}
      <p className="text-xs text-gray-700">{entry ? entry.remedy : `The runner reported "${code}".`}</p>
    </div>
  );
}

function ResultLink({ url }: { url: string | null }) {
  const href = safeHref(url);
  if (!href) return null;
  return (
    <a href={href} target="_blank" rel="noreferrer noopener" className="font-medium text-brand-700 underline">
      Open result
      <span className="sr-only"> on the provider (opens in a new tab)</span>
    </a>
  );
}

/**
 * One page of agent tool calls, newest first, allowed or refused: for admins with each
 * environment's owner. A refused call says which check refused it when that was recorded.
 */
export function AgentActivityTable({ rows, showOwner, caption }: { rows: AgentActivityCall[]; showOwner: boolean; caption: string }) {
  return (
    <Table caption={caption}>
      <THead>
        <tr>
          <TH>Time</TH>
          <TH>Environment</TH>
          {showOwner ? <TH>Owner</TH> : null}
          <TH>Tool</TH>
          <TH>Provider</TH>
          <TH>Repository</TH>
          <TH>Outcome</TH>
          <TH>Details</TH>
        </tr>
      </THead>
      <TBody>
        {rows.map((row) => {
          const outcome = outcomes[row.outcome];
          return (
            <tr key={row.id} data-activity-id={row.id} data-tool={row.tool}>
              <TD className="whitespace-nowrap text-gray-800">
                <time dateTime={row.at.toISOString()} title={formatDateTime(row.at)}>
                  {formatEventTime(row.at)}
                </time>
              </TD>
              <TD className="whitespace-nowrap text-gray-900">{row.environmentName ?? <span className="text-gray-700">Deleted environment</span>}</TD>
              {showOwner ? <TD className="text-gray-800">{row.ownerEmail ?? <span className="text-gray-700">Removed user</span>}</TD> : null}
              <TD className="whitespace-nowrap">
                <code className="text-xs text-gray-900">{row.tool}</code>
              </TD>
              <TD className="whitespace-nowrap text-gray-800">
                <span className="block">{row.provider && isProviderId(row.provider) ? getProvider(row.provider).name : "Unknown"}</span>
                {row.host ? <span className="block text-xs text-gray-700">{row.host}</span> : null}
              </TD>
              <TD className="break-all text-gray-800">{row.repository ?? "—"}</TD>
              <TD className="whitespace-nowrap">
                <Badge tone={outcome.tone}>{outcome.label}</Badge>
              </TD>
              {/* Wide enough that a remedy reads as a sentence; the table scrolls sideways on narrow screens instead. */}
              <TD className="min-w-64">
                {row.errorCode ? <ErrorDetail code={row.errorCode} reason={row.outcome === "refused" ? describeRefusalReason(row.refusalReason, row.capability) : null} /> : null}
                <ResultLink url={row.resultUrl} />
                {!row.errorCode && !safeHref(row.resultUrl) ? <span className="text-gray-700">—</span> : null}
              </TD>
            </tr>
          );
        })}
      </TBody>
    </Table>
  );
}
