import crypto from "node:crypto";
import { measureBlankApp } from "./lib/blank-app";
import { createFreshDatabase } from "./lib/database";
import { kB, scriptsOfPage, sizeScripts, type PageScripts, type ScriptSize } from "./lib/first-load-js";
import type { HttpClient } from "./lib/http";
import { measureRequests, type Measurement } from "./lib/measure";
import { pageCheck, startPageServer, timingLine } from "./lib/page-server";
import { ensureBuild } from "./lib/repo";
import { seedOrganization } from "./lib/seed";
import { seedSettingsData } from "./lib/settings-seed";
import { round } from "./lib/stats";
import type { Bench, BenchBudget } from "./lib/types";

/** Overridable for quick local runs; the budgets are defined for the defaults. */
const USERS = Number(process.env.BENCH_USERS ?? 10_000);
const RUNNERS = Number(process.env.BENCH_RUNNERS ?? 1_000);
const TOKENS = Number(process.env.BENCH_TOKENS ?? 50_000);
const SAMPLES = Number(process.env.BENCH_SAMPLES ?? 60);
const WARMUP = 10;
const UNREGISTERED_RUNNERS = Math.min(20, Math.floor(RUNNERS / 10));
const ENVIRONMENTS = 3_000;
const AGENT_ACTIVITY = 5_000;
const SCM_EVENTS = 6_000;
const BUDGET_MEDIAN_MS = 50;
/** DESIGN.md: "no page issues more than a handful of queries (no N+1)"; a handful read as 5. */
const BUDGET_QUERIES = 5;
/**
 * DESIGN.md: "First-load JavaScript of each settings page at most 25 kB gzipped above a blank Next.js
 * app of the same versions, built and measured in the same run" (kB as Next counts them).
 */
const BUDGET_JS_OVER_BLANK_KB = 25;

const ADMIN_EMAIL = "admin@bench.example";

type Role = "admin" | "member";
/** `shown`: the route as reports name it, for a page whose path holds an id. */
type PageSpec = { id: string; path: string; shown?: string; as: Role; expect: string[] };
type PageResult = PageSpec & { m: Measurement; scripts: PageScripts; jsGzip: number; jsRaw: number; rscBytes: number };

