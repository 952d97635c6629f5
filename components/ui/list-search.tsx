import Link from "next/link";
import { EmptyState } from "./empty-state";

/**
 * The search box above a paginated list: a GET form to the list's own page, so the query lands in
 * the URL (`?q=`) and works without JavaScript. The label is for screen readers; the placeholder
 * repeats it for sighted users.
 */
export function ListSearch({ action, id, label, placeholder, defaultValue }: { action: string; id: string; label: string; placeholder: string; defaultValue?: string }) {
  return (
    <form role="search" className="flex items-end gap-2" action={action}>
      <label htmlFor={id} className="sr-only">
        {label}
      </label>
      <input
        id={id}
        name="q"
        type="search"
        defaultValue={defaultValue ?? ""}
        placeholder={placeholder}
        maxLength={100}
        className="w-72 max-w-full rounded-md border border-gray-400 bg-white px-3 py-1.5 text-sm text-gray-900 placeholder:text-gray-600"
      />
      <button type="submit" className="rounded-md border border-gray-400 bg-white px-3 py-1.5 text-sm font-medium text-gray-900 hover:bg-gray-100">
        Search
      </button>
    </form>
  );
}

/** A page number past the end of a list that does have rows: says so and links to the last page. */
export function PastLastPage({ title, lastPageHref }: { title: string; lastPageHref: string }) {
  return (
    <EmptyState
      title={title}
      action={
        <Link className="font-medium text-brand-700 underline" href={lastPageHref}>
          Go to the last page
        </Link>
      }
    />
  );
}
