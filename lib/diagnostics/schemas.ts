import { z } from "zod";
import { isErrorCode, type ErrorCode } from "../errors/catalogue";
import { scmOperations, type ScmOperation } from "./operations";

/** Time ranges offered by the search form; `custom` uses `from` and `to` (UTC). */
export const timeRanges = { "1h": 3_600_000, "24h": 86_400_000, "7d": 7 * 86_400_000, "30d": 30 * 86_400_000 } as const;
export type TimeRange = keyof typeof timeRanges | "custom";

export type EventFilters = {
  email?: string;
  runnerId?: string;
  /** A runner by name (case-insensitive), as typed in the search form; old links carry `runnerId`. */
  runnerName?: string;
  host?: string;
  code?: ErrorCode;
  operation?: ScmOperation;
  /** Operations with a failed, cancelled or refused stage (`failed`), or without one (`succeeded`). */
  outcome?: OperationOutcomeFilter;
  failuresOnly?: boolean;
  from: Date;
  to: Date;
  range: TimeRange;
};

const optionalText = (max: number) =>
  z
    .string()
    .trim()
    .max(max)
    .optional()
    .transform((v) => (v ? v : undefined));

export const operationOutcomeFilters = ["failed", "succeeded"] as const;
export type OperationOutcomeFilter = (typeof operationOutcomeFilters)[number];

const querySchema = z.object({
  email: optionalText(320),
  /** A runner's name, or its id (links made before the field took names). */
  runner: optionalText(100),
  host: optionalText(260),
  code: optionalText(64).refine((v) => v === undefined || isErrorCode(v), "Not a known error code"),
  failures: optionalText(5),
  operation: optionalText(64).refine((v) => v === undefined || (scmOperations as readonly string[]).includes(v), "Not a known operation"),
  outcome: optionalText(16).refine((v) => v === undefined || (operationOutcomeFilters as readonly string[]).includes(v), "Not a known outcome"),
  page: optionalText(9).refine((v) => v === undefined || /^[1-9]\d*$/.test(v), "Not a page number"),
  range: z.enum(["1h", "24h", "7d", "30d", "custom"]).catch("7d").default("7d"),
  from: optionalText(40),
  to: optionalText(40),
});

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A runner field's value: an id when it is one, else a name. */
export function runnerRef(value: string | undefined): { runnerId?: string; runnerName?: string } {
  if (!value) return {};
  return UUID.test(value) ? { runnerId: value.toLowerCase() } : { runnerName: value };
}

/** A `datetime-local` value (no zone), read as UTC; null when it is not a time. */
function utc(value: string | undefined): Date | null {
  if (!value) return null;
  const ms = Date.parse(/[zZ]|[+-]\d\d:?\d\d$/.test(value) ? value : `${value}Z`);
  return Number.isNaN(ms) ? null : new Date(ms);
}

/**
 * The Diagnostics search from the page's query string: fields that do not parse are dropped and
 * reported (the page still shows the rest), the time range defaults to the last 7 days, and a
 * custom range is read as UTC and kept within a year.
 */
export function parseEventFilters(query: Record<string, string | string[] | undefined>, now = new Date()): { filters: EventFilters; page: number; errors: Record<string, string> } {
  const flat: Record<string, string | undefined> = {};
  for (const key of ["email", "runner", "host", "code", "failures", "operation", "outcome", "page", "range", "from", "to"]) {
    const v = query[key];
    flat[key] = Array.isArray(v) ? v[0] : v;
  }
  const errors: Record<string, string> = {};
  const fields: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(flat)) {
    const one = querySchema.shape[key as keyof typeof querySchema.shape].safeParse(value);
    if (one.success) fields[key] = one.data;
    else errors[key] = one.error.issues[0]?.message ?? "Not valid";
  }
  const range = (fields.range as TimeRange | undefined) ?? "7d";
  let from = new Date(now.getTime() - timeRanges["7d"]);
  let to = now;
  if (range === "custom") {
    const f = utc(fields.from as string | undefined);
    const t = utc(fields.to as string | undefined);
    if (fields.from && !f) errors.from = "Not a date and time";
    if (fields.to && !t) errors.to = "Not a date and time";
    to = t ?? now;
    from = f ?? new Date(to.getTime() - timeRanges["7d"]);
    if (from > to) [from, to] = [to, from];
    if (to.getTime() - from.getTime() > 366 * 86_400_000) from = new Date(to.getTime() - 366 * 86_400_000);
  } else {
    from = new Date(now.getTime() - timeRanges[range]);
  }
  return {
    filters: {
      email: fields.email as string | undefined,
      ...runnerRef(fields.runner as string | undefined),
      host: (fields.host as string | undefined)?.toLowerCase(),
      code: fields.code as ErrorCode | undefined,
      operation: fields.operation as ScmOperation | undefined,
      // `failures=1` is what links made before the outcome filter carry.
      outcome: (fields.outcome as OperationOutcomeFilter | undefined) ?? (fields.failures === "1" ? "failed" : undefined),
      failuresOnly: fields.failures === "1" || fields.outcome === "failed",
      from,
      to,
      range,
    },
    page: fields.page ? Math.min(Number(fields.page), 100_000) : 1,
    errors,
  };
}

/** Check access form fields. */
export const accessCheckInputSchema = z.object({
  userEmail: z.string().trim().min(1, "Enter the member's email address").max(320),
  repoUrl: z.string().trim().min(1, "Enter the repository URL").max(2048, "At most 2048 characters"),
  runnerId: z
    .string()
    .optional()
    .transform((v) => (v ? v : undefined))
    .pipe(z.string().uuid("Unknown runner").optional()),
  /** The runner by name (the form's field, with the page's list of names as suggestions); empty for "the one the member would use". */
  runner: optionalText(100),
});

