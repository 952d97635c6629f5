import Link from "next/link";

/** Previous / "Page n of m" / Next links; nothing when everything fits on one page. */
export function Pagination({ label, page, pageCount, href }: { label: string; page: number; pageCount: number; href: (page: number) => string }) {
  if (pageCount <= 1) return null;
  return (
    <nav aria-label={label} className="flex items-center gap-3 text-sm">
      {page > 1 ? (
        <Link className="font-medium text-brand-700 underline" href={href(Math.min(page - 1, pageCount))}>
          Previous
        </Link>
      ) : null}
      <span className="text-gray-700">
        Page {page} of {pageCount}
      </span>
      {page < pageCount ? (
        <Link className="font-medium text-brand-700 underline" href={href(page + 1)}>
          Next
        </Link>
      ) : null}
    </nav>
  );
}
