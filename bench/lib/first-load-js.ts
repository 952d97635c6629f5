import zlib from "node:zlib";
import type { HttpClient } from "./http";

/** One JavaScript file a page loads on first load, with its sizes. */
export type ScriptSize = {
  src: string;
  /** Decoded size. */
  bytes: number;
  /** gzip at level 9, as Next's own build output reports First Load JS. */
  gzipBytes: number;
  /** What the server sent (its own compression, when it compresses). */
  wireBytes: number;
  /** What the chunk contains, from telltale strings in it. */
  hint: string;
};

/** The scripts of one page's HTML that a modern browser executes on first load. */
export type PageScripts = {
  /** `<script src>` tags, async ones included, `noModule` ones excluded. */
  tags: string[];
  /**
   * Chunks named only in the RSC payload inlined in the HTML (client references such as a
   * segment's error boundary): React's flight client loads them while hydrating, so they count.
   */
  flightOnly: string[];
  /** `noModule` scripts: legacy polyfills modern browsers skip (not counted). */
  noModule: string[];
};

const CHUNK_URL = /\/_next\/static\/[A-Za-z0-9._~\/-]+\.js/g;

function attr(attrs: string, name: string): string | null {
  const m = new RegExp(`\\b${name}\\s*=\\s*("([^"]*)"|'([^']*)'|([^\\s>]+))`, "i").exec(attrs);
  if (!m) return null;
  return (m[2] ?? m[3] ?? m[4] ?? "").replace(/&amp;/g, "&");
}

/** Same-origin path of a script URL (`/_next/...`), or null for another origin. */
function localPath(src: string, baseUrl: string): string | null {
  const url = new URL(src, baseUrl);
  return url.origin === new URL(baseUrl).origin ? url.pathname + url.search : null;
}

/** Reads the first-load scripts out of a server-rendered page. */
export function scriptsOfPage(html: string, baseUrl: string): PageScripts {
  const tags: string[] = [];
  const noModule: string[] = [];
  for (const m of html.matchAll(/<script\b([^>]*)>/gi)) {
    const attrs = m[1] ?? "";
    const src = attr(attrs, "src");
    if (!src) continue;
    const path = localPath(src, baseUrl);
    if (!path) continue;
    if (/\bnomodule\b/i.test(attrs)) noModule.push(path);
    else if (!tags.includes(path)) tags.push(path);
  }
  const flightOnly = [...new Set([...html.matchAll(CHUNK_URL)].map((m) => m[0]))].filter((p) => !tags.includes(p) && !noModule.includes(p));
  return { tags, flightOnly, noModule };
}

/** Telltale strings → what a chunk holds. Production chunks carry no module paths, so strings must do. */
const SIGNATURES: Array<[RegExp, string]> = [
  [/libsodium|crypto_box_seal/, "libsodium"],
  [/react-dom|__reactFiber|__reactContainer/, "react-dom"],
  [/react\.transitional\.element|Minified React error/, "react runtime/flight client"],
  [/Internal Next\.js error|invariant expected (app|layout) router|addBasePath|__next_f|HTTPAccessFallbackBoundary/, "next app-router runtime"],
  [/process\.binding is not supported/, "process polyfill"],
  [/ZodError|invalid_type/, "zod"],
  [/refetchOnWindowFocus/, "@tanstack/react-query"],
  // Titles only the catalogue holds: "Some fields need attention" is validation-failed's, which
  // forms import alone (the catalogue includes it too, so a catalogue chunk shows both labels).
  [/Password reset link already used|Callback URL not registered at the provider/, "lib/errors/catalogue"],
  [/Some fields need attention/, "lib/errors/validation-failed"],
  [/core-js/, "core-js legacy polyfills"],
];

/** A short description of a chunk's content: known libraries, then app strings as examples. */
export function describeChunk(src: string, text: string): string {
  const found = SIGNATURES.filter(([re]) => re.test(text)).map(([, label]) => label);
  if (/\/turbopack-[^/]*\.js$/.test(src)) found.unshift("turbopack runtime");
  const components = (text.match(/className:/g) ?? []).length;
  if (components >= 5) {
    const samples = [...text.matchAll(/"([A-Z][A-Za-z ,.'’-]{20,60})"/g)]
      .map((m) => m[1]!)
      .filter((s) => !/^Internal Next|^Minified|^Error occurred/.test(s))
      .slice(0, 2);
    found.push(`app client components (${components} className props${samples.length ? `; e.g. ${samples.map((s) => JSON.stringify(s)).join(", ")}` : ""})`);
  }
  const modules = (text.match(/"use strict"/g) ?? []).length;
  return `${found.length ? found.join(", ") : "unidentified"}${modules ? ` · ${modules} modules` : ""}`;
}

/** Fetches (once per URL) and sizes every script of the given pages. */
export async function sizeScripts(client: HttpClient, paths: Iterable<string>, cache = new Map<string, ScriptSize>()): Promise<Map<string, ScriptSize>> {
  for (const src of paths) {
    if (cache.has(src)) continue;
    const res = await client.get(src);
    if (res.status !== 200) throw new Error(`GET ${src} answered ${res.status}`);
    const body = Buffer.from(res.body, "utf8");
    cache.set(src, {
      src,
      bytes: body.length,
      gzipBytes: zlib.gzipSync(body, { level: 9 }).length,
      wireBytes: res.wireBytes,
      hint: describeChunk(src, res.body),
    });
  }
  return cache;
}

/** Kilobytes as Next's build output counts them (1 kB = 1,000 bytes). */
export function kB(bytes: number): string {
  return `${(bytes / 1000).toFixed(1)} kB`;
}
