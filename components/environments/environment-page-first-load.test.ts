import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

/**
 * The environment's page was within 1 kB of its first-load JavaScript budget because its status
 * card, the Delete button and the reconnect panel imported react-query (11 kB gzipped) for every
 * environment, settled ones included. Their live parts load on demand now; this test keeps
 * react-query out of the modules the page's client components import statically (`import()`,
 * `React.lazy` and `next/dynamic` load on demand and are not followed).
 */

const ROOT = path.resolve(__dirname, "../..");
const PAGE = path.join(ROOT, "app/(settings)/environments/[environmentId]/page.tsx");
const LIVE_PACKAGE = "@tanstack/react-query";

/** Static value imports (`import type` is erased; `import()` loads on demand). */
function staticImports(source: string): string[] {
  return [...source.matchAll(/^\s*(?:import|export)\s+(?!type\s)(?:[^'";]*?\sfrom\s+)?["']([^"']+)["']/gm)].map((m) => m[1]!);
}

function resolve(specifier: string, from: string): string | null {
  const base = specifier.startsWith("@/") ? path.join(ROOT, specifier.slice(2)) : specifier.startsWith(".") ? path.resolve(path.dirname(from), specifier) : null;
  if (!base) return null;
  for (const candidate of [base, `${base}.ts`, `${base}.tsx`, path.join(base, "index.ts"), path.join(base, "index.tsx")]) {
    if (fs.existsSync(candidate) && fs.statSync(candidate).isFile()) return candidate;
  }
  return null;
}

const isClient = (source: string) => /^\s*(?:\/\/[^\n]*\n|\/\*[\s\S]*?\*\/\s*)*["']use client["']/.test(source);
const isServerActions = (source: string) => /^\s*(?:\/\/[^\n]*\n|\/\*[\s\S]*?\*\/\s*)*["']use server["']/.test(source);

/** The chain of static imports from `entry` to `pkg`, or null. */
function chainTo(pkg: string, entry: string): string[] | null {
  const seen = new Set<string>();
  const walk = (file: string, chain: string[]): string[] | null => {
    if (seen.has(file)) return null;
    seen.add(file);
    const source = fs.readFileSync(file, "utf8");
    if (isServerActions(source)) return null; // reaches the browser as references only
    for (const specifier of staticImports(source)) {
      if (specifier === pkg || specifier.startsWith(`${pkg}/`)) return [...chain, specifier];
      const next = resolve(specifier, file);
      const found = next ? walk(next, [...chain, path.relative(ROOT, next)]) : null;
      if (found) return found;
    }
    return null;
  };
  return walk(entry, [path.relative(ROOT, entry)]);
}

/** The client components the page imports: where its browser bundle starts. */
function pageClientModules(): string[] {
  return staticImports(fs.readFileSync(PAGE, "utf8"))
    .map((s) => resolve(s, PAGE))
    .filter((f): f is string => f !== null && isClient(fs.readFileSync(f, "utf8")));
}

describe("the environment page's first load", () => {
  it("starts from the client components the page renders", () => {
    const names = pageClientModules().map((f) => path.relative(ROOT, f));
    expect(names).toEqual(expect.arrayContaining(["components/environments/environment-state-card.tsx", "components/environments/delete-environment-button.tsx", "components/environments/reconnect-panel.tsx"]));
  });

  it("sees a static react-query import as one (the check itself works)", () => {
    expect(chainTo(LIVE_PACKAGE, path.join(ROOT, "components/environments/live-environment-state.tsx"))).not.toBeNull();
  });

  it.each(pageClientModules().map((f) => [path.relative(ROOT, f), f]))("%s brings no react-query with it", (_name, file) => {
    expect(chainTo(LIVE_PACKAGE, file)).toBeNull();
  });
});
