import type { HttpClient, TimedResponse } from "./http";
import type { QueryLog } from "./queries";
import { summarize, type Summary } from "./stats";

export type Measurement = {
  path: string;
  samples: number;
  total: Summary;
  ttfb: Summary;
  /** SQL statements per request (null when no QueryLog was given). */
  queries: Summary | null;
  /** Durations from the Server-Timing header, by metric name (empty when the header is absent). */
  serverTiming: Record<string, Summary>;
  /** Size of the last response on the wire and decoded. */
  wireBytes: number;
  bodyBytes: number;
  /** The statements of the last measured request. */
  lastQueries: string[];
};

/** Parses `Server-Timing: db;dur=3.2, render;dur=12` into { db: 3.2, render: 12 }. */
export function parseServerTiming(header: string | string[] | undefined): Record<string, number> {
  const out: Record<string, number> = {};
  for (const part of ([] as string[]).concat(header ?? []).join(",").split(",")) {
    const [name, ...params] = part.split(";").map((s) => s.trim());
    if (!name) continue;
    const dur = params.find((p) => p.startsWith("dur="));
    if (dur) out[name] = Number(dur.slice(4));
  }
  return out;
}

/**
 * Sends `warmup` then `samples` sequential GETs of `path` and times each to the last byte.
 * `check` returns an error message for a response that is not the expected page; any failed
 * check aborts the measurement (a fast error page must never pass for a fast page).
 */
export async function measureRequests(opts: {
  client: HttpClient;
  path: string;
  warmup: number;
  samples: number;
  queries?: QueryLog;
  check: (res: TimedResponse) => string | null;
  headers?: Record<string, string>;
}): Promise<Measurement> {
  const total: number[] = [];
  const ttfb: number[] = [];
  const queryCounts: number[] = [];
  const timings: Record<string, number[]> = {};
  let last: TimedResponse | undefined;
  let lastQueries: string[] = [];
  for (let i = 0; i < opts.warmup + opts.samples; i++) {
    const measured = i >= opts.warmup;
    await opts.queries?.settle();
    const mark = opts.queries?.mark() ?? 0;
    const res = await opts.client.get(opts.path, opts.headers);
    const problem = opts.check(res);
    if (problem) throw new Error(`GET ${opts.path} (request ${i + 1}): ${problem}`);
    if (!measured) continue;
    last = res;
    total.push(res.totalMs);
    ttfb.push(res.ttfbMs);
    for (const [k, v] of Object.entries(parseServerTiming(res.headers["server-timing"]))) (timings[k] ??= []).push(v);
    if (opts.queries) {
      await opts.queries.settle();
      queryCounts.push(opts.queries.count - mark);
      lastQueries = opts.queries.since(mark);
    }
  }
  return {
    path: opts.path,
    samples: opts.samples,
    total: summarize(total),
    ttfb: summarize(ttfb),
    queries: opts.queries ? summarize(queryCounts) : null,
    serverTiming: Object.fromEntries(Object.entries(timings).map(([k, v]) => [k, summarize(v)])),
    wireBytes: last?.wireBytes ?? 0,
    bodyBytes: last ? Buffer.byteLength(last.body) : 0,
    lastQueries,
  };
}
