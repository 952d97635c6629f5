import { performance } from "node:perf_hooks";
import { sql } from "drizzle-orm";
import { organizations } from "../db/schema";
import { RETENTION_BATCH, sweepRetention } from "../lib/retention/sweep-retention";
import { createFreshDatabase } from "./lib/database";
import { ms, round, summarize } from "./lib/stats";
import type { Bench } from "./lib/types";

/** Overridable for quick local runs; the figures in README are for the default. */
const EVENTS = Number(process.env.BENCH_EVENTS ?? 1_000_000);
/** Events spread evenly over twice the retention period: the sweep removes the older half. */
const KEEP_DAYS = 90;
const en = (n: number) => n.toLocaleString("en");

const rowsOf = (r: unknown) => (Array.isArray(r) ? r : (r as { rows: unknown[] }).rows) as Array<Record<string, unknown>>;

const bench: Bench = {
  name: "retention-sweep",
  description: `Retention sweep over ${en(EVENTS)} scm_events, half of them past ${KEEP_DAYS} days: time per batch of ${en(RETENTION_BATCH)}, total, and the index it uses`,
  async run({ scope, log }) {
    const fresh = await createFreshDatabase(scope, log);
    const database = await fresh.open();
    scope.add("close database", () => database.close());
    const db = database.db;

    const orgs = await db.insert(organizations).values([{ name: "Bench A" }, { name: "Bench B" }]).returning({ id: organizations.id });
    log(`seeding ${en(EVENTS)} events in ${fresh.label}`);
    const seedStart = performance.now();
    const chunk = 100_000;
    for (let from = 1; from <= EVENTS; from += chunk) {
      const to = Math.min(EVENTS, from + chunk - 1);
      await db.execute(sql`
        insert into scm_events (org_id, at, actor_type, user_id, operation, stage, outcome, correlation_id, detail)
        select case when g % 2 = 0 then ${orgs[0]!.id}::uuid else ${orgs[1]!.id}::uuid end,
               now() - (g::float8 / ${EVENTS}) * interval '${sql.raw(String(KEEP_DAYS * 2))} days',
               'system', gen_random_uuid(), 'pat.validate', 'finished', case when g % 7 = 0 then 'failed' else 'succeeded' end,
               md5(g::text), '{"providerStatus": 200}'::jsonb
        from generate_series(${from}::int, ${to}::int) g`);
    }
    await db.execute(sql`analyze scm_events`);
    const seedMs = performance.now() - seedStart;
    const [{ n: before } = { n: 0 }] = rowsOf(await db.execute(sql`select count(*)::int as n from scm_events`)) as Array<{ n: number }>;

    const plan = rowsOf(await db.execute(sql`explain delete from scm_events where id in (select id from scm_events where at < now() - make_interval(days => ${KEEP_DAYS}) limit ${RETENTION_BATCH})`)).map((r) => String(Object.values(r)[0]));
    const usesIndex = plan.some((l) => /scm_events_at_idx/.test(l));

    log("sweeping");
    const batchMs: number[] = [];
    let last = performance.now();
    const start = last;
    const counts = await sweepRetention({
      db,
      policy: { jobPayloadMinutes: 60, eventsDays: KEEP_DAYS },
      onBatch: (name) => {
        const now = performance.now();
        if (name === "events") batchMs.push(now - last);
        last = now;
      },
    });
    const totalMs = performance.now() - start;
    const [{ n: after } = { n: 0 }] = rowsOf(await db.execute(sql`select count(*)::int as n from scm_events`)) as Array<{ n: number }>;
    const s = summarize(batchMs);
    const again = performance.now();
    await sweepRetention({ db, policy: { jobPayloadMinutes: 60, eventsDays: KEEP_DAYS } });
    const idleMs = performance.now() - again;

    return {
      title: `Retention sweep on ${fresh.engine}: ${en(before)} events, ${en(counts.events)} past ${KEEP_DAYS} days`,
      rows: [
        ["seed (generate_series)", ms(seedMs)],
        ["events removed", `${en(counts.events)} in ${en(batchMs.length)} batches, ${en(after)} kept`],
        ["batch of 5,000: median", ms(s.median)],
        ["batch: p95 / max", `${ms(s.p95)} / ${ms(s.max)}`],
        ["whole sweep", ms(totalMs)],
        ["next sweep, nothing to do", ms(idleMs)],
        ["batch query uses scm_events_at_idx", usesIndex ? "yes" : "no"],
      ],
      notes: ["plan of one batch:", ...plan.map((l) => `  ${l}`)],
      budgets: [],
      figures: {
        engine: fresh.engine,
        events: before,
        removed: counts.events,
        kept: after,
        batches: batchMs.length,
        batch_median_ms: round(s.median),
        batch_p95_ms: round(s.p95),
        batch_max_ms: round(s.max),
        sweep_ms: round(totalMs),
        idle_sweep_ms: round(idleMs),
        seed_ms: round(seedMs),
        uses_index: usesIndex,
      },
    };
  },
};

export default bench;
