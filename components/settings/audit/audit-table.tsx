import Link from "next/link";
import { formatUtc } from "@/components/diagnostics/format";
import { TBody, TD, TH, THead, Table } from "@/components/ui/table";
import type { AuditEntry } from "@/lib/audit/list-audit";
import type { AuditChange } from "@/lib/audit/audit-diff";

function Value({ text, side }: { text: string | null; side: "before" | "after" }) {
  if (text === null) return <span className="italic text-gray-700">(none)</span>;
  return <code className={side === "before" ? "rounded bg-red-50 px-1 text-gray-900" : "rounded bg-green-50 px-1 text-gray-900"}>{text}</code>;
}

/** The keys a change touched, each with its value before and after. */
function ChangeList({ changes }: { changes: AuditChange[] }) {
  return (
    <dl className="mt-2 flex flex-col gap-2 text-xs">
      {changes.map((c) => (
        <div key={c.key} data-change-key={c.key}>
          <dt className="font-mono font-semibold text-gray-900">{c.key}</dt>
          <dd className="mt-0.5 flex flex-col gap-0.5 pl-2">
            <span>
              <span className="text-gray-700">Before: </span>
              <Value text={c.before} side="before" />
            </span>
            <span>
              <span className="text-gray-700">After: </span>
              <Value text={c.after} side="after" />
            </span>
          </dd>
        </div>
      ))}
    </dl>
  );
}

function Actor({ actor }: { actor: AuditEntry["actor"] }) {
  return (
    <>
      <span className="block font-medium text-gray-900">{actor.name}</span>
      {actor.email ? <span className="block text-xs text-gray-700">{actor.email}</span> : <span className="block text-xs text-gray-700">{actor.kind === "system" ? "This app" : "Not a person"}</span>}
    </>
  );
}

/**
 * The audit log: who changed what and when, newest first. Each row's change opens in place
 * (a native disclosure, so it works with the keyboard and before JavaScript loads).
 */
export function AuditTable({ entries }: { entries: AuditEntry[] }) {
  return (
    // contain: inline-size keeps a wide row from widening the page: the table scrolls in its own box.
    <Table caption="Audit log entries, newest first" className="[contain:inline-size]">
      <THead>
        <tr>
          <TH>Time</TH>
          <TH>Actor</TH>
          <TH>Action</TH>
          <TH>Target</TH>
          <TH>Change</TH>
        </tr>
      </THead>
      <TBody>
        {entries.map((e) => (
          <tr key={e.id} data-audit-id={e.id} data-action={e.action.code} className="align-top [overflow-wrap:anywhere]">
            <TD className="align-top text-xs text-gray-800">
              <time dateTime={e.at.toISOString()}>{formatUtc(e.at)}</time>
            </TD>
            <TD className="align-top">
              <Actor actor={e.actor} />
            </TD>
            <TD className="align-top">
              <span className="block text-gray-900">{e.action.label}</span>
              <span className="block font-mono text-xs text-gray-700">{e.action.code}</span>
            </TD>
            <TD className="align-top">
              <span className="block text-xs text-gray-700">{e.target.typeLabel}</span>
              {e.target.href ? (
                <Link href={e.target.href} className="font-medium text-brand-700 underline">
                  {e.target.label || e.target.typeLabel}
                </Link>
              ) : (
                <span className="text-gray-900">{e.target.label || "—"}</span>
              )}
            </TD>
            <TD className="min-w-48 align-top">
              {e.changes.length === 0 ? (
                <span className="text-xs text-gray-700">No values recorded</span>
              ) : (
                <details className="relative">
                  <summary className="cursor-pointer text-sm font-medium text-brand-700 underline">
                    {e.changes.length} changed {e.changes.length === 1 ? "field" : "fields"}
                    <span className="sr-only">
                      {" "}
                      ({e.action.label.toLowerCase()}, {e.target.label || e.target.typeLabel})
                    </span>
                  </summary>
                  <ChangeList changes={e.changes} />
                </details>
              )}
            </TD>
          </tr>
        ))}
      </TBody>
    </Table>
  );
}
