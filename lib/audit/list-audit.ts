import { and, asc, desc, eq, gte, ilike, inArray, lte, or, sql, type SQL } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { auditLog, groups, memberships, runners, scmIntegrations, users, type Role } from "@/db/schema";
import { redact } from "../log/redact";
import { sectionRoles, type SettingsSectionId } from "../settings/sections";
import { escapeLike } from "../sql/escape-like";
import { assertRole, type Actor } from "../users/actor";
import { diffAuditValues, type AuditChange } from "./audit-diff";
import { auditActionLabel, auditTargetKinds, describeActor, targetKindOf, targetTypeLabel } from "./labels";
import type { AuditCursor, AuditFilters, AuditPage } from "./schemas";

/** Who may read the audit log: admins, and support staff read-only (there is nothing to change). */
export const AUDIT_LOG_ROLES: readonly Role[] = ["admin", "support"];

export const AUDIT_PAGE_SIZE = 50;

export type AuditEntry = {
  id: string;
  at: Date;
  cursor: AuditCursor;
  actor: { kind: "person" | "system" | "runner"; name: string; email: string | null };
  action: { code: string; label: string };
  target: { type: string; typeLabel: string; id: string | null; label: string; href: string | null };
  /** Redacted again here, whatever the row holds. */
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
  changes: AuditChange[];
};

export type AuditListing = {
  entries: AuditEntry[];
  /** Where the next older page starts; null on the oldest page. */
  older: AuditCursor | null;
  /** Where the next newer page starts; null on the newest page. */
  newer: AuditCursor | null;
};

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** `%` and `_` typed into a filter are matched as themselves. */
function contains(value: string): string {
  return `%${escapeLike(value)}%`;
}

