import type { Page } from "../../agent-tools/backend";

/**
 * Paging over GitHub's REST pages (`page`, `per_page`, the `Link` header's `rel="next"`). The
 * position handed back as `nextCursor` is `page:skip:perPage`: GitHub's page, how many of its items
 * were already answered, and the page size it was read with, so a later call with another `limit`
 * reads the same pages. Where items are filtered out after reading (pull requests in the issue
 * list, merged or unmerged pull requests), pages of 100 are read ahead until one item more than
 * asked for is found, so `hasMore` is true exactly when another matching item exists (within
 * `MAX_PAGES_READ` pages per call; past that, more may exist and the next call reads on).
 */

/** One page read: its items and whether GitHub links a next page. */
export type Fetched<T> = { items: T[]; hasNext: boolean };

/** The most pages one call reads while filtering. */
export const MAX_PAGES_READ = 5;

/** GitHub's largest `per_page`. */
const MAX_PER_PAGE = 100;

type Position = { page: number; skip: number; perPage: number };

function encode(p: Position): string {
  return `${p.page}:${p.skip}:${p.perPage}`;
}

/** The position a cursor names; a cursor is sealed by the tools, so anything else is a bug, not input. */
function decode(cursor: string): Position {
  const parts = cursor.split(":").map(Number);
  const [page = 0, skip = -1, perPage = 0] = parts;
  const valid = parts.length === 3 && parts.every((n) => Number.isInteger(n)) && page >= 1 && skip >= 0 && perPage >= 1 && perPage <= MAX_PER_PAGE;
  if (!valid) throw new Error("the GitHub backend was given a cursor it did not make");
  return { page, skip, perPage };
}

/** Whether a `Link` header names a next page. */
export function linksNext(link: string | undefined): boolean {
  return typeof link === "string" && /rel="next"/.test(link);
}

/** The cursor for the items after the first `count` of the first page, as get_issue hands on to list_issue_comments. */
export function positionAfter(count: number): string {
  return count > 0 ? encode({ page: 2, skip: 0, perPage: count }) : encode({ page: 1, skip: 0, perPage: 30 });
}

export type PageRequest<T> = {
  cursor: string | undefined;
  limit: number;
  fetch: (page: number, perPage: number) => Promise<Fetched<T>>;
  /** Which items count; without it every item does. */
  keep?: (item: T) => boolean;
};

/** One answer's worth of items from `cursor` on. */
export async function readPage<T>(request: PageRequest<T>): Promise<{ items: T[] } & Page> {
  const { limit, keep } = request;
  const start = request.cursor ? decode(request.cursor) : { page: 1, skip: 0, perPage: keep ? MAX_PER_PAGE : Math.max(1, Math.min(MAX_PER_PAGE, limit)) };
  const items: T[] = [];
  let { page, skip } = start;
  for (let read = 0; read < MAX_PAGES_READ; read++) {
    const fetched = await request.fetch(page, start.perPage);
    for (let i = skip; i < fetched.items.length; i++) {
      const item = fetched.items[i] as T;
      if (keep && !keep(item)) continue;
      if (items.length === limit) return { items, hasMore: true, nextCursor: encode({ page, skip: i, perPage: start.perPage }) };
      items.push(item);
    }
    if (!fetched.hasNext) return { items, hasMore: false, nextCursor: null };
    // Unfiltered, a linked next page holds items: no need to read it to say so.
    if (!keep && items.length === limit) return { items, hasMore: true, nextCursor: encode({ page: page + 1, skip: 0, perPage: start.perPage }) };
    page += 1;
    skip = 0;
  }
  return { items, hasMore: true, nextCursor: encode({ page, skip: 0, perPage: start.perPage }) };
}
