/**
 * Runs the project's benchmarks: every `bench/<name>.ts` module (default export: a Bench), in
 * name order, or only those named on the command line (`npm run bench -- members-page`).
 * Each prints a table, its budgets with PASS/OVER, and a final JSON line `{"bench":name,...}`.
 * The exit code is 0 when every budget PASSes, 3 when one is OVER, 1 when a benchmark could not
 * run and 2 for an unknown name. Runs in one checkout take turns (see `acquireBenchLock`).
 */
import fs from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { acquireBenchLock } from "./lib/lock";
import { findRepoRoot } from "./lib/repo";
import { Scope } from "./lib/scope";
import type { Bench, BenchBudget, BenchResult } from "./lib/types";

const log = (m: string) => process.stderr.write(`  · ${m}\n`);

function passes(b: BenchBudget): boolean {
  return b.op === "<" ? b.value < b.limit : b.value <= b.limit;
}

function print(name: string, result: BenchResult): void {
  const width = Math.max(...result.rows.map(([k]) => k.length), ...result.budgets.map(() => "budget".length)) + 2;
  const out: string[] = ["", result.title];
  for (const [k, v] of result.rows) out.push(`  ${k.padEnd(width)}${v}`);
  for (const b of result.budgets) {
    out.push(`  ${"budget".padEnd(width)}${b.label}: ${b.value}  ${passes(b) ? "PASS" : "OVER"}`);
  }
  for (const n of result.notes ?? []) out.push(`  ${n}`);
  out.push(
    JSON.stringify({
      bench: name,
      ...result.figures,
      budgets: result.budgets.map((b) => ({ metric: b.metric, op: b.op, limit: b.limit, value: b.value, pass: passes(b) })),
      pass: result.budgets.every(passes),
    }),
  );
  process.stdout.write(out.join("\n") + "\n");
}

async function loadBench(file: string): Promise<Bench> {
  const mod = (await import(pathToFileURL(file).href)) as { default?: Bench | { default?: Bench } };
  const candidate = mod.default && "run" in mod.default ? mod.default : (mod.default as { default?: Bench } | undefined)?.default;
  if (!candidate || typeof candidate.run !== "function") throw new Error(`${file} does not default-export a Bench`);
  return candidate;
}

async function main(): Promise<number> {
  const root = findRepoRoot();
  process.chdir(root); // db/client resolves its migrations folder from the working directory
  const dir = path.join(root, "bench");
  const available = fs
    .readdirSync(dir)
    .filter((f) => f.endsWith(".ts") && !f.endsWith(".d.ts") && f !== "run.ts")
    .map((f) => f.slice(0, -3))
    .sort();
  const wanted = process.argv.slice(2).filter((a) => !a.startsWith("-"));
  const unknown = wanted.filter((w) => !available.includes(w));
  if (unknown.length > 0) {
    process.stderr.write(`unknown benchmark(s): ${unknown.join(", ")}; available: ${available.join(", ")}\n`);
    return 2;
  }
  const names = wanted.length > 0 ? wanted : available;
  const releaseLock = await acquireBenchLock(root, log);
  try {
    return await runBenches(dir, names, root);
  } finally {
    releaseLock();
  }
}

async function runBenches(dir: string, names: string[], root: string): Promise<number> {
  let current: Scope | undefined;
  let interrupted = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (interrupted) return;
    interrupted = true;
    process.stderr.write(`\n${signal}: cleaning up\n`);
    void (current?.close() ?? Promise.resolve([])).finally(() => process.exit(130));
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);

  const broken: string[] = [];
  const over: string[] = [];
  const summary: string[] = [];
  for (const name of names) {
    const started = Date.now();
    process.stderr.write(`\n▶ ${name}\n`);
    const scope = (current = new Scope());
    let result: BenchResult | undefined;
    try {
      const bench = await loadBench(path.join(dir, `${name}.ts`));
      result = await bench.run({ root, scope, log });
    } catch (e) {
      broken.push(name);
      process.stderr.write(`\n✗ ${name} could not run: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    } finally {
      const failures = await scope.close();
      for (const f of failures) process.stderr.write(`  ! clean-up failed: ${f}\n`);
      if (failures.length > 0 && !broken.includes(name)) broken.push(name);
      current = undefined;
    }
    log(`${name} took ${((Date.now() - started) / 1000).toFixed(1)} s`);
    if (result) {
      print(name, result);
      summary.push(`${name}: ${result.budgets.every(passes) ? "PASS" : "OVER"}`);
      if (!result.budgets.every(passes)) over.push(name);
    } else {
      summary.push(`${name}: BROKEN`);
    }
  }
  if (names.length > 1) process.stdout.write(`\n${summary.join("\n")}\n`);
  return broken.length > 0 ? 1 : over.length > 0 ? 3 : 0;
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    process.stderr.write(`bench runner failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exit(1);
  },
);