/** The row's time as PostgreSQL keeps it (microseconds, UTC): a JavaScript Date would drop digits and skip rows between pages. */
const atText = sql<string>`to_char(${auditLog.at} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

function filterConditions(actor: Actor, filters: AuditFilters): (SQL | undefined)[] {
  const conds: (SQL | undefined)[] = [eq(auditLog.orgId, actor.orgId)];
  if (filters.from) conds.push(gte(auditLog.at, filters.from));
  if (filters.to) conds.push(lte(auditLog.at, filters.to));
  if (filters.action) conds.push(eq(auditLog.action, filters.action));
  if (filters.targetKind) conds.push(inArray(auditLog.targetType, [...auditTargetKinds[filters.targetKind].types]));
  if (filters.target) conds.push(ilike(auditLog.targetLabel, contains(filters.target)));
  if (filters.actor) {
    const p = contains(filters.actor);
    conds.push(or(ilike(auditLog.actorLabel, p), ilike(users.name, p), ilike(users.email, p)));
  }
  return conds;
}

function canOpen(actor: Actor, section: SettingsSectionId): boolean {
  return (sectionRoles(section) as readonly Role[]).includes(actor.role);
}

/**
 * Links to the targets that still exist, for the pages the reader's role may open: a handful of
 * queries per page (one per kind of target), never one per row.
 */
async function targetLinks(db: DbOrTx, actor: Actor, rows: { targetType: string; targetId: string | null }[]): Promise<Map<string, string>> {
  const ids = (kind: string) => [...new Set(rows.filter((r) => targetKindOf(r.targetType) === kind && r.targetId && UUID.test(r.targetId)).map((r) => r.targetId!.toLowerCase()))];
  const links = new Map<string, string>();
  const key = (kind: string, id: string) => `${kind}:${id}`;
  const runnerIds = canOpen(actor, "runners") ? ids("runner") : [];
  const providerIds = canOpen(actor, "runners") ? ids("git_provider") : [];
  const groupIds = canOpen(actor, "members") ? ids("group") : [];
  const userIds = canOpen(actor, "members") ? ids("member") : [];
  await Promise.all([
    runnerIds.length &&
      db
        .select({ id: runners.id })
        .from(runners)
        .where(and(eq(runners.orgId, actor.orgId), inArray(runners.id, runnerIds)))
        .then((found) => found.forEach((r) => links.set(key("runner", r.id), `/settings/runners/${r.id}`))),
    providerIds.length &&
      db
        .select({ id: scmIntegrations.id, runnerId: scmIntegrations.runnerId })
        .from(scmIntegrations)
        .where(and(eq(scmIntegrations.orgId, actor.orgId), inArray(scmIntegrations.id, providerIds)))
        .then((found) => found.forEach((i) => links.set(key("git_provider", i.id), `/settings/runners/${i.runnerId}/integrations/${i.id}`))),
    groupIds.length &&
      db
        .select({ id: groups.id })
        .from(groups)
        .where(and(eq(groups.orgId, actor.orgId), inArray(groups.id, groupIds)))
        .then((found) => found.forEach((g) => links.set(key("group", g.id), `/settings/members/groups/${g.id}`))),
    userIds.length &&
      db
        .select({ id: users.id, email: users.email })
        .from(memberships)
        .innerJoin(users, eq(users.id, memberships.userId))
        .where(and(eq(memberships.orgId, actor.orgId), inArray(memberships.userId, userIds)))
        .then((found) => found.forEach((u) => links.set(key("member", u.id), `/settings/members?${new URLSearchParams({ q: u.email })}`))),
  ]);
  if (canOpen(actor, "agents")) {
    for (const r of rows) if (targetKindOf(r.targetType) === "agent_policy") links.set(key("agent_policy", (r.targetId ?? "").toLowerCase()), "/settings/agents");
  }
  return links;
}

function asObject(value: unknown): Record<string, unknown> | null {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return null;
  return redact(value as Record<string, unknown>);
}

/**
 * One page of the organization's audit log, newest first, for admins and support (read-only):
 * filtered by actor, action, target and time, paged by keyset on (at, id) so a page costs the
 * same however deep it is and rows written meanwhile neither repeat nor go missing. Before and
 * after are redacted again before they leave, as defence in depth.
 */
export async function listAudit(opts: { db: DbOrTx; actor: Actor; filters?: AuditFilters; page?: AuditPage; limit?: number; links?: boolean }): Promise<AuditListing> {
  assertRole(opts.actor, ...AUDIT_LOG_ROLES);
  const filters = opts.filters ?? { range: "all" };
  const limit = Math.max(1, Math.min(opts.limit ?? AUDIT_PAGE_SIZE, 1000));
  const { before, after } = opts.page ?? {};
  const conds = filterConditions(opts.actor, filters);
  const cursor = before ?? after;
  if (cursor) {
    const at = sql`${cursor.at}::timestamptz`;
    const id = sql`${cursor.id}::uuid`;
    // `at` alone is what the (org_id, at) index serves; the id breaks ties between rows of one instant.
    conds.push(before ? sql`(${auditLog.at} <= ${at} and (${auditLog.at} < ${at} or ${auditLog.id} < ${id}))` : sql`(${auditLog.at} >= ${at} and (${auditLog.at} > ${at} or ${auditLog.id} > ${id}))`);
  }
  const newestFirst = !after;
  const rows = await opts.db
    .select({
      id: auditLog.id,
      at: auditLog.at,
      atText,
      actorId: auditLog.actorId,
      actorLabel: auditLog.actorLabel,
      actorName: users.name,
      actorEmail: users.email,
      action: auditLog.action,
      targetType: auditLog.targetType,
      targetId: auditLog.targetId,
      targetLabel: auditLog.targetLabel,
      before: auditLog.before,
      after: auditLog.after,
    })
    .from(auditLog)
    .leftJoin(users, eq(users.id, auditLog.actorId))
    .where(and(...conds))
    .orderBy(...(newestFirst ? [desc(auditLog.at), desc(auditLog.id)] : [asc(auditLog.at), asc(auditLog.id)]))
    .limit(limit + 1);
  const more = rows.length > limit;
  const page = rows.slice(0, limit);
  if (!newestFirst) page.reverse();
  const links = opts.links === false ? new Map<string, string>() : await targetLinks(opts.db, opts.actor, page);
  const entries = page.map((r): AuditEntry => {
    const kind = targetKindOf(r.targetType);
    const beforeValue = asObject(r.before);
    const afterValue = asObject(r.after);
    return {
      id: r.id,
      at: r.at,
      cursor: { at: r.atText, id: r.id },
      actor: describeActor(r),
      action: { code: r.action, label: auditActionLabel(r.action) },
      target: {
        type: r.targetType,
        typeLabel: targetTypeLabel(r.targetType),
        id: r.targetId,
        label: redact(r.targetLabel),
        href: kind ? (links.get(`${kind}:${(r.targetId ?? "").toLowerCase()}`) ?? null) : null,
      },
      before: beforeValue,
      after: afterValue,
      changes: diffAuditValues(beforeValue, afterValue),
    };
  });
  const first = entries[0]?.cursor ?? null;
  const last = entries.at(-1)?.cursor ?? null;
  return newestFirst ? { entries, older: more ? last : null, newer: before ? first : null } : { entries, older: last, newer: more ? first : null };
}
