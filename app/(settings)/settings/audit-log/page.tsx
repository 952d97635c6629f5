import type { Metadata } from "next";
import Link from "next/link";
import { AuditFilters } from "@/components/settings/audit/audit-filters";
import { AuditPager } from "@/components/settings/audit/audit-pager";
import { AuditTable } from "@/components/settings/audit/audit-table";
import { PageHeader } from "@/components/settings/page-header";
import { EmptyState } from "@/components/ui/empty-state";
import { getDb } from "@/db/client";
import { AUDIT_EXPORT_MAX_ROWS } from "@/lib/audit/audit-csv";
import { AUDIT_PAGE_SIZE, listAudit } from "@/lib/audit/list-audit";
import { auditQueryString, parseAuditQuery } from "@/lib/audit/schemas";
import { requirePageActor } from "@/lib/auth/get-actor";
import { sectionRoles } from "@/lib/settings/sections";

export const metadata: Metadata = { title: "Audit log" };

/**
 * Settings > Audit log (admins; support read-only): every change to the organization's settings,
 * who made it and when, with the values before and after (redacted), filtered and paged in the URL.
 */
export default async function AuditLogPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const actor = await requirePageActor(sectionRoles("audit-log"));
  const { filters, page, errors } = parseAuditQuery(await searchParams);
  const listing = await listAudit({ db: await getDb(), actor, filters, page });
  const filtered = Boolean(filters.actor || filters.action || filters.targetKind || filters.target || filters.range !== "all");
  const paged = Boolean(page.before || page.after);
  const exportHref = `/api/audit-log/export${auditQueryString(filters)}`;
  return (
    <>
      <PageHeader
        title="Audit log"
        description={
          actor.role === "support"
            ? "Read-only view for support: who changed the organization's settings, what changed and when. Secrets are never recorded."
            : "Who changed the organization's settings, what changed and when. Secrets are never recorded."
        }
      />
      <div className="flex flex-col gap-6">
        <AuditFilters filters={filters} errors={errors} />
        <section aria-labelledby="entries-heading" className="flex flex-col gap-3">
          <div className="flex flex-wrap items-end justify-between gap-3">
            <div>
              <h2 id="entries-heading" className="text-lg font-semibold text-gray-900">
                Changes
              </h2>
              <p className="text-sm text-gray-700">
                Newest first, {AUDIT_PAGE_SIZE} a page. Times are UTC. Open a row&apos;s changed fields to see the values before and after.
              </p>
            </div>
            <div className="text-sm">
              <a href={exportHref} download className="font-medium text-brand-700 underline">
                Export CSV
              </a>
              <p className="text-xs text-gray-700">The filtered view, newest first, up to {AUDIT_EXPORT_MAX_ROWS.toLocaleString("en")} rows.</p>
            </div>
          </div>
          {listing.entries.length === 0 ? (
            paged ? (
              <EmptyState
                title="No entries on this page"
                action={
                  <Link className="font-medium text-brand-700 underline" href={`/settings/audit-log${auditQueryString(filters)}`}>
                    Go to the newest entries
                  </Link>
                }
              />
            ) : filtered ? (
              <EmptyState title="No change matches these filters">
                <p>Widen the time range or clear a filter.</p>
              </EmptyState>
            ) : (
              <EmptyState title="Nothing recorded yet">
                <p>Changes to runners, Git providers, members, groups and the agent policy appear here as admins make them.</p>
              </EmptyState>
            )
          ) : (
            <AuditTable entries={listing.entries} />
          )}
          <AuditPager filters={filters} newer={listing.newer} older={listing.older} />
        </section>
      </div>
    </>
  );
}
