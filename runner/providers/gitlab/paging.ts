import type { Page } from "../../agent-tools/backend";
import { decodePosition as decode, encodePosition, MAX_PER_PAGE, readOffsetPages, type Fetched, type PageRequest, type Position } from "../../agent-tools/offset-pages";

/**
 * Paging over GitLab's offset pages (`page`, `per_page`, `x-next-page`), as `readOffsetPages`
 * does it for every numbered-page provider; lists GitLab answers unpaged are sliced by offset.
 */

export { encodePosition, type Fetched, type Position };

/** One GitLab page as gitbeaker's `showExpanded` answers it. */
export type Expanded<T> = { data: T[]; paginationInfo: { next: number | null } };

/** The most GitLab pages one call reads while filtering. */
export const MAX_PAGES_READ = 10;

export function offsetPage<T>(answer: Expanded<T>): Fetched<T> {
  return { items: answer.data, next: answer.paginationInfo.next };
}

/** The position a cursor names; a cursor is sealed by the tools, so anything else is a bug, not input. */
export function decodePosition(cursor: string): Position {
  return decode(cursor, "GitLab");
}

/** One answer's worth of items from `cursor` on. */
export function readPage<T>(request: PageRequest<T>): Promise<{ items: T[] } & Page> {
  return readOffsetPages(request, { maxPagesRead: MAX_PAGES_READ, provider: "GitLab" });
}

/** A page of a list already read whole (GitLab answers it unpaged), by offset. */
export function slicePage<T>(all: T[], cursor: string | undefined, limit: number): { items: T[] } & Page {
  const offset = cursor ? decodePosition(cursor).skip : 0;
  const items = all.slice(offset, offset + limit);
  const more = offset + limit < all.length;
  return { items, hasMore: more, nextCursor: more ? encodePosition({ page: 1, skip: offset + limit, perPage: MAX_PER_PAGE }) : null };
}
