import { sql, type AnyColumn, type SQL } from "drizzle-orm";

/**
 * A position in a list paged newest first by `(at, id)`: the row's time to the microsecond, as
 * PostgreSQL keeps it, and its id. A JavaScript Date keeps milliseconds only, so a cursor made
 * from one would skip the rows between two pages that fall in the same millisecond.
 */
export type KeysetCursor = { at: string; id: string };

const CURSOR = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z)_([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/;

export function encodeKeysetCursor(cursor: KeysetCursor): string {
  return `${cursor.at}_${cursor.id}`;
}

/**
 * Reads a cursor from a URL; undefined unless it is one this module wrote. The time must also be a
 * real one (no 13th month): PostgreSQL would otherwise fail the query rather than ignore it.
 */
export function decodeKeysetCursor(value: string | undefined): KeysetCursor | undefined {
  const m = value ? CURSOR.exec(value) : null;
  if (!m) return undefined;
  const at = m[1]!;
  const ms = Date.parse(at);
  if (Number.isNaN(ms) || new Date(ms).toISOString().slice(0, 23) !== at.slice(0, 23)) return undefined;
  return { at, id: m[2]! };
}

/** A timestamp column as a cursor's time: UTC, to the microsecond. */
export function cursorTime(column: AnyColumn): SQL<string> {
  return sql<string>`to_char(${column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;
}

/**
 * The rows strictly older (`before`) or newer (`after`) than a cursor, as one row comparison, so an
 * index on `(…, at, id)` serves it directly.
 */
export function pastCursor(at: AnyColumn, id: AnyColumn, cursor: KeysetCursor, direction: "before" | "after"): SQL {
  const time = sql`${cursor.at}::timestamptz`;
  const key = sql`${cursor.id}::uuid`;
  return direction === "before" ? sql`(${at}, ${id}) < (${time}, ${key})` : sql`(${at}, ${id}) > (${time}, ${key})`;
}
