import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

/**
 * Settings > Agents shipped the whole error catalogue in its policy form's chunk (9 kB): the form
 * rendered a failed save with `ErrorAlert`, the server components' renderer, instead of the
 * description the action's result carries. This test keeps the catalogue out of every client
 * module of the page, on first load or on demand, by following the imports that reach the browser.
 */

const ROOT = path.resolve(__dirname, "../../..");
const CATALOGUE = path.join(ROOT, "lib/errors/catalogue.ts");
const CLIENT_ROOTS = ["components/settings/agents", "app/(settings)/settings/agents"];

/** Module specifiers a file imports as values: static imports and re-exports, and `import()`; `import type` is erased. */
function valueImports(source: string): string[] {
  const found: string[] = [];
  for (const m of source.matchAll(/^\s*(?:import|export)\s+(?!type\s)(?:[^'";]*?\sfrom\s+)?["']([^"']+)["']/gm)) found.push(m[1]!);
  for (const m of source.matchAll(/\bimport\(\s*["']([^"']+)["']\s*\)/g)) found.push(m[1]!);
  return found;
}

function resolve(specifier: string, from: string): string | null {
  const base = specifier.startsWith("@/") ? path.join(ROOT, specifier.slice(2)) : specifier.startsWith(".") ? path.resolve(path.dirname(from), specifier) : null;
  if (!base) return null; // a package
  for (const candidate of [base, `${base}.ts`, `${base}.tsx`, path.join(base, "index.ts"), path.join(base, "index.tsx")]) {
    if (fs.existsSync(candidate) && fs.statSync(candidate).isFile()) return candidate;
  }
  return null;
}

const directive = (source: string, name: string) => new RegExp(`^\\s*(?:\\/\\/[^\\n]*\\n|\\/\\*[\\s\\S]*?\\*\\/\\s*)*["']${name}["']`).test(source);

/** The chain of imports from `entry` to the catalogue, or null; server actions ("use server") reach the browser as references only. */
function pathToCatalogue(entry: string): string[] | null {
  const seen = new Set<string>();
  const walk = (file: string, chain: string[]): string[] | null => {
    if (file === CATALOGUE) return chain;
    if (seen.has(file)) return null;
    seen.add(file);
    const source = fs.readFileSync(file, "utf8");
    if (directive(source, "use server")) return null;
    for (const specifier of valueImports(source)) {
      const next = resolve(specifier, file);
      const found = next ? walk(next, [...chain, path.relative(ROOT, next)]) : null;
      if (found) return found;
    }
    return null;
  };
  return walk(entry, [path.relative(ROOT, entry)]);
}

function clientModules(): string[] {
  const files: string[] = [];
  const visit = (dir: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, e.name);
      if (e.isDirectory()) visit(full);
      else if (/\.tsx?$/.test(e.name) && !/\.test\.tsx?$/.test(e.name) && directive(fs.readFileSync(full, "utf8"), "use client")) files.push(full);
    }
  };
  for (const dir of CLIENT_ROOTS) visit(path.join(ROOT, dir));
  return files;
}

describe("the Settings > Agents client bundle", () => {
  it("finds the client modules it checks", () => {
    expect(clientModules().map((f) => path.relative(ROOT, f))).toEqual(expect.arrayContaining(["components/settings/agents/policy-form.tsx", "components/settings/agents/group-picker.tsx"]));
  });

  it("sees a catalogue import as one (the check itself works)", () => {
    // The activity table is a server component: it describes refusals with the catalogue on purpose.
    expect(pathToCatalogue(path.join(ROOT, "components/settings/agents/activity-table.tsx"))).toEqual(["components/settings/agents/activity-table.tsx", "lib/errors/catalogue.ts"]);
  });

  it.each(clientModules().map((f) => [path.relative(ROOT, f), f]))("%s does not bring the error catalogue to the browser", (_name, file) => {
    expect(pathToCatalogue(file)).toBeNull();
  });
});