/** Bytes of the page's inlined RSC payload (`self.__next_f.push` scripts): the props of its client components. */
function rscPayloadBytes(html: string): number {
  let total = 0;
  for (const m of html.matchAll(/<script>self\.__next_f\.push\([\s\S]*?<\/script>/g)) total += Buffer.byteLength(m[0]);
  return total;
}


function line(r: PageResult): string {
  const { m } = r;
  const rsc = m.bodyBytes > 0 ? ` (${Math.round((100 * r.rscBytes) / m.bodyBytes)}% RSC payload)` : "";
  return `${timingLine(m)} · ${(m.bodyBytes / 1024).toFixed(0)} kB HTML${rsc}`;
}

function sum(srcs: Iterable<string>, sizes: Map<string, ScriptSize>, key: "gzipBytes" | "bytes"): number {
  let total = 0;
  for (const s of srcs) total += sizes.get(s)![key];
  return total;
}

/** One line per script, biggest first: gzipped size, file, what it holds. */
function describe(srcs: string[], sizes: Map<string, ScriptSize>, flightOnly: string[] = []): string[] {
  return srcs
    .map((s) => sizes.get(s)!)
    .sort((a, b) => b.gzipBytes - a.gzipBytes)
    .map((s) => `  ${kB(s.gzipBytes).padStart(8)}  ${s.src.replace("/_next/static/chunks/", "")}${flightOnly.includes(s.src) ? " (named only in the RSC payload)" : ""}: ${s.hint}`);
}

const bench: Bench = {
  name: "settings-pages",
  description: `Every settings page rendered by next start with ${USERS.toLocaleString("en")} users, ${RUNNERS.toLocaleString("en")} runners and ${TOKENS.toLocaleString("en")} tokens; their first-load JavaScript`,
  async run({ root, scope, log }) {
    const build = await ensureBuild(root, log);
    // Measured first, while nothing else runs: its build takes a core or two for half a minute.
    const blank = await measureBlankApp({ root, scope, log });
    log(`blank app: ${kB(blank.jsGzip)} gzipped first-load JavaScript in ${blank.scripts.tags.length + blank.scripts.flightOnly.length} scripts`);
    const fresh = await createFreshDatabase(scope, log);

    log(`seeding ${USERS.toLocaleString("en")} users, ${RUNNERS.toLocaleString("en")} runners and ${TOKENS.toLocaleString("en")} tokens into ${fresh.label}`);
    const adminPassword = crypto.randomBytes(18).toString("base64url");
    const memberPassword = crypto.randomBytes(18).toString("base64url");
    const database = await fresh.open();
    let seed, data;
    try {
      seed = await seedOrganization(database.db, { users: USERS, groups: 20, groupSize: 50, adminEmail: ADMIN_EMAIL, adminPassword });
      data = await seedSettingsData(database.db, {
        orgId: seed.orgId,
        adminUserId: seed.adminUserId,
        memberPassword,
        runners: RUNNERS,
        unregisteredRunners: UNREGISTERED_RUNNERS,
        tokens: TOKENS,
        environments: ENVIRONMENTS,
        agentActivity: AGENT_ACTIVITY,
        scmEvents: SCM_EVENTS,
      });
    } finally {
      // Only one process may open a PGlite directory: close it before the app opens it.
      await database.close();
    }
    log(`seeded ${seed.members} members in ${(seed.ms / 1000).toFixed(1)} s; ${data.runners} runners, ${data.integrations} integrations, ${data.tokens} tokens and the rest in ${(data.ms / 1000).toFixed(1)} s`);

    const { server, queries, signIn } = await startPageServer({ root, scope, log, appEnv: fresh.appEnv });
    const clients: Record<Role, HttpClient> = {
      admin: await signIn({ email: ADMIN_EMAIL, password: adminPassword, callbackPath: "/settings/runners" }),
      member: await signIn({ email: data.memberEmail, password: memberPassword, callbackPath: "/settings/git-authentications" }),
    };
    log(`signed in as the admin and as ${data.memberEmail} (member)`);

    const width = String(RUNNERS).length;
    const runnerName = (i: number) => `bench-runner-${String(i).padStart(width, "0")}`;
    const pages: PageSpec[] = [
      { id: "runners", path: "/settings/runners", as: "admin", expect: [ADMIN_EMAIL, `data-runner-name="${runnerName(1)}"`, `data-runner-name="${runnerName(Math.min(RUNNERS, 50))}"`] },
      {
        id: "runner_detail",
        path: `/settings/runners/${data.detailRunner.id}`,
        shown: "/settings/runners/<id>",
        as: "admin",
        expect: [ADMIN_EMAIL, data.detailRunner.name, ...data.detailRunner.hosts.map((h) => `data-integration-host="${h}"`)],
      },
      { id: "git_authentications", path: "/settings/git-authentications", as: "admin", expect: [ADMIN_EMAIL, "data-integration-id=", 'data-connection-state="connected"'] },
      { id: "agents", path: "/settings/agents", as: "admin", expect: [ADMIN_EMAIL, "data-activity-id=", "Bench group 01"] },
      { id: "members", path: "/settings/members", as: "admin", expect: [ADMIN_EMAIL, "data-member-email", "Bench group 01"] },
      { id: "diagnostics", path: "/settings/diagnostics", as: "admin", expect: [ADMIN_EMAIL, "data-operation-key=", runnerName(1)] },
      { id: "environments", path: "/environments", as: "admin", expect: [ADMIN_EMAIL, "data-environment-id=", 'data-status="ready"'] },
      {
        id: "environment_detail",
        path: `/environments/${data.detailEnvironment.id}`,
        shown: "/environments/<id>",
        as: "admin",
        expect: [ADMIN_EMAIL, data.detailEnvironment.name, data.detailEnvironment.clonePath, 'data-testid="environment-state"', 'data-git-outcome="served"', 'data-operation="agent.tool_call"'],
      },
      { id: "git_authentications_member", path: "/settings/git-authentications", as: "member", expect: [data.memberEmail, "data-integration-id=", 'data-connection-state="connected"'] },
      { id: "environments_member", path: "/environments", as: "member", expect: [data.memberEmail, "data-environment-id=", 'data-status="ready"'] },
    ];

    const results: PageResult[] = [];
    const sizes = new Map<string, ScriptSize>();
    for (const page of pages) {
      log(`timing GET ${page.path} as ${page.as}: ${WARMUP} warm-up + ${SAMPLES} requests`);
      const check = pageCheck(page.expect);
      const m = await measureRequests({ client: clients[page.as], path: page.path, warmup: WARMUP, samples: SAMPLES, queries, check });
      const html = await clients[page.as].get(page.path);
      const problem = check(html);
      if (problem) throw new Error(`GET ${page.path}: ${problem}`);
      const scripts = scriptsOfPage(html.body, server.baseUrl);
      const all = [...scripts.tags, ...scripts.flightOnly];
      await sizeScripts(clients[page.as], [...all, ...scripts.noModule], sizes);
      results.push({ ...page, m, scripts, jsGzip: sum(all, sizes, "gzipBytes"), jsRaw: sum(all, sizes, "bytes"), rscBytes: rscPayloadBytes(html.body) });
    }
    queries.detach();
    await server.stop();

    const loaded = (r: PageResult) => new Set([...r.scripts.tags, ...r.scripts.flightOnly]);
    const sets = results.map(loaded);
    const shared = [...sets[0]!].filter((s) => sets.every((set) => set.has(s)));
    const sharedGzip = sum(shared, sizes, "gzipBytes");
    const heaviest = results.reduce((a, b) => (b.jsGzip > a.jsGzip ? b : a));
    const top = [...loaded(heaviest)].map((s) => sizes.get(s)!).sort((a, b) => b.gzipBytes - a.gzipBytes).slice(0, 5);
    const noModule = [...new Set(results.flatMap((r) => r.scripts.noModule))].map((s) => sizes.get(s)!);
    const shown = (r: PageSpec) => r.shown ?? r.path;
    const label = (r: PageSpec) => `${r.as === "member" ? "member" : "admin"} GET ${shown(r)}`;

    const budgets: BenchBudget[] = [];
    for (const r of results) {
      budgets.push({ label: `${label(r)} median < ${BUDGET_MEDIAN_MS} ms`, op: "<", metric: `pages.${r.id}.median_ms`, value: round(r.m.total.median), limit: BUDGET_MEDIAN_MS });
      budgets.push({ label: `${label(r)} SQL per request <= ${BUDGET_QUERIES} (no N+1)`, op: "<=", metric: `pages.${r.id}.queries_max`, value: r.m.queries!.max, limit: BUDGET_QUERIES });
    }
    // JavaScript is a property of the route: one budget per route, the heavier role's figure.
    const byRoute = new Map<string, PageResult>();
    for (const r of results) if (!byRoute.has(r.path) || byRoute.get(r.path)!.jsGzip < r.jsGzip) byRoute.set(r.path, r);
    const overBlank = (r: PageResult) => r.jsGzip - blank.jsGzip;
    for (const r of byRoute.values()) {
      budgets.push({
        label: `first-load JS ${shown(r)} at most the blank app + ${BUDGET_JS_OVER_BLANK_KB} kB gzipped (kB above it)`,
        op: "<=",
        metric: `pages.${r.id}.js_over_blank_kb`,
        value: round(overBlank(r) / 1000),
        limit: BUDGET_JS_OVER_BLANK_KB,
      });
    }

    return {
      title: `settings-pages · ${seed.members.toLocaleString("en")} members · ${data.runners.toLocaleString("en")} runners · ${data.tokens.toLocaleString("en")} tokens · ${fresh.engine}`,
      rows: [
        ["build", build],
        ["blank app", `Next.js ${blank.versions.next}, react ${blank.versions.react}, react-dom ${blank.versions.reactDom}: a layout, a page and one client component, built in ${(blank.buildMs / 1000).toFixed(1)} s`],
        ["JS blank app", `${kB(blank.jsGzip)} gzipped (${kB(blank.jsRaw)} raw) in ${blank.scripts.tags.length + blank.scripts.flightOnly.length} scripts`],
        ["database", fresh.label],
        ["seed", `${seed.members.toLocaleString("en")} members, ${seed.groups} groups in ${(seed.ms / 1000).toFixed(1)} s; ${data.runners.toLocaleString("en")} runners (${UNREGISTERED_RUNNERS} unregistered), ${data.integrations.toLocaleString("en")} integrations, ${data.tokens.toLocaleString("en")} tokens (admin ${data.adminTokens}, member ${data.memberTokens}), ${data.environments.toLocaleString("en")} environments (admin ${data.adminEnvironments}, member ${data.memberEnvironments}), ${data.runnerJobs} clone jobs, ${data.agentActivity.toLocaleString("en")} agent calls, ${data.scmEvents.toLocaleString("en")} events in ${(data.ms / 1000).toFixed(1)} s`],
        ["requests", `per page ${SAMPLES} sequential after ${WARMUP} warm-up · one keep-alive connection per user · gzip · member: ${data.memberEmail}`],
        ...results.map((r): [string, string] => [label(r), line(r)]),
        ...results.map((r): [string, string] => [
          `JS ${label(r)}`,
          `${kB(r.jsGzip)} gzipped vs blank ${kB(blank.jsGzip)}: ${overBlank(r) >= 0 ? "+" : "−"}${kB(Math.abs(overBlank(r)))} (budget +${BUDGET_JS_OVER_BLANK_KB} kB) · ${kB(r.jsRaw)} raw in ${r.scripts.tags.length + r.scripts.flightOnly.length} scripts (${r.scripts.tags.length} <script src>, ${r.scripts.flightOnly.length} named only in the RSC payload) · shared ${kB(sharedGzip)} + page-specific ${kB(r.jsGzip - sharedGzip)}`,
        ]),
        ["JS shared by every page", `${kB(sharedGzip)} gzipped in ${shared.length} scripts`],
        ...top.map((s, i): [string, string] => [`JS top ${i + 1} of ${shown(heaviest)}`, `${kB(s.gzipBytes)} gz (${kB(s.bytes)} raw) ${s.src.replace("/_next/static/chunks/", "")}: ${s.hint}`]),
        ...describe([...blank.scripts.tags, ...blank.scripts.flightOnly], blank.sizes).map((d): [string, string] => ["JS of the blank app", d.trim()]),
        ...noModule.map((s): [string, string] => ["JS noModule (not counted)", `${kB(s.gzipBytes)} gz ${s.src.replace("/_next/static/chunks/", "")}: ${s.hint}`]),
      ],
      notes: [
        `JS shared by every page, ${kB(sharedGzip)} gzipped:`,
        ...describe(shared, sizes),
        ...[...byRoute.values()].flatMap((r) => [`JS only on ${shown(r)} (not on every page), ${kB(r.jsGzip - sharedGzip)} gzipped:`, ...describe([...loaded(r)].filter((s) => !shared.includes(s)), sizes, r.scripts.flightOnly)]),
        ...results.flatMap((r) => [`SQL of one request, ${label(r)}:`, ...r.m.lastQueries.map((s, i) => `  ${i + 1}. ${s.replace(/\s+/g, " ").slice(0, 150)}`)]),
      ],
      budgets,
      figures: {
        engine: fresh.engine,
        members: seed.members,
        runners: data.runners,
        integrations: data.integrations,
        tokens: data.tokens,
        environments: data.environments,
        agent_activity: data.agentActivity,
        scm_events: data.scmEvents,
        samples: SAMPLES,
        warmup: WARMUP,
        pages: Object.fromEntries(
          results.map((r) => [
            r.id,
            {
              path: shown(r),
              as: r.as,
              median_ms: round(r.m.total.median),
              p95_ms: round(r.m.total.p95),
              ttfb_median_ms: round(r.m.ttfb.median),
              queries_median: r.m.queries!.median,
              queries_max: r.m.queries!.max,
              html_bytes: r.m.bodyBytes,
              rsc_payload_bytes: r.rscBytes,
              wire_bytes: r.m.wireBytes,
              js_gzip_kb: round(r.jsGzip / 1000),
              js_over_blank_kb: round(overBlank(r) / 1000),
              js_raw_kb: round(r.jsRaw / 1000),
              js_scripts: r.scripts.tags.length + r.scripts.flightOnly.length,
              js_flight_only: r.scripts.flightOnly.length,
            },
          ]),
        ),
        js_shared_gzip_kb: round(sharedGzip / 1000),
        js_shared_scripts: shared.length,
        js_heaviest: {
          page: heaviest.id,
          top5: top.map((s) => ({ src: s.src, gzip_kb: round(s.gzipBytes / 1000), raw_kb: round(s.bytes / 1000), hint: s.hint })),
        },
        seed_ms: seed.ms + data.ms,
        budget_median_ms: BUDGET_MEDIAN_MS,
        budget_queries: BUDGET_QUERIES,
        blank_js_gzip_kb: round(blank.jsGzip / 1000),
        blank_js_raw_kb: round(blank.jsRaw / 1000),
        blank_versions: blank.versions,
        budget_js_over_blank_kb: BUDGET_JS_OVER_BLANK_KB,
      },
    };
  },
};

export default bench;
