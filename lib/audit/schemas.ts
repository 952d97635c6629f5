import { z } from "zod";
import { isAuditTargetKind, type AuditTargetKind } from "./labels";
import { decodeKeysetCursor, encodeKeysetCursor, type KeysetCursor } from "../sql/keyset-cursor";

/** Time ranges the filter offers; `all` is the default, `custom` uses `from` and `to` (UTC). */
export const auditRanges = { all: null, "24h": 86_400_000, "7d": 7 * 86_400_000, "30d": 30 * 86_400_000, "90d": 90 * 86_400_000, custom: null } as const;
export type AuditRange = keyof typeof auditRanges;

/** A position in the log: a row's time to the microsecond (as PostgreSQL keeps it) and its id. */
export type AuditCursor = KeysetCursor;

export type AuditFilters = {
  /** Part of the actor's email, name, `system` or `runner:<name>`. */
  actor?: string;
  /** One action code, e.g. `runner.created`. */
  action?: string;
  targetKind?: AuditTargetKind;
  /** Part of the target's label (a runner's name, a host, an email). */
  target?: string;
  range: AuditRange;
  from?: Date;
  to?: Date;
};

/** Which page of the filtered log: the newest, the rows older than `before`, or newer than `after`. */
export type AuditPage = { before?: AuditCursor; after?: AuditCursor };

const encodeCursor = encodeKeysetCursor;
const decodeCursor = decodeKeysetCursor;

const text = (max: number, message: string) =>
  z
    .string()
    .trim()
    .max(max, message)
    .refine((v) => !/[\u0000-\u001f\u007f]/.test(v), "Contains characters no value here has")
    .optional()
    .transform((v) => (v ? v : undefined));

const fieldSchemas = {
  actor: text(320, "At most 320 characters"),
  action: text(64, "At most 64 characters").refine((v) => v === undefined || /^[a-z_]+\.[a-z_]+$/.test(v), "Not an action code"),
  type: text(32, "Not a target type").refine((v) => v === undefined || isAuditTargetKind(v), "Not a target type"),
  target: text(200, "At most 200 characters"),
  range: text(10, "Not a time range").refine((v) => v === undefined || Object.hasOwn(auditRanges, v), "Not a time range"),
  from: text(40, "Not a date and time"),
  to: text(40, "Not a date and time"),
  before: text(80, "Not a position in the log"),
  after: text(80, "Not a position in the log"),
};
type Field = keyof typeof fieldSchemas;

/** A `datetime-local` value (no zone) read as UTC; null when it is not a time. */
function utc(value: string | undefined): Date | null {
  if (!value) return null;
  const ms = Date.parse(/[zZ]|[+-]\d\d:?\d\d$/.test(value) ? value : `${value}Z`);
  return Number.isNaN(ms) ? null : new Date(ms);
}

/**
 * The audit-log view from a query string (the page's and the CSV export's alike): a field that
 * does not parse is dropped and reported so the rest still applies; a custom range is read as UTC.
 */
export function parseAuditQuery(
  query: Record<string, string | string[] | undefined> | URLSearchParams,
  now = new Date(),
): { filters: AuditFilters; page: AuditPage; errors: Partial<Record<Field, string>> } {
  const get = (key: string) => {
    if (query instanceof URLSearchParams) return query.get(key) ?? undefined;
    const v = query[key];
    return Array.isArray(v) ? v[0] : v;
  };
  const errors: Partial<Record<Field, string>> = {};
  const f: Partial<Record<Field, string>> = {};
  for (const key of Object.keys(fieldSchemas) as Field[]) {
    const one = fieldSchemas[key].safeParse(get(key));
    if (one.success) f[key] = one.data;
    else errors[key] = one.error.issues[0]?.message ?? "Not valid";
  }
  const range = (f.range as AuditRange | undefined) ?? "all";
  let from: Date | undefined;
  let to: Date | undefined;
  if (range === "custom") {
    from = utc(f.from) ?? undefined;
    to = utc(f.to) ?? undefined;
    // A minute as the form gives it includes its whole minute.
    if (to && f.to && /T\d\d:\d\d$/.test(f.to)) to = new Date(to.getTime() + 59_999);
    if (f.from && !from) errors.from = "Not a date and time";
    if (f.to && !to) errors.to = "Not a date and time";
    if (from && to && from > to) [from, to] = [to, from];
  } else if (range !== "all") {
    from = new Date(now.getTime() - auditRanges[range]);
  }
  const before = decodeCursor(f.before);
  const after = before ? undefined : decodeCursor(f.after);
  if (f.before && !before) errors.before = "Not a position in the log";
  if (f.after && !after && !before) errors.after = "Not a position in the log";
  return {
    filters: { actor: f.actor, action: f.action, targetKind: f.type as AuditTargetKind | undefined, target: f.target, range, from, to },
    page: { before, after },
    errors,
  };
}

/** The query string for a view (filters, and optionally a page), as the page's links and export use it. */
export function auditQueryString(filters: AuditFilters, page: AuditPage = {}): string {
  const p = new URLSearchParams();
  if (filters.actor) p.set("actor", filters.actor);
  if (filters.action) p.set("action", filters.action);
  if (filters.targetKind) p.set("type", filters.targetKind);
  if (filters.target) p.set("target", filters.target);
  if (filters.range !== "all") p.set("range", filters.range);
  if (filters.range === "custom") {
    if (filters.from) p.set("from", filters.from.toISOString().slice(0, 16));
    if (filters.to) p.set("to", filters.to.toISOString().slice(0, 16));
  }
  if (page.before) p.set("before", encodeCursor(page.before));
  else if (page.after) p.set("after", encodeCursor(page.after));
  const s = p.toString();
  return s ? `?${s}` : "";
}
