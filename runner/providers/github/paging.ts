import type { Page } from "../../agent-tools/backend";
import { encodePosition, readOffsetPages } from "../../agent-tools/offset-pages";

/**
 * Paging over GitHub's REST pages (`page`, `per_page`, the `Link` header's `rel="next"`), as
 * `readOffsetPages` does it for every numbered-page provider.
 */

/** One page read: its items and whether GitHub links a next page. */
export type Fetched<T> = { items: T[]; hasNext: boolean };

/** The most pages one call reads while filtering. */
export const MAX_PAGES_READ = 5;

/** Whether a `Link` header names a next page. */
export function linksNext(link: string | undefined): boolean {
  return typeof link === "string" && /rel="next"/.test(link);
}

/** The cursor for the items after the first `count` of the first page, as get_issue hands on to list_issue_comments. */
export function positionAfter(count: number): string {
  return count > 0 ? encodePosition({ page: 2, skip: 0, perPage: count }) : encodePosition({ page: 1, skip: 0, perPage: 30 });
}

export type PageRequest<T> = {
  cursor: string | undefined;
  limit: number;
  fetch: (page: number, perPage: number) => Promise<Fetched<T>>;
  /** Which items count; without it every item does. */
  keep?: (item: T) => boolean;
};

/** One answer's worth of items from `cursor` on. */
export function readPage<T>(request: PageRequest<T>): Promise<{ items: T[] } & Page> {
  const fetch = async (page: number, perPage: number) => {
    const fetched = await request.fetch(page, perPage);
    return { items: fetched.items, next: fetched.hasNext ? page + 1 : null };
  };
  return readOffsetPages({ ...request, fetch }, { maxPagesRead: MAX_PAGES_READ, provider: "GitHub" });
}
