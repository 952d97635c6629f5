import Link from "next/link";
import { auditQueryString, type AuditCursor, type AuditFilters } from "@/lib/audit/schemas";

const link = "font-medium text-brand-700 underline";

/** Newest / Newer / Older links over the keyset pages; each link keeps the filters. */
export function AuditPager({ filters, newer, older }: { filters: AuditFilters; newer: AuditCursor | null; older: AuditCursor | null }) {
  if (!newer && !older) return null;
  return (
    <nav aria-label="Audit log pages" className="flex flex-wrap items-center gap-4 text-sm">
      {newer ? (
        <>
          <Link className={link} href={`/settings/audit-log${auditQueryString(filters)}`}>
            Newest
          </Link>
          <Link className={link} href={`/settings/audit-log${auditQueryString(filters, { after: newer })}`}>
            Newer entries
          </Link>
        </>
      ) : null}
      {older ? (
        <Link className={link} href={`/settings/audit-log${auditQueryString(filters, { before: older })}`}>
          Older entries
        </Link>
      ) : null}
    </nav>
  );
}
