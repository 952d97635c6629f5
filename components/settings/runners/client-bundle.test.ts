import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

/**
 * Settings > Runners went over its first-load JavaScript budget (blank app + 25 kB) and a runner's
 * page sat at its edge: every status badge imported react-query (about 11 kB gzipped) although
 * the server's HTML already shows each runner's state, and every row shipped its dialogs. The
 * live status and the dialogs load on demand now; this test keeps react-query out of the modules
 * the two pages' client components import statically (`import()` and `React.lazy` load on demand
 * and are not followed), and the error catalogue out of every client module of Settings > Runners,
 * on first load or on demand (the server describes errors and passes the description).
 */

const ROOT = path.resolve(__dirname, "../../..");
const CATALOGUE = path.join(ROOT, "lib/errors/catalogue.ts");
const LIVE_PACKAGE = "@tanstack/react-query";
const PAGES = ["app/(settings)/settings/runners/page.tsx", "app/(settings)/settings/runners/[runnerId]/page.tsx"].map((p) => path.join(ROOT, p));
const CLIENT_ROOTS = ["components/settings/runners", "app/(settings)/settings/runners"];

/** Static value imports and re-exports (`import type` is erased). */
function staticImports(source: string): string[] {
  return [...source.matchAll(/^\s*(?:import|export)\s+(?!type\s)(?:[^'";]*?\sfrom\s+)?["']([^"']+)["']/gm)].map((m) => m[1]!);
}

/** Static imports and `import()`: everything that can reach the browser. */
function valueImports(source: string): string[] {
  return [...staticImports(source), ...[...source.matchAll(/\bimport\(\s*["']([^"']+)["']\s*\)/g)].map((m) => m[1]!)];
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

/**
 * The chain of imports from `entry` to `target` (a file, or a package by name), or null. Server
 * actions ("use server") reach the browser as references only.
 */
function chainTo(target: string, entry: string, imports: (source: string) => string[]): string[] | null {
  const seen = new Set<string>();
  const walk = (file: string, chain: string[]): string[] | null => {
    if (file === target) return chain;
    if (seen.has(file)) return null;
    seen.add(file);
    const source = fs.readFileSync(file, "utf8");
    if (directive(source, "use server")) return null;
    for (const specifier of imports(source)) {
      if (specifier === target || specifier.startsWith(`${target}/`)) return [...chain, specifier];
      const next = resolve(specifier, file);
      const found = next ? walk(next, [...chain, path.relative(ROOT, next)]) : null;
      if (found) return found;
    }
    return null;
  };
  return walk(entry, [path.relative(ROOT, entry)]);
}

/** The client components the two pages render: where their browser bundles start. */
function pageClientModules(): string[] {
  const found = new Set<string>();
  for (const page of PAGES) {
    for (const s of staticImports(fs.readFileSync(page, "utf8"))) {
      const f = resolve(s, page);
      if (f && directive(fs.readFileSync(f, "utf8"), "use client")) found.add(f);
    }
  }
  return [...found];
}

/** Every client module of Settings > Runners (the integration pages' forms included). */
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

const rel = (f: string) => path.relative(ROOT, f);

describe("the Settings > Runners client bundles", () => {
  it("start from the client components the list and a runner's page render", () => {
    expect(pageClientModules().map(rel)).toEqual(
      expect.arrayContaining([
        "components/settings/runners/runner-status-badge.tsx",
        "components/settings/runners/shown-runners.tsx",
        "components/settings/runners/runner-actions.tsx",
        "components/settings/runners/create-runner-form.tsx",
        "components/settings/runners/shared-use-control.tsx",
        "components/settings/runners/remove-integration-button.tsx",
      ]),
    );
    expect(clientModules().map(rel)).toContain("components/settings/runners/integration-form.tsx");
  });

  it("see a static react-query import and a catalogue import as such (the checks themselves work)", () => {
    expect(chainTo(LIVE_PACKAGE, path.join(ROOT, "components/settings/runners/live-runner-status.tsx"), staticImports)).not.toBeNull();
    // The badge loads its live part with `import()`: on demand, so not on first load.
    expect(chainTo(LIVE_PACKAGE, path.join(ROOT, "components/settings/runners/runner-status-badge.tsx"), valueImports)).not.toBeNull();
    // ErrorAlert is the server components' renderer: it imports the catalogue on purpose.
    expect(chainTo(CATALOGUE, path.join(ROOT, "components/ui/error-alert.tsx"), valueImports)).toEqual(["components/ui/error-alert.tsx", "lib/errors/catalogue.ts"]);
  });

  it.each(pageClientModules().map((f) => [rel(f), f]))("%s brings no react-query to the first load", (_name, file) => {
    expect(chainTo(LIVE_PACKAGE, file, staticImports)).toBeNull();
  });

  it.each(clientModules().map((f) => [rel(f), f]))("%s does not bring the error catalogue to the browser", (_name, file) => {
    expect(chainTo(CATALOGUE, file, valueImports)).toBeNull();
  });
});
