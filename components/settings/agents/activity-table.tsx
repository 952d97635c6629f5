import { Badge } from "@/components/ui/badge";
import { EmptyState } from "@/components/ui/empty-state";
import { TBody, TD, TH, THead, Table } from "@/components/ui/table";
import type { listAgentActivity } from "@/lib/agents/list-agent-activity";
import { describeError, isErrorCode } from "@/lib/errors/catalogue";
import { getProvider, isProviderId } from "@/lib/providers";
import { formatDateTime, formatEventTime } from "@/components/ui/format-time";

export type AgentActivityRow = Awaited<ReturnType<typeof listAgentActivity>>[number];

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

function ErrorDetail({ code }: { code: string }) {
  const entry = isErrorCode(code) ? describeError(code) : null;
  return (
    <div data-error-code={code} className="max-w-sm">
      <p className="font-medium text-gray-900">{entry ? entry.title : "Unrecognized error"}</p>
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
 * Recent agent tool calls, newest first, allowed or refused: for admins the organization's (with
 * each environment's owner), for everyone else their own environments'.
 */
export function AgentActivityTable({ rows, showOwner, caption }: { rows: AgentActivityRow[]; showOwner: boolean; caption: string }) {
  if (rows.length === 0) {
    return (
      <EmptyState title="No agent activity yet">
        <p>When an agent in {showOwner ? "an environment" : "one of your environments"} calls an SCM tool, the call appears here, whether it was allowed or refused, with what it produced.</p>
      </EmptyState>
    );
  }
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
              <TD>
                <Badge tone={outcome.tone}>{outcome.label}</Badge>
              </TD>
              {/* Wide enough that a remedy reads as a sentence; the table scrolls sideways on narrow screens instead. */}
              <TD className="min-w-64">
                {row.errorCode ? <ErrorDetail code={row.errorCode} /> : null}
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
