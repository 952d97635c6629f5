import Link from "next/link";
import { activityHref, type ActivityFilters } from "@/lib/agents/activity-query";
import type { KeysetCursor } from "@/lib/sql/keyset-cursor";

const link = "font-medium text-brand-700 underline";

/** Newest / Newer calls / Older calls links over the keyset pages; each keeps the filters, and none needs JavaScript. */
export function ActivityPager({ filters, newer, older }: { filters: ActivityFilters; newer: KeysetCursor | null; older: KeysetCursor | null }) {
  if (!newer && !older) return null;
  return (
    <nav aria-label="Agent activity pages" className="flex flex-wrap items-center gap-4 text-sm">
      {newer ? (
        <>
          <Link className={link} href={activityHref(filters)}>
            Newest
          </Link>
          <Link className={link} href={activityHref(filters, { after: newer })}>
            Newer calls
          </Link>
        </>
      ) : null}
      {older ? (
        <Link className={link} href={activityHref(filters, { before: older })}>
          Older calls
        </Link>
      ) : null}
    </nav>
  );
}
