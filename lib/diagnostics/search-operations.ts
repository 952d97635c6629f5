import { and, asc, desc, eq, inArray, isNull, or, sql } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { scmEvents, type ScmEventOutcome } from "@/db/schema";
import { assertRole, type Actor } from "../users/actor";
import type { EventFilters } from "./schemas";
import { eventConditions, person, selectNamedEvents, toDiagnosticEvent, type DiagnosticEvent } from "./search-events";

export const OPERATIONS_PAGE_SIZE = 25;

/** The most stages one operation's row carries (its timeline page has them all). */
const STAGES_PER_OPERATION = 40;

const FAILED: ScmEventOutcome[] = ["failed", "cancelled", "refused"];

/**
 * One operation as Diagnostics lists it: every event sharing a correlation id (an event without
 * one is an operation of its own), with who acted and whom it concerned told apart.
 */
export type DiagnosticOperation = {
  /** The correlation id, or the lone event's id. */
  key: string;
  correlationId: string | null;
  operation: string;
  startedAt: Date;
  lastAt: Date;
  /** The last stage's outcome, except that any failed, cancelled or refused stage makes the operation so. */
  outcome: ScmEventOutcome;
  errorCode: string | null;
  /** Who acted: a user's email, or the runner or the plane; null only when a removed user acted. */
  actor: { type: "user" | "runner" | "system"; email: string | null };
  /** The person the operation was for (a member's connection, clone or access check); null when it concerns no person. */
  subjectEmail: string | null;
  runnerName: string | null;
  host: string | null;
  durationMs: number | null;
  /** Its events, oldest first (at most STAGES_PER_OPERATION). */
  stages: DiagnosticEvent[];
  stageCount: number;
};

const operationKey = sql<string>`coalesce(${scmEvents.correlationId}, ${scmEvents.id}::text)`;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Reads one operation from its events (oldest first). */
export function summarizeOperation(key: string, events: DiagnosticEvent[], stageCount = events.length): DiagnosticOperation {
  const first = events[0]!;
  const last = events.at(-1)!;
  const failed = [...events].reverse().find((e) => FAILED.includes(e.outcome));
  const byUser = events.find((e) => e.actorType === "user");
  const actorEvent = byUser ?? first;
  const found = <K extends keyof DiagnosticEvent>(k: K) => events.find((e) => e[k] !== null)?.[k] ?? null;
  return {
    key,
    correlationId: first.correlationId,
    operation: first.operation,
    startedAt: first.at,
    lastAt: last.at,
    outcome: failed?.outcome ?? last.outcome,
    errorCode: (failed?.errorCode ?? [...events].reverse().find((e) => e.errorCode)?.errorCode) || null,
    actor: { type: actorEvent.actorType, email: actorEvent.actorType === "user" ? actorEvent.actorEmail : null },
    subjectEmail: found("userEmail") as string | null,
    runnerName: found("runnerName") as string | null,
    host: found("host") as string | null,
    durationMs: events.length > 1 ? last.at.getTime() - first.at.getTime() : first.durationMs,
    stages: events,
    stageCount,
  };
}

/**
 * Searches the organization's trail by operation (admins and support), newest first, a page at a
 * time: an operation matches when any of its events matches the filters (`outcome: "succeeded"`
 * keeps those with no failed stage), and comes back with all its stages.
 */
export async function searchOperations(opts: { db: DbOrTx; actor: Actor; filters: Partial<EventFilters>; page?: number; pageSize?: number }): Promise<{ operations: DiagnosticOperation[]; total: number; page: number; pageCount: number }> {
  assertRole(opts.actor, "admin", "support");
  const pageSize = opts.pageSize ?? OPERATIONS_PAGE_SIZE;
  const where = and(...eventConditions(opts.actor, opts.filters));
  const having = opts.filters.outcome === "succeeded" ? sql`not bool_or(${inArray(scmEvents.outcome, FAILED)})` : undefined;
  const matching = opts.db
    .select({ key: operationKey.as("op_key"), lastAt: sql<string>`max(${scmEvents.at})`.as("last_at") })
    .from(scmEvents)
    .leftJoin(person, eq(person.id, scmEvents.userId))
    .where(where)
    .groupBy(operationKey)
    .having(having)
    .as("matching");
  // The page's keys and the total in one statement (a window count over every matching
  // operation). A page past the end has no row to carry the total: only then is the last page
  // asked for again, so a stale page link still lands on the last page.
  const pageOf = (n: number) =>
    opts.db
      .select({ key: matching.key, total: sql<number>`count(*) over ()`.mapWith(Number) })
      .from(matching)
      .orderBy(desc(matching.lastAt), desc(matching.key))
      .limit(pageSize)
      .offset((n - 1) * pageSize);
  const asked = Math.max(1, opts.page ?? 1);
  let rows = await pageOf(asked);
  let page = asked;
  if (rows.length === 0 && asked > 1) {
    const [{ total: all } = { total: 0 }] = await opts.db.select({ total: sql<number>`count(*)::int` }).from(matching);
    page = Math.max(1, Math.ceil(all / pageSize));
    rows = all > 0 ? await pageOf(page) : [];
  }
  const total = rows[0]?.total ?? 0;
  const pageCount = Math.max(1, Math.ceil(total / pageSize));
  const keys = rows.map((r) => r.key);
  if (keys.length === 0) return { operations: [], total, page, pageCount };

  const ids = keys.filter((k) => UUID.test(k));
  const eventRows = await selectNamedEvents(opts.db)
    .where(and(eq(scmEvents.orgId, opts.actor.orgId), or(inArray(scmEvents.correlationId, keys), ids.length ? and(isNull(scmEvents.correlationId), inArray(scmEvents.id, ids)) : undefined)))
    .orderBy(asc(scmEvents.at), asc(scmEvents.id));
  const byKey = new Map<string, DiagnosticEvent[]>();
  for (const row of eventRows) {
    const e = toDiagnosticEvent(row);
    const k = e.correlationId ?? e.id;
    const list = byKey.get(k) ?? [];
    list.push(e);
    byKey.set(k, list);
  }
  const operations = keys.flatMap((k) => {
    const events = byKey.get(k);
    if (!events?.length) return [];
    const shown = events.length > STAGES_PER_OPERATION ? [...events.slice(0, STAGES_PER_OPERATION - 1), events.at(-1)!] : events;
    return [{ ...summarizeOperation(k, events), stages: shown, stageCount: events.length }];
  });
  return { operations, total, page, pageCount };
}
