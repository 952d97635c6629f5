/**
 * Bitbucket's query language (BBQL, the `q` parameter of list endpoints), evaluated against the
 * JSON the endpoint answers with: `field op value` terms (`=`, `!=`, `~` contains, `!~`, `>`, `>=`,
 * `<`, `<=`) on dotted field paths, string, number, `true`/`false`/`null` values, joined by `AND`
 * and `OR` with parentheses. https://developer.atlassian.com/cloud/bitbucket/rest/intro/#filtering
 * `~` is case-insensitive, `=` exact, as Bitbucket documents.
 */

type Value = string | number | boolean | null;
type Node = { kind: "and" | "or"; left: Node; right: Node } | { kind: "term"; field: string; op: string; value: Value };

/** A query Bitbucket would refuse; the message is the one its 400 carries. */
export class BbqlError extends Error {}

const TOKEN = /\s*(?:(\()|(\))|("(?:[^"\\]|\\.)*")|(!=|!~|>=|<=|=|~|>|<)|([A-Za-z_][A-Za-z0-9_.]*)|(-?\d+(?:\.\d+)?))/y;

function tokenize(q: string): string[] {
  const out: string[] = [];
  TOKEN.lastIndex = 0;
  while (TOKEN.lastIndex < q.length) {
    if (/^\s*$/.test(q.slice(TOKEN.lastIndex))) break;
    const start = TOKEN.lastIndex;
    const m = TOKEN.exec(q);
    if (!m) throw new BbqlError(`Invalid query: unexpected input at position ${start}`);
    out.push(m.slice(1).find((g) => g !== undefined) ?? "");
  }
  return out;
}

function parse(q: string): Node {
  const tokens = tokenize(q);
  let i = 0;
  const peek = () => tokens[i];
  const next = () => {
    const token = tokens[i++];
    if (token === undefined) throw new BbqlError("Invalid query: unexpected end of query");
    return token;
  };
  const literal = (token: string): Value => {
    if (token.startsWith('"')) return token.slice(1, -1).replace(/\\(.)/g, "$1");
    if (token === "true" || token === "false") return token === "true";
    if (token === "null") return null;
    if (/^-?\d/.test(token)) return Number(token);
    throw new BbqlError(`Invalid query: ${token} is not a value`);
  };
  const primary = (): Node => {
    if (peek() === "(") {
      next();
      const inner = or();
      if (next() !== ")") throw new BbqlError("Invalid query: missing )");
      return inner;
    }
    const field = next();
    if (!/^[A-Za-z_]/.test(field)) throw new BbqlError(`Invalid query: expected a field, got ${field}`);
    const op = next();
    if (!["=", "!=", "~", "!~", ">", ">=", "<", "<="].includes(op)) throw new BbqlError(`Invalid query: unknown operator ${op}`);
    return { kind: "term", field, op, value: literal(next()) };
  };
  const and = (): Node => {
    let left = primary();
    while (peek()?.toUpperCase() === "AND") {
      next();
      left = { kind: "and", left, right: primary() };
    }
    return left;
  };
  const or = (): Node => {
    let left = and();
    while (peek()?.toUpperCase() === "OR") {
      next();
      left = { kind: "or", left, right: and() };
    }
    return left;
  };
  const tree = or();
  if (i !== tokens.length) throw new BbqlError(`Invalid query: unexpected ${tokens[i]}`);
  return tree;
}

function fieldValue(item: unknown, path: string): unknown {
  let cur: unknown = item;
  for (const part of path.split(".")) {
    if (cur === null || typeof cur !== "object") return null;
    cur = (cur as Record<string, unknown>)[part];
  }
  return cur === undefined ? null : cur;
}

function test(node: Node, item: unknown): boolean {
  if (node.kind !== "term") return node.kind === "and" ? test(node.left, item) && test(node.right, item) : test(node.left, item) || test(node.right, item);
  const actual = fieldValue(item, node.field);
  const v = node.value;
  switch (node.op) {
    case "=":
      return actual === v || (v === null && actual === null);
    case "!=":
      return actual !== v;
    case "~":
    case "!~": {
      const contains = typeof actual === "string" && typeof v === "string" && actual.toLowerCase().includes(v.toLowerCase());
      return node.op === "~" ? contains : !contains;
    }
    default: {
      if (actual === null || v === null) return false;
      const a = actual as string | number;
      if (node.op === ">") return a > v;
      if (node.op === ">=") return a >= v;
      if (node.op === "<") return a < v;
      return a <= v;
    }
  }
}

/** Keeps the items a BBQL query matches (all when `q` is null); throws BbqlError for a malformed one. */
export function filterBbql<T>(items: T[], q: string | null): T[] {
  if (q === null || q.trim() === "") return items;
  const tree = parse(q);
  return items.filter((item) => test(tree, item));
}

/** Sorts by `sort` (`field` ascending, `-field` descending) on the answered JSON; unchanged when null. */
export function sortBy<T>(items: T[], sort: string | null): T[] {
  if (!sort) return items;
  const descending = sort.startsWith("-");
  const field = descending ? sort.slice(1) : sort;
  return [...items].sort((x, y) => {
    const a = fieldValue(x, field) as string | number | null;
    const b = fieldValue(y, field) as string | number | null;
    const order = a === b ? 0 : a === null ? -1 : b === null ? 1 : a < b ? -1 : 1;
    return descending ? -order : order;
  });
}
