import crypto from "node:crypto";
import { createFreshDatabase } from "./lib/database";
import { measureRequests, type Measurement } from "./lib/measure";
import { pageCheck, startPageServer, timingLine } from "./lib/page-server";
import { ensureBuild } from "./lib/repo";
import { seedOrganization } from "./lib/seed";
import { ms, round } from "./lib/stats";
import type { Bench } from "./lib/types";

/** Overridable for quick local runs; the budget is defined for the defaults. */
const USERS = Number(process.env.BENCH_USERS ?? 10_000);
const SAMPLES = Number(process.env.BENCH_SAMPLES ?? 200);
const WARMUP = 20;
const GROUPS = 20;
const GROUP_SIZE = 50;
const PAGE_SIZE = 50;
const BUDGET_MEDIAN_MS = 50;
/** DESIGN.md: "no page issues more than a handful of queries (no N+1)"; a handful read as 5. */
const BUDGET_QUERIES = 5;

const ADMIN_EMAIL = "admin@bench.example";
const PATH = "/settings/members";


function short(m: Measurement): Record<string, number | null> {
  return {
    median_ms: round(m.total.median),
    p95_ms: round(m.total.p95),
    queries_median: m.queries ? m.queries.median : null,
    queries_max: m.queries ? m.queries.max : null,
  };
}


const bench: Bench = {
  name: "members-page",
  description: `Settings > Members rendered by next start with ${USERS.toLocaleString("en")} users`,
  async run({ root, scope, log }) {
    const build = await ensureBuild(root, log);
    const fresh = await createFreshDatabase(scope, log);

    log(`seeding ${USERS.toLocaleString("en")} users and ${GROUPS} groups into ${fresh.label}`);
    const adminPassword = crypto.randomBytes(18).toString("base64url");
    const database = await fresh.open();
    let seed;
    try {
      seed = await seedOrganization(database.db, {
        users: USERS,
        groups: GROUPS,
        groupSize: GROUP_SIZE,
        adminEmail: ADMIN_EMAIL,
        adminPassword,
      });
    } finally {
      // Only one process may open a PGlite directory: close it before the app opens it.
      await database.close();
    }
    log(`seeded ${seed.members} members, ${seed.groups} groups, ${seed.groupMembers} group memberships in ${(seed.ms / 1000).toFixed(1)} s`);

    const { server, queries, signIn } = await startPageServer({ root, scope, log, appEnv: fresh.appEnv });
    const client = await signIn({ email: ADMIN_EMAIL, password: adminPassword, callbackPath: PATH });
    log("signed in as the admin");

    log(`timing GET ${PATH}: ${WARMUP} warm-up + ${SAMPLES} requests`);
    const main = await measureRequests({
      client,
      path: PATH,
      warmup: WARMUP,
      samples: SAMPLES,
      queries,
      check: pageCheck(["data-member-email", String(seed.members), "Bench group 01", ADMIN_EMAIL]),
    });

    const lastPage = Math.ceil(seed.members / PAGE_SIZE);
    const lastPath = `${PATH}?page=${lastPage}`;
    log(`timing GET ${lastPath} (largest OFFSET)`);
    const last = await measureRequests({
      client,
      path: lastPath,
      warmup: 5,
      samples: 50,
      queries,
      check: pageCheck(["data-member-email", `Page <!-- -->${lastPage}`]),
    });

    const needle = `user${String(Math.min(4242, USERS)).padStart(String(USERS).length, "0")}`;
    const searchPath = `${PATH}?q=${needle}`;
    log(`timing GET ${searchPath} (search)`);
    const search = await measureRequests({
      client,
      path: searchPath,
      warmup: 5,
      samples: 50,
      queries,
      check: pageCheck([`${needle}@bench.example`]),
    });

    queries.detach();
    await server.stop();

    const serverTiming = Object.keys(main.serverTiming).length
      ? Object.entries(main.serverTiming)
          .map(([k, s]) => `${k} median ${ms(s.median)}`)
          .join(" · ")
      : "header absent";
    const q = main.queries!;
    return {
      title: `members-page · GET ${PATH} · ${seed.members.toLocaleString("en")} members · ${fresh.engine}`,
      rows: [
        ["build", build],
        ["database", fresh.label],
        ["seed", `${seed.members.toLocaleString("en")} members, ${seed.groups} groups (${seed.groupMembers.toLocaleString("en")} group memberships) in ${(seed.ms / 1000).toFixed(1)} s`],
        ["requests", `${main.samples} sequential after ${WARMUP} warm-up · one keep-alive connection · gzip · ${(main.bodyBytes / 1024).toFixed(0)} kB HTML (${(main.wireBytes / 1024).toFixed(0)} kB on the wire)`],
        ["time to last byte", `median ${ms(main.total.median)} · p95 ${ms(main.total.p95)} · min ${ms(main.total.min)} · max ${ms(main.total.max)}`],
        ["time to first byte", `median ${ms(main.ttfb.median)} · p95 ${ms(main.ttfb.p95)}`],
        ["SQL per request", `median ${q.median} · max ${q.max} · min ${q.min}`],
        ["Server-Timing", serverTiming],
        [`last page (?page=${lastPage})`, timingLine(last)],
        [`search (?q=${needle})`, timingLine(search)],
      ],
      notes: [`SQL of one request to ${PATH}:`, ...main.lastQueries.map((s, i) => `  ${i + 1}. ${s.replace(/\s+/g, " ").slice(0, 150)}`)],
      budgets: [
        { label: `median < ${BUDGET_MEDIAN_MS} ms`, op: "<", metric: "median_ms", value: round(main.total.median), limit: BUDGET_MEDIAN_MS },
        { label: `SQL per request <= ${BUDGET_QUERIES} (no N+1)`, op: "<=", metric: "queries_max", value: q.max, limit: BUDGET_QUERIES },
      ],
      figures: {
        engine: fresh.engine,
        members: seed.members,
        groups: seed.groups,
        group_members: seed.groupMembers,
        samples: main.samples,
        warmup: WARMUP,
        median_ms: round(main.total.median),
        p95_ms: round(main.total.p95),
        min_ms: round(main.total.min),
        max_ms: round(main.total.max),
        mean_ms: round(main.total.mean),
        ttfb_median_ms: round(main.ttfb.median),
        ttfb_p95_ms: round(main.ttfb.p95),
        queries_median: q.median,
        queries_max: q.max,
        server_timing: Object.keys(main.serverTiming).length
          ? Object.fromEntries(Object.entries(main.serverTiming).map(([k, s]) => [k, round(s.median)]))
          : null,
        html_bytes: main.bodyBytes,
        wire_bytes: main.wireBytes,
        last_page: short(last),
        search: short(search),
        seed_ms: seed.ms,
        budget_median_ms: BUDGET_MEDIAN_MS,
      },
    };
  },
};

export default bench;
