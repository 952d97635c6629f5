import type { DbOrTx } from "@/db/client";
import type { Actor } from "../users/actor";
import { listAudit, type AuditEntry } from "./list-audit";
import type { AuditCursor, AuditFilters } from "./schemas";

/** The most rows one export holds; the page says so next to the export link. */
export const AUDIT_EXPORT_MAX_ROWS = 10_000;
const BATCH = 500;

/**
 * One CSV cell (RFC 4180): quoted when it holds a quote, comma or line break, quotes doubled.
 * A value a spreadsheet would run as a formula (starting with `=`, `+`, `-`, `@`, or a tab or
 * carriage return that some spreadsheets skip before one) gets a leading `'`, so a target label
 * such as `=HYPERLINK(...)` is shown as text, never evaluated.
 */
export function csvCell(value: string | number | boolean | null | undefined): string {
  let text = value === null || value === undefined ? "" : String(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** Rows of cells as CSV text, lines ended by CRLF. */
export function toCsv(rows: ReadonlyArray<ReadonlyArray<string | number | boolean | null | undefined>>): string {
  return rows.map((row) => row.map(csvCell).join(",")).join("\r\n") + "\r\n";
}

export const AUDIT_CSV_HEADER = ["Time (UTC)", "Actor", "Actor email", "Action", "Action code", "Target type", "Target", "Target id", "Changes", "Before", "After"] as const;

function changesText(entry: AuditEntry): string {
  return entry.changes.map((c) => `${c.key}: ${c.before ?? "(none)"} → ${c.after ?? "(none)"}`).join("; ");
}

function entryRow(entry: AuditEntry): string[] {
  return [
    entry.at.toISOString(),
    entry.actor.name,
    entry.actor.email ?? "",
    entry.action.label,
    entry.action.code,
    entry.target.typeLabel,
    entry.target.label,
    entry.target.id ?? "",
    changesText(entry),
    entry.before ? JSON.stringify(entry.before) : "",
    entry.after ? JSON.stringify(entry.after) : "",
  ];
}

/**
 * The filtered audit log as CSV (admins and support), newest first, at most
 * AUDIT_EXPORT_MAX_ROWS rows, read in keyset batches. Values are the redacted ones the page shows.
 */
export async function exportAuditCsv(opts: { db: DbOrTx; actor: Actor; filters: AuditFilters }): Promise<{ csv: string; rows: number; truncated: boolean }> {
  const lines: string[][] = [[...AUDIT_CSV_HEADER]];
  let before: AuditCursor | undefined;
  let truncated = false;
  for (;;) {
    const left = AUDIT_EXPORT_MAX_ROWS - (lines.length - 1);
    const page = await listAudit({ db: opts.db, actor: opts.actor, filters: opts.filters, page: { before }, limit: Math.min(BATCH, left), links: false });
    lines.push(...page.entries.map(entryRow));
    if (!page.older) break;
    if (lines.length - 1 >= AUDIT_EXPORT_MAX_ROWS) {
      truncated = true;
      break;
    }
    before = page.older;
  }
  return { csv: toCsv(lines), rows: lines.length - 1, truncated };
}
