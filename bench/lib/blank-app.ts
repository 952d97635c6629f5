import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { scriptsOfPage, sizeScripts, type PageScripts, type ScriptSize } from "./first-load-js";
import { HttpClient } from "./http";
import type { Scope } from "./scope";
import { startNextServer } from "./server";

/** The first-load JavaScript of a blank Next.js app built with the project's own next and react. */
export type BlankApp = {
  versions: { next: string; react: string; reactDom: string };
  scripts: PageScripts;
  sizes: Map<string, ScriptSize>;
  /** Gzipped bytes of the scripts a modern browser runs on first load (noModule ones excluded). */
  jsGzip: number;
  jsRaw: number;
  buildMs: number;
};

const versionOf = (root: string, pkg: string): string => (JSON.parse(fs.readFileSync(path.join(root, "node_modules", pkg, "package.json"), "utf8")) as { version: string }).version;

/** The common ancestor of two absolute paths: Turbopack compiles nothing outside its root. */
function commonAncestor(a: string, b: string): string {
  const x = path.resolve(a).split(path.sep);
  const y = path.resolve(b).split(path.sep);
  let i = 0;
  while (i < x.length && i < y.length && x[i] === y[i]) i++;
  return x.slice(0, i).join(path.sep) || path.sep;
}

/**
 * What `create-next-app` would give, reduced to a layout, a page and one client component (every
 * page of the project has client components, so the framework's client runtime belongs in the
 * baseline; the component itself is a few hundred bytes).
 */
const FILES: Record<string, string> = {
  "app/layout.tsx": `export default function RootLayout({ children }: { children: React.ReactNode }) {
  return (
    <html lang="en">
      <body>{children}</body>
    </html>
  );
}
`,
  "app/page.tsx": `import { Counter } from "./counter";

export default function Page() {
  return (
    <main>
      <h1>Blank</h1>
      <Counter />
    </main>
  );
}
`,
  "app/counter.tsx": `"use client";

import { useState } from "react";

export function Counter() {
  const [count, setCount] = useState(0);
  return <button onClick={() => setCount(count + 1)}>Clicked {count} times</button>;
}
`,
};

function run(cwd: string, args: string[], env: NodeJS.ProcessEnv): Promise<void> {
  return new Promise((resolve, reject) => {
    // Build output goes to stderr so stdout stays the results.
    const child = spawn(process.execPath, args, { cwd, env, stdio: ["ignore", process.stderr, process.stderr] });
    child.on("error", reject);
    child.on("exit", (code, signal) => (code === 0 ? resolve() : reject(new Error(`${args.slice(1).join(" ")} in ${cwd} failed (${signal ?? `exit code ${code}`})`))));
  });
}

/**
 * Builds a blank Next.js app in a temporary directory with the project's installed next, react and
 * react-dom (its node_modules is a link to the project's: nothing is downloaded), serves it with
 * `next start`, and sizes the first-load JavaScript of its page exactly as the project's pages are
 * sized. The directory and the server go with `scope`.
 */
export async function measureBlankApp(opts: { root: string; scope: Scope; log: (m: string) => void }): Promise<BlankApp> {
  const { root, scope, log } = opts;
  const versions = { next: versionOf(root, "next"), react: versionOf(root, "react"), reactDom: versionOf(root, "react-dom") };
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bench-blank-next-"));
  scope.add(`remove ${dir}`, () => fs.rmSync(dir, { recursive: true, force: true }));
  fs.mkdirSync(path.join(dir, "app"));
  fs.writeFileSync(path.join(dir, "package.json"), `${JSON.stringify({ name: "blank-next-app", private: true, dependencies: { next: versions.next, react: versions.react, "react-dom": versions.reactDom } }, null, 2)}\n`);
  fs.symlinkSync(path.join(root, "node_modules"), path.join(dir, "node_modules"), "dir");
  fs.writeFileSync(path.join(dir, "next.config.mjs"), `export default { turbopack: { root: ${JSON.stringify(commonAncestor(dir, root))} } };\n`);
  for (const [file, text] of Object.entries(FILES)) fs.writeFileSync(path.join(dir, file), text);

  const next = path.join(root, "node_modules", "next", "dist", "bin", "next");
  const env: NodeJS.ProcessEnv = { ...process.env, NEXT_TELEMETRY_DISABLED: "1", NODE_ENV: "production" };
  delete env.NEXT_DIST_DIR;
  log(`building a blank Next.js ${versions.next} app (react ${versions.react}) in ${dir}`);
  const started = Date.now();
  await run(dir, [next, "build"], env);
  const buildMs = Date.now() - started;

  const server = await startNextServer({ root, scope, log, env: {}, readyPath: "/", app: { cwd: dir, args: [next, "start", "--hostname", "localhost"] } });
  const client = new HttpClient(server.baseUrl);
  scope.add("close the HTTP client of the blank app", () => client.close());
  const page = await client.get("/");
  if (page.status !== 200 || !page.body.includes("Blank")) throw new Error(`the blank app's page answered ${page.status}:\n${server.tail()}`);
  const scripts = scriptsOfPage(page.body, server.baseUrl);
  const all = [...scripts.tags, ...scripts.flightOnly];
  const sizes = await sizeScripts(client, [...all, ...scripts.noModule]);
  await server.stop();
  const sum = (key: "gzipBytes" | "bytes") => all.reduce((total, s) => total + sizes.get(s)![key], 0);
  return { versions, scripts, sizes, jsGzip: sum("gzipBytes"), jsRaw: sum("bytes"), buildMs };
}
