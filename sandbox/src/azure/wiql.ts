import type { AzWorkItem } from "./state";

/**
 * The subset of WIQL (learn.microsoft.com/azure/devops/boards/queries/wiql-syntax) the agent
 * tools send, parsed for real: `SELECT [fields] FROM WorkItems WHERE <conditions> ORDER BY
 * [field] ASC|DESC`, conditions joined by AND, with parenthesized OR groups, operators `=`,
 * `<>`, `CONTAINS`, `NOT CONTAINS`, `IN (...)`, `NOT IN (...)`, and the `@project` and `@me`
 * macros. Anything else is refused with Azure's error, so a query the real service would read
 * differently cannot pass here.
 */

export class WiqlError extends Error {}

/** What a condition compares a work item's field with. */
export type WiqlScope = { project: string; me: { email: string; name: string } };
export type WiqlFieldReader = (item: AzWorkItem, field: string) => string | string[] | null;

type Token = { kind: "field" | "string" | "macro" | "word" | "symbol" | "number"; text: string };
type Condition = (item: AzWorkItem, scope: WiqlScope, read: WiqlFieldReader) => boolean;

const FIELDS = ["System.Id", "System.TeamProject", "System.State", "System.Title", "System.Description", "System.Tags", "System.WorkItemType", "System.AssignedTo", "System.ChangedDate", "System.CreatedDate"];
const ORDERABLE = ["System.Id", "System.ChangedDate", "System.CreatedDate", "System.Title"];

function unexpected(near: string): WiqlError {
  return new WiqlError(`TF51006: The query statement is not valid. The error is caused by «${near}».`);
}

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  const re = /\s*(?:(\[[^\]]+\])|'((?:[^']|'')*)'|(@\w+)|(<>|=|\(|\)|,)|(\d+)(?![\w.])|([A-Za-z_][\w.]*))/y;
  let at = 0;
  while (at < text.length) {
    if (/^\s*$/.test(text.slice(at))) break;
    re.lastIndex = at;
    const m = re.exec(text);
    if (!m) throw unexpected(text.slice(at).trim().slice(0, 20));
    at = re.lastIndex;
    if (m[1]) tokens.push({ kind: "field", text: m[1].slice(1, -1).trim() });
    else if (m[2] !== undefined) tokens.push({ kind: "string", text: m[2].replace(/''/g, "'") });
    else if (m[3]) tokens.push({ kind: "macro", text: m[3].toLowerCase() });
    else if (m[4]) tokens.push({ kind: "symbol", text: m[4] });
    else if (m[5]) tokens.push({ kind: "number", text: m[5] });
    else tokens.push({ kind: "word", text: (m[6] ?? "").toUpperCase() });
  }
  return tokens;
}

function knownField(name: string, allowed = FIELDS): string {
  const field = allowed.find((f) => f.toLowerCase() === name.toLowerCase());
  if (!field) throw new WiqlError(`TF51005: The query references a field that does not exist. The error is caused by «[${name}]».`);
  return field;
}

class Parser {
  private i = 0;
  constructor(private readonly tokens: Token[]) {}

  peek(): Token | undefined {
    return this.tokens[this.i];
  }
  next(): Token {
    const t = this.tokens[this.i++];
    if (!t) throw new WiqlError("TF51006: The query statement ended unexpectedly.");
    return t;
  }
  word(expected: string): void {
    const t = this.next();
    if (t.kind !== "word" || t.text !== expected) throw unexpected(t.text);
  }
  isWord(text: string): boolean {
    const t = this.peek();
    return t?.kind === "word" && t.text === text;
  }
  symbol(expected: string): void {
    const t = this.next();
    if (t.kind !== "symbol" || t.text !== expected) throw unexpected(t.text);
  }

  value(): (scope: WiqlScope) => string {
    const t = this.next();
    if (t.kind === "string" || t.kind === "number") return () => t.text;
    if (t.kind === "macro" && t.text === "@project") return (scope) => scope.project;
    if (t.kind === "macro" && t.text === "@me") return (scope) => scope.me.email;
    throw unexpected(t.text);
  }

