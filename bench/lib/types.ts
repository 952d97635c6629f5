import type { Scope } from "./scope";

/** What the runner hands each benchmark. */
export type BenchContext = {
  /** Repository root (the process's working directory). */
  root: string;
  /** Resources to release when the benchmark ends, fails or is interrupted (LIFO). */
  scope: Scope;
  /** Progress messages (stderr), so stdout stays the table and the JSON line. */
  log: (message: string) => void;
};

/** A budget from DESIGN.md: PASS when `value op limit` holds; otherwise OVER. */
export type BenchBudget = {
  /** Human wording, e.g. "median < 50 ms". */
  label: string;
  op: "<" | "<=";
  /** Key of the figure in the JSON line, e.g. "median_ms". */
  metric: string;
  value: number;
  limit: number;
};

export type BenchResult = {
  /** One-line title above the table. */
  title: string;
  /** Human-readable table: label, value. */
  rows: Array<[string, string]>;
  /** Extra lines printed under the table (e.g. the SQL of one request). */
  notes?: string[];
  budgets: BenchBudget[];
  /** Machine-readable figures, printed as `{"bench":name, ...figures}`. */
  figures: Record<string, unknown>;
};

/** A benchmark module `bench/<name>.ts` default-exports one of these. */
export type Bench = {
  name: string;
  description: string;
  run: (ctx: BenchContext) => Promise<BenchResult>;
};
