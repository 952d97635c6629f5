import type { Page } from "./backend";

/**
 * Paging over a provider's numbered pages (`page` and `per_page`: GitHub's REST lists, GitLab's
 * offset pages). The position handed back as `nextCursor` is `page:skip:perPage`: the provider's
 * page, how many of its items were already answered, and the page size it was read with, so a
 * later call with another `limit` reads the same pages. Where items are filtered out after reading
 * (pull requests in GitHub's issue list, GitLab's system notes), pages are read ahead until one
 * item more than asked for is found, so `hasMore` is true exactly when another matching item
 * exists (within `maxPagesRead` pages per call; past that, more may exist and the next call reads on).
 */

/** The largest `per_page` GitHub and GitLab take. */
export const MAX_PER_PAGE = 100;

export type Position = { page: number; skip: number; perPage: number };

/** One page read: its items and the number of the next page, null on the last. */
export type Fetched<T> = { items: T[]; next: number | null };

export type PageRequest<T> = {
  cursor: string | undefined;
  /** How many items to answer; 0 answers none but still says whether any exist. */
  limit: number;
  fetch: (page: number, perPage: number) => Promise<Fetched<T>>;
  /** Which items count; without it every item does, and the provider's next page says whether more exist. */
  keep?: (item: T) => boolean;
};

export function encodePosition(p: Position): string {
  return `${p.page}:${p.skip}:${p.perPage}`;
}

/** The position a cursor names; a cursor is sealed by the tools, so anything else is a bug, not input. */
export function decodePosition(cursor: string, provider: string): Position {
  const parts = cursor.split(":").map(Number);
  const [page = 0, skip = -1, perPage = 0] = parts;
  const valid = parts.length === 3 && parts.every((n) => Number.isInteger(n)) && page >= 1 && skip >= 0 && perPage >= 1 && perPage <= MAX_PER_PAGE;
  if (!valid) throw new Error(`the ${provider} backend was given a cursor it did not make`);
  return { page, skip, perPage };
}

/** One answer's worth of items from `cursor` on. */
export async function readOffsetPages<T>(request: PageRequest<T>, opts: { maxPagesRead: number; provider: string }): Promise<{ items: T[] } & Page> {
  const { limit, keep } = request;
  const start = request.cursor ? decodePosition(request.cursor, opts.provider) : { page: 1, skip: 0, perPage: keep ? MAX_PER_PAGE : Math.max(1, Math.min(MAX_PER_PAGE, limit)) };
  const items: T[] = [];
  let { page, skip } = start;
  for (let read = 0; read < opts.maxPagesRead; read++) {
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
