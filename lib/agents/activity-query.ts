import { z } from "zod";
import { decodeKeysetCursor, encodeKeysetCursor, type KeysetCursor } from "../sql/keyset-cursor";
import { isToolName, type ToolName } from "./capabilities";

export const activityOutcomes = ["succeeded", "failed", "refused", "pending"] as const;
export type ActivityOutcome = (typeof activityOutcomes)[number];

/** What the activity list is narrowed to; every field optional. `ownerId` applies to admins only. */
export type ActivityFilters = { tool?: ToolName; outcome?: ActivityOutcome; ownerId?: string; environmentId?: string };

/** Which page: the newest, the calls older than `before`, or newer than `after`. */
export type ActivityPage = { before?: KeysetCursor; after?: KeysetCursor };

/** The URL's names for the filters and the page. */
export type ActivityQueryField = "tool" | "outcome" | "owner" | "environment" | "before" | "after";

const optional = (inner: z.ZodType<string, string>) =>
  z
    .string()
    .trim()
    .max(100)
    .optional()
    .transform((v) => (v ? v : undefined))
    .pipe(inner.optional());

const fieldSchemas = {
  tool: optional(z.string().refine(isToolName, "Not one of the agent tools")),
  outcome: optional(z.enum(activityOutcomes, { error: "Not an outcome" })),
  owner: optional(z.uuid({ error: "Not a member" })),
  environment: optional(z.uuid({ error: "Not an environment" })),
  before: optional(z.string().refine((v) => decodeKeysetCursor(v) !== undefined, "Not a position in the list")),
  after: optional(z.string().refine((v) => decodeKeysetCursor(v) !== undefined, "Not a position in the list")),
} satisfies Record<ActivityQueryField, z.ZodType<string | undefined, string | undefined>>;

/**
 * The activity view from the page's search params (`?tool=…&outcome=refused&owner=…&environment=…&before=…`):
 * a value that does not parse, or a key given twice, is dropped and reported so the rest still
 * applies and the page never fails on a hand-edited URL.
 */
export function parseActivityQuery(query: Record<string, string | string[] | undefined>): {
  filters: ActivityFilters;
  page: ActivityPage;
  errors: Partial<Record<ActivityQueryField, string>>;
} {
  const errors: Partial<Record<ActivityQueryField, string>> = {};
  const f: Partial<Record<ActivityQueryField, string>> = {};
  for (const key of Object.keys(fieldSchemas) as ActivityQueryField[]) {
    const raw = query[key];
    if (Array.isArray(raw)) {
      errors[key] = "Given more than once";
      continue;
    }
    const one = fieldSchemas[key].safeParse(raw);
    if (one.success) f[key] = one.data;
    else errors[key] = one.error.issues[0]?.message ?? "Not valid";
  }
  const before = decodeKeysetCursor(f.before);
  const after = before ? undefined : decodeKeysetCursor(f.after);
  return {
    filters: { tool: f.tool as ToolName | undefined, outcome: f.outcome as ActivityOutcome | undefined, ownerId: f.owner, environmentId: f.environment },
    page: { before, after },
    errors,
  };
}

/** Whether any filter is set (a page position alone is not a filter). */
export function hasActivityFilters(filters: ActivityFilters): boolean {
  return Boolean(filters.tool || filters.outcome || filters.ownerId || filters.environmentId);
}

/** The Agents page's URL for a view (filters, and optionally a page), landing on the activity section. */
export function activityHref(filters: ActivityFilters, page: ActivityPage = {}): string {
  const p = new URLSearchParams();
  if (filters.tool) p.set("tool", filters.tool);
  if (filters.outcome) p.set("outcome", filters.outcome);
  if (filters.ownerId) p.set("owner", filters.ownerId);
  if (filters.environmentId) p.set("environment", filters.environmentId);
  if (page.before) p.set("before", encodeKeysetCursor(page.before));
  else if (page.after) p.set("after", encodeKeysetCursor(page.after));
  const s = p.toString();
  return `/settings/agents${s ? `?${s}` : ""}#agent-activity`;
}