  condition(): Condition {
    const t = this.peek();
    if (t?.kind === "symbol" && t.text === "(") {
      this.next();
      const parts = [this.condition()];
      const joiner = this.isWord("OR") ? "OR" : "AND";
      while (this.isWord(joiner)) {
        this.next();
        parts.push(this.condition());
      }
      this.symbol(")");
      return joiner === "OR" ? (item, scope, read) => parts.some((p) => p(item, scope, read)) : (item, scope, read) => parts.every((p) => p(item, scope, read));
    }
    const fieldToken = this.next();
    if (fieldToken.kind !== "field") throw unexpected(fieldToken.text);
    const field = knownField(fieldToken.text);
    let negate = false;
    if (this.isWord("NOT")) {
      this.next();
      negate = true;
    }
    const op = this.next();
    const eq = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();
    const values = (item: AzWorkItem, read: WiqlFieldReader) => {
      const v = read(item, field);
      return v === null ? [] : Array.isArray(v) ? v : [v];
    };
    let test: Condition;
    if (op.kind === "symbol" && (op.text === "=" || op.text === "<>") && !negate) {
      const value = this.value();
      const same: Condition = (item, scope, read) => values(item, read).some((v) => eq(v, value(scope)));
      test = op.text === "=" ? same : (item, scope, read) => !same(item, scope, read);
    } else if (op.kind === "word" && op.text === "CONTAINS") {
      const value = this.value();
      test = field === "System.Tags" ? (item, scope, read) => values(item, read).some((v) => eq(v, value(scope))) : (item, scope, read) => values(item, read).some((v) => v.toLowerCase().includes(value(scope).toLowerCase()));
    } else if (op.kind === "word" && op.text === "IN") {
      this.symbol("(");
      const list = [this.value()];
      while (this.peek()?.text === ",") {
        this.next();
        list.push(this.value());
      }
      this.symbol(")");
      test = (item, scope, read) => values(item, read).some((v) => list.some((l) => eq(v, l(scope))));
    } else {
      throw unexpected(op.text);
    }
    return negate ? (item, scope, read) => !test(item, scope, read) : test;
  }

  parse(): { columns: string[]; where: Condition; order: { field: string; descending: boolean }[] } {
    this.word("SELECT");
    const columns: string[] = [];
    do {
      const t = this.next();
      if (t.kind !== "field") throw unexpected(t.text);
      columns.push(knownField(t.text));
    } while (this.peek()?.text === "," && this.next());
    this.word("FROM");
    const from = this.next();
    if (from.kind !== "word" || from.text !== "WORKITEMS") throw unexpected(from.text);
    const conditions: Condition[] = [];
    if (this.isWord("WHERE")) {
      this.next();
      conditions.push(this.condition());
      while (this.isWord("AND")) {
        this.next();
        conditions.push(this.condition());
      }
    }
    const order: { field: string; descending: boolean }[] = [];
    if (this.isWord("ORDER")) {
      this.next();
      this.word("BY");
      do {
        const t = this.next();
        if (t.kind !== "field") throw unexpected(t.text);
        const field = knownField(t.text, ORDERABLE);
        let descending = false;
        if (this.isWord("DESC") || this.isWord("ASC")) descending = this.next().text === "DESC";
        order.push({ field, descending });
      } while (this.peek()?.text === "," && this.next());
    }
    const rest = this.peek();
    if (rest) throw unexpected(rest.text);
    return { columns, where: (item, scope, read) => conditions.every((c) => c(item, scope, read)), order };
  }
}

export type WiqlQuery = ReturnType<Parser["parse"]>;

/** Parses a query, or throws `WiqlError` with Azure's TF51005/TF51006 message. */
export function parseWiql(text: string): WiqlQuery {
  return new Parser(tokenize(text)).parse();
}
