import type { Page } from "../../agent-tools/backend";

/**
 * Paging over GitLab's offset pages (`page`, `per_page`, `x-next-page`). The position handed back
 * as `nextCursor` is `page:skip:perPage`: GitLab's page, how many of its items were already
 * answered, and the page size it was read with, so a later call with another `limit` still reads
 * the same pages. Where items are filtered out after reading (system notes, discussions not on
 * the diff), pages are read ahead until one item more than asked for is found, so `hasMore` is
 * true exactly when another matching item exists (within `MAX_PAGES_READ` pages per call).
 */

/** One GitLab page as gitbeaker's `showExpanded` answers it. */
export type Expanded<T> = { data: T[]; paginationInfo: { next: number | null } };

/** One page read: its items and the number of the next page, null on the last. */
export type Fetched<T> = { items: T[]; next: number | null };

/** The most GitLab pages one call reads while filtering. */
export const MAX_PAGES_READ = 10;

/** GitLab's largest `per_page`. */
const MAX_PER_PAGE = 100;

export type Position = { page: number; skip: number; perPage: number };

export function offsetPage<T>(answer: Expanded<T>): Fetched<T> {
  return { items: answer.data, next: answer.paginationInfo.next };
}

export function encodePosition(p: Position): string {
  return `${p.page}:${p.skip}:${p.perPage}`;
}

/** The position a cursor names; a cursor is sealed by the tools, so anything else is a bug, not input. */
export function decodePosition(cursor: string): Position {
  const parts = cursor.split(":").map(Number);
  const [page = 0, skip = -1, perPage = 0] = parts;
  const valid = parts.length === 3 && parts.every((n) => Number.isInteger(n)) && page >= 1 && skip >= 0 && perPage >= 1 && perPage <= MAX_PER_PAGE;
  if (!valid) throw new Error("the GitLab backend was given a cursor it did not make");
  return { page, skip, perPage };
}

export type PageRequest<T> = {
  cursor: string | undefined;
  /** How many items to answer; 0 answers none but still says whether any exist. */
  limit: number;
  fetch: (page: number, perPage: number) => Promise<Fetched<T>>;
  /** Which items count; without it every item does, and GitLab's `x-next-page` says whether more exist. */
  keep?: (item: T) => boolean;
};

/** One answer's worth of items from `cursor` on. */
export async function readPage<T>(request: PageRequest<T>): Promise<{ items: T[] } & Page> {
  const { limit, keep } = request;
  const start = request.cursor ? decodePosition(request.cursor) : { page: 1, skip: 0, perPage: keep ? MAX_PER_PAGE : Math.max(1, Math.min(MAX_PER_PAGE, limit)) };
  const items: T[] = [];
  let { page, skip } = start;
  for (let read = 0; read < MAX_PAGES_READ; read++) {
    const fetched = await request.fetch(page, start.perPage);
    for (let i = skip; i < fetched.items.length; i++) {
      const item = fetched.items[i] as T;
      if (keep && !keep(item)) continue;
      if (items.length === limit) return { items, hasMore: true, nextCursor: encodePosition({ page, skip: i, perPage: start.perPage }) };
      items.push(item);
    }
    if (fetched.next === null) return { items, hasMore: false, nextCursor: null };
    // Unfiltered, the next page is known to hold items: no need to read it to say so.
    if (!keep && items.length === limit) return { items, hasMore: true, nextCursor: encodePosition({ page: fetched.next, skip: 0, perPage: start.perPage }) };
    page = fetched.next;
    skip = 0;
  }
  return { items, hasMore: true, nextCursor: encodePosition({ page, skip: 0, perPage: start.perPage }) };
}

/** A page of a list already read whole (GitLab answers it unpaged), by offset. */
export function slicePage<T>(all: T[], cursor: string | undefined, limit: number): { items: T[] } & Page {
  const offset = cursor ? decodePosition(cursor).skip : 0;
  const items = all.slice(offset, offset + limit);
  const more = offset + limit < all.length;
  return { items, hasMore: more, nextCursor: more ? encodePosition({ page: 1, skip: offset + limit, perPage: MAX_PER_PAGE }) : null };
}
