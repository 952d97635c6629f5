import fs from "node:fs";
import path from "node:path";

/**
 * What a page's client components bring to the browser, read from the source: the tests that keep
 * the error catalogue out of client code, and react-query out of a page's first load, follow the
 * imports from each client module. Static imports are on the first load; `import()` (and so
 * `React.lazy` and `next/dynamic`) load on demand; `import type` is erased; server actions
 * ("use server") reach the browser as references only.
 */

export const ROOT = path.resolve(__dirname, "../..");
export const CATALOGUE = path.join(ROOT, "lib/errors/catalogue.ts");
export const LIVE_PACKAGE = "@tanstack/react-query";

export const rel = (file: string) => path.relative(ROOT, file);

/** Static value imports and re-exports: what loads with the module. */
export function staticImports(source: string): string[] {
  return [...source.matchAll(/^\s*(?:import|export)\s+(?!type\s)(?:[^'";]*?\sfrom\s+)?["']([^"']+)["']/gm)].map((m) => m[1]!);
}

/** Static imports and `import()`: everything that can reach the browser. */
export function valueImports(source: string): string[] {
  return [...staticImports(source), ...[...source.matchAll(/\bimport\(\s*["']([^"']+)["']\s*\)/g)].map((m) => m[1]!)];
}

/** The file a specifier names (null for a package). */
export function resolveImport(specifier: string, from: string): string | null {
  const base = specifier.startsWith("@/") ? path.join(ROOT, specifier.slice(2)) : specifier.startsWith(".") ? path.resolve(path.dirname(from), specifier) : null;
  if (!base) return null;
  for (const candidate of [base, `${base}.ts`, `${base}.tsx`, path.join(base, "index.ts"), path.join(base, "index.tsx")]) {
    if (fs.existsSync(candidate) && fs.statSync(candidate).isFile()) return candidate;
  }
  return null;
}

/** Whether the source starts with the directive (after comments). */
export function hasDirective(source: string, name: "use client" | "use server"): boolean {
  return new RegExp(`^\\s*(?:\\/\\/[^\\n]*\\n|\\/\\*[\\s\\S]*?\\*\\/\\s*)*["']${name}["']`).test(source);
}

/** The chain of imports from `entry` to `target` (a file, or a package by name), or null. */
export function chainTo(target: string, entry: string, imports: (source: string) => string[] = valueImports): string[] | null {
  const seen = new Set<string>();
  const walk = (file: string, chain: string[]): string[] | null => {
    if (file === target) return chain;
    if (seen.has(file)) return null;
    seen.add(file);
    const source = fs.readFileSync(file, "utf8");
    if (hasDirective(source, "use server")) return null;
    for (const specifier of imports(source)) {
      if (specifier === target || specifier.startsWith(`${target}/`)) return [...chain, specifier];
      const next = resolveImport(specifier, file);
      const found = next ? walk(next, [...chain, rel(next)]) : null;
      if (found) return found;
    }
    return null;
  };
  return walk(entry, [rel(entry)]);
}

/** The client components the pages import: where their browser bundles start. */
export function pageClientModules(pages: string[]): string[] {
  const found = new Set<string>();
  for (const page of pages.map((p) => path.join(ROOT, p))) {
    for (const s of staticImports(fs.readFileSync(page, "utf8"))) {
      const f = resolveImport(s, page);
      if (f && hasDirective(fs.readFileSync(f, "utf8"), "use client")) found.add(f);
    }
  }
  return [...found];
}

/** Every client module (not tests) under the directories. */
export function clientModules(dirs: string[]): string[] {
  const files: string[] = [];
  const visit = (dir: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, e.name);
      if (e.isDirectory()) visit(full);
      else if (/\.tsx?$/.test(e.name) && !/\.test\.tsx?$/.test(e.name) && hasDirective(fs.readFileSync(full, "utf8"), "use client")) files.push(full);
    }
  };
  for (const dir of dirs) visit(path.join(ROOT, dir));
  return files;
}
