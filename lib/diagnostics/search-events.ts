import { and, desc, eq, gte, ilike, inArray, lte, or, sql, type SQL } from "drizzle-orm";
import { alias } from "drizzle-orm/pg-core";
import type { DbOrTx } from "@/db/client";
import { runners, scmEvents, users, type ScmEvent } from "@/db/schema";
import { escapeLike } from "../sql/escape-like";
import { assertRole, type Actor } from "../users/actor";
import type { EventFilters } from "./schemas";

/** An event with the names support needs to read it (never anything secret). */
export type DiagnosticEvent = ScmEvent & { userEmail: string | null; actorEmail: string | null; runnerName: string | null };

export const SEARCH_LIMIT = 50;

/** The person an event concerns (joined for their email); searches filter on it. */
export const person = alias(users, "person");
const actorUser = alias(users, "actor_user");

function contains(value: string): string {
  return `%${escapeLike(value)}%`;
}

/**
 * The trail's events with the names support reads them by (the affected person's and the acting
 * user's email, the runner's name), joined in one query: add the WHERE, order and limit, and map
 * the rows with `toDiagnosticEvent`.
 */
export function selectNamedEvents(db: DbOrTx) {
  return db
    .select({ event: scmEvents, userEmail: person.email, actorEmail: actorUser.email, runnerName: runners.name })
    .from(scmEvents)
    .leftJoin(person, eq(person.id, scmEvents.userId))
    .leftJoin(actorUser, eq(actorUser.id, scmEvents.actorId))
    .leftJoin(runners, and(eq(runners.id, scmEvents.runnerId), eq(runners.orgId, scmEvents.orgId)));
}

export function toDiagnosticEvent(row: { event: ScmEvent; userEmail: string | null; actorEmail: string | null; runnerName: string | null }): DiagnosticEvent {
  return { ...row.event, userEmail: row.userEmail, actorEmail: row.actorEmail, runnerName: row.runnerName };
}

/** The WHERE of a Diagnostics search, always within the actor's organization. */
export function eventConditions(actor: Actor, filters: Partial<EventFilters>): SQL[] {
  const where: (SQL | undefined)[] = [
    eq(scmEvents.orgId, actor.orgId),
    filters.from ? gte(scmEvents.at, filters.from) : undefined,
    filters.to ? lte(scmEvents.at, filters.to) : undefined,
    // The person the event concerns, or the user who acted (an admin's change, support's Check access).
    filters.email
      ? or(ilike(person.email, contains(filters.email)), sql`${scmEvents.actorId} in (select ${users.id} from ${users} where ${users.email} ilike ${contains(filters.email)})`)
      : undefined,
    filters.runnerId ? eq(scmEvents.runnerId, filters.runnerId) : undefined,
    // By name in the same query (names are unique per organization, case-insensitively).
    filters.runnerName
      ? sql`${scmEvents.runnerId} in (select ${runners.id} from ${runners} where ${runners.orgId} = ${actor.orgId} and lower(${runners.name}) = lower(${filters.runnerName}))`
      : undefined,
    filters.host ? ilike(scmEvents.host, contains(filters.host)) : undefined,
    filters.code ? eq(scmEvents.errorCode, filters.code) : undefined,
    filters.operation ? eq(scmEvents.operation, filters.operation) : undefined,
    filters.failuresOnly ? inArray(scmEvents.outcome, ["failed", "cancelled", "refused"]) : undefined,
  ];
  return where.filter((c): c is SQL => c !== undefined);
}

/**
 * Searches the organization's diagnostic trail (admins and support), newest first: by the
 * affected person's or the acting user's email (part of it), operation, runner (id or name), host, error code, failures only, and time range.
 * One query, with the person's, the acting user's and the runner's names joined in.
 */
export async function searchEvents(opts: { db: DbOrTx; actor: Actor; filters: Partial<EventFilters>; limit?: number }): Promise<DiagnosticEvent[]> {
  assertRole(opts.actor, "admin", "support");
  const rows = await selectNamedEvents(opts.db)
    .where(and(...eventConditions(opts.actor, opts.filters)))
    .orderBy(desc(scmEvents.at), desc(scmEvents.id))
    .limit(Math.min(opts.limit ?? SEARCH_LIMIT, 1000));
  return rows.map(toDiagnosticEvent);
}
