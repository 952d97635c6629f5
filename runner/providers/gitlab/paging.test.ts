import { describe, expect, it } from "vitest";
import { decodePosition, encodePosition, MAX_PAGES_READ, readPage, slicePage, type Fetched } from "./paging";

/** GitLab's offset pages over `items`, recording which pages were asked for. */
function pages<T>(items: T[]) {
  const asked: [number, number][] = [];
  const fetch = async (page: number, perPage: number): Promise<Fetched<T>> => {
    asked.push([page, perPage]);
    const slice = items.slice((page - 1) * perPage, page * perPage);
    return { items: slice, next: page * perPage < items.length ? page + 1 : null };
  };
  return { fetch, asked };
}

const numbers = (n: number) => Array.from({ length: n }, (_, i) => i + 1);

describe("readPage", () => {
  it("reads pages of the size asked for and trusts x-next-page when nothing is filtered", async () => {
    const source = pages(numbers(5));
    const first = await readPage({ cursor: undefined, limit: 2, fetch: source.fetch });
    expect(first).toEqual({ items: [1, 2], hasMore: true, nextCursor: "2:0:2" });
    const second = await readPage({ cursor: first.nextCursor!, limit: 2, fetch: source.fetch });
    expect(second).toEqual({ items: [3, 4], hasMore: true, nextCursor: "3:0:2" });
    expect(await readPage({ cursor: second.nextCursor!, limit: 2, fetch: source.fetch })).toEqual({ items: [5], hasMore: false, nextCursor: null });
    expect(source.asked).toEqual([
      [1, 2],
      [2, 2],
      [3, 2],
    ]);
  });

  it("keeps the page size of the cursor when a later call asks for another limit", async () => {
    const source = pages(numbers(5));
    const first = await readPage({ cursor: undefined, limit: 3, fetch: source.fetch });
    const next = await readPage({ cursor: first.nextCursor!, limit: 1, fetch: source.fetch });
    expect(next).toEqual({ items: [4], hasMore: true, nextCursor: "2:1:3" });
    expect(await readPage({ cursor: next.nextCursor!, limit: 10, fetch: source.fetch })).toEqual({ items: [5], hasMore: false, nextCursor: null });
  });

  // With a filter, a next page may hold nothing that counts: hasMore is only true when an item that counts was seen.
  it("reads ahead past filtered-out items so hasMore is exact", async () => {
    const source = pages([...numbers(150).map((n) => n * 2), 301]);
    const odd = await readPage({ cursor: undefined, limit: 1, fetch: source.fetch, keep: (n: number) => n % 2 === 1 });
    expect(odd).toEqual({ items: [301], hasMore: false, nextCursor: null });
    expect(source.asked).toEqual([
      [1, 100],
      [2, 100],
    ]);
    const even = await readPage({ cursor: undefined, limit: 99, fetch: pages(numbers(300)).fetch, keep: (n: number) => n % 2 === 0 });
    expect(even.items.at(-1)).toBe(198);
    expect(even).toMatchObject({ hasMore: true, nextCursor: "2:99:100" });
  });

  it("answers no items but says whether any exist for a limit of 0", async () => {
    expect(await readPage({ cursor: undefined, limit: 0, fetch: pages([7]).fetch, keep: () => true })).toEqual({ items: [], hasMore: true, nextCursor: "1:0:100" });
    expect(await readPage({ cursor: undefined, limit: 0, fetch: pages<number>([]).fetch, keep: () => true })).toEqual({ items: [], hasMore: false, nextCursor: null });
  });

  it("stops after MAX_PAGES_READ pages and goes on from the next one", async () => {
    const source = pages(numbers(100 * (MAX_PAGES_READ + 2)));
    const page = await readPage({ cursor: undefined, limit: 5, fetch: source.fetch, keep: () => false });
    expect(page).toEqual({ items: [], hasMore: true, nextCursor: `${MAX_PAGES_READ + 1}:0:100` });
  });
});

describe("positions", () => {
  it("round-trip, and a cursor the backend did not make is a bug, not a page", () => {
    expect(decodePosition(encodePosition({ page: 3, skip: 4, perPage: 20 }))).toEqual({ page: 3, skip: 4, perPage: 20 });
    for (const bad of ["", "3", "0:0:20", "1:-1:20", "1:0:101", "1:0:x", "1:0:20:4"]) expect(() => decodePosition(bad)).toThrow();
  });

  it("slicePage pages a list read whole by offset", () => {
    const first = slicePage(["a", "b", "c"], undefined, 2);
    expect(first).toEqual({ items: ["a", "b"], hasMore: true, nextCursor: "1:2:100" });
    expect(slicePage(["a", "b", "c"], first.nextCursor!, 2)).toEqual({ items: ["c"], hasMore: false, nextCursor: null });
  });
});
