import { GraphqlFailure } from "./failure";

/** Relay connection arguments, as GitHub's connections take them. */
export interface PageArgs {
  first?: number | null;
  last?: number | null;
  after?: string | null;
  before?: string | null;
  skip?: number | null;
}

/** An opaque cursor for the item at `index` (GitHub's are base64 of `cursor:v2:…` too). */
function cursorAt(index: number): string {
  return Buffer.from(`cursor:v2:${index}`).toString("base64");
}

function indexOf(cursor: string, connection: string): number {
  const m = /^cursor:v2:(\d+)$/.exec(Buffer.from(cursor, "base64").toString("utf8"));
  if (!m) throw new GraphqlFailure("INVALID_CURSOR_ARGUMENTS", `\`${cursor}\` does not appear to be a valid cursor.`, connection);
  return Number(m[1]);
}

/**
 * One page of `items` as a connection: `edges`, `nodes`, `pageInfo` and `totalCount`. As on
 * GitHub, `first` or `last` is required and at most 100.
 */
export function connection<T, N>(items: T[], args: PageArgs, name: string, node: (item: T) => N) {
  const { first, last } = args;
  if ((first === undefined || first === null) && (last === undefined || last === null)) {
    throw new GraphqlFailure("MISSING_PAGINATION_BOUNDARIES", `You must provide a \`first\` or \`last\` value to properly paginate the \`${name}\` connection.`);
  }
  for (const [arg, value] of [["first", first], ["last", last]] as const) {
    if (typeof value === "number" && (value < 0 || value > 100)) {
      throw new GraphqlFailure("EXCESSIVE_PAGINATION", `Requesting ${value} records on the \`${name}\` connection exceeds the \`${arg}\` limit of 100 records.`);
    }
  }
  let start = args.after ? indexOf(args.after, name) + 1 : 0;
  let end = args.before ? indexOf(args.before, name) : items.length;
  start = Math.min(items.length, Math.max(0, start + (args.skip ?? 0)));
  end = Math.max(start, Math.min(items.length, end));
  if (typeof first === "number") end = Math.min(end, start + first);
  if (typeof last === "number") start = Math.max(start, end - last);
  const edges = items.slice(start, end).map((item, i) => ({ cursor: cursorAt(start + i), node: node(item) }));
  return {
    edges,
    nodes: edges.map((e) => e.node),
    totalCount: items.length,
    pageInfo: { startCursor: edges[0]?.cursor ?? null, endCursor: edges.at(-1)?.cursor ?? null, hasNextPage: end < items.length, hasPreviousPage: start > 0 },
  };
}
