import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { ChannelState } from "../lib/testing/enqueue-test-job";
import { createFreshDatabase } from "./lib/database";
import { HttpClient } from "./lib/http";
import { Arrivals, ENQUEUE_PATH, measurePickups, type PickupRun } from "./lib/pickup";
import { cpuPressure } from "./lib/process-stats";
import { ensureBuild } from "./lib/repo";
import { RunnerFleet } from "./lib/runner-fleet";
import { createRunners, registerRunners } from "./lib/runner-seed";
import { startNextServer } from "./lib/server";
import { medianSorted, ms, percentileSorted, round } from "./lib/stats";
import type { Bench } from "./lib/types";

/** Overridable for a quick look; the budget is defined for the default. */
const SAMPLES = Number(process.env.BENCH_SAMPLES ?? 20);
const WARMUP = 3;
/** The longest wait the plane grants (MAX_POLL_WAIT_SECONDS). */
const WAIT_SECONDS = 30;
/** A job slower than this was not woken by its write (only the poll's own timeout found it). */
const LATE_AFTER_MS = 5_000;
/** DESIGN.md: a runner picks up a new job within 100 ms, also when it is written through another replica. */
const BUDGET_PICKUP_MS = 100;

const sleep = (t: number) => new Promise((r) => setTimeout(r, t));

function figures(run: PickupRun) {
  const pickup = run.samples.map((s) => s.pickupMs).sort((a, b) => a - b);
  return {
    samples: pickup.length,
    median_ms: round(medianSorted(pickup)),
    p95_ms: round(percentileSorted(pickup, 95)),
    max_ms: round(pickup.at(-1) ?? NaN),
    late: run.late,
    lost: run.lost,
    errors: run.wrongRunner + run.ackErrors + run.enqueueErrors,
  };
}

const bench: Bench = {
  name: "two-replicas",
  description: "Job pickup across plane replicas: a job written through replica B reaches a runner long-polling replica A (PostgreSQL LISTEN/NOTIFY)",
  async run({ root, scope, log }) {
    if (!process.env.BENCH_DATABASE_URL?.trim()) {
      throw new Error("two-replicas needs PostgreSQL: set BENCH_DATABASE_URL=postgres://… (two replicas cannot share one embedded PGlite database)");
    }
    const build = await ensureBuild(root, log);
    const fresh = await createFreshDatabase(scope, log);
    const database = await fresh.open();
    let created;
    try {
      created = await createRunners(database.db, { count: 1, adminEmail: "admin@bench.example", adminPassword: crypto.randomBytes(18).toString("base64url") });
    } finally {
      await database.close();
    }

    // Same database, AUTH_SECRET and seed secret; a DATA_DIR of its own each, as separate hosts would have.
    const secret = crypto.randomBytes(32).toString("base64url");
    const shared = { DATABASE_URL: fresh.appEnv.DATABASE_URL!, AUTH_SECRET: crypto.randomBytes(32).toString("base64url"), E2E_SEED_SECRET: secret, LOG_LEVEL: "warn" };
    const dataDir = (name: string) => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), `scm-bench-${name}-`));
      scope.add(`remove ${dir}`, () => fs.rmSync(dir, { recursive: true, force: true }));
      return dir;
    };
    const [a, b] = await Promise.all(["a", "b"].map((name) => startNextServer({ root, scope, log, env: { ...shared, DATA_DIR: dataDir(name) } })));
    const controlHeaders = { "x-e2e-seed-secret": secret };
    const controlA = new HttpClient(a!.baseUrl);
    const controlB = new HttpClient(b!.baseUrl);
    scope.add("close control clients", () => (controlA.close(), controlB.close()));
    const held = async () => (JSON.parse((await controlA.get(ENQUEUE_PATH, controlHeaders)).body) as ChannelState).waiting;
    const pids = await Promise.all([controlA, controlB].map(async (c) => (JSON.parse((await c.get(ENQUEUE_PATH, controlHeaders)).body) as ChannelState).pid));
    if (pids[0] === pids[1]) throw new Error("both replicas answered from one process");

    const registered = await registerRunners(a!.baseUrl, created.runners);
    const arrivals = new Arrivals();
    const fleet = new RunnerFleet(a!.baseUrl, registered.runners, { waitSeconds: WAIT_SECONDS, onJob: arrivals.onJob });
    scope.add("stop the runner", () => fleet.stop());
    fleet.arm(0);
    const loadAtStart = os.loadavg()[0]!;
    const pressureAtStart = cpuPressure();
    const measure = (through: HttpClient, label: string) => {
      log(`${label}: ${WARMUP} + ${SAMPLES} jobs, each written once the runner's poll is held by replica A`);
      return measurePickups({
        control: through,
        controlHeaders,
        fleet,
        arrivals,
        orgId: created.orgId,
        runnerIds: registered.runners.map((r) => r.runnerId),
        warmup: WARMUP,
        samples: SAMPLES,
        lateAfterMs: LATE_AFTER_MS,
        lostAfterMs: (WAIT_SECONDS + 10) * 1000,
        log,
        pick: async () => {
          while (fleet.inFlight() < 1) await sleep(1);
          while ((await held()) < 1) await sleep(2);
          return 0;
        },
      });
    };
    const across = figures(await measure(controlB, "written through replica B"));
    const same = figures(await measure(controlA, "written through replica A (the same replica, for comparison)"));
    fleet.stop();
    const loadAtEnd = os.loadavg()[0]!;
    const pressure = (p: number | null) => (p === null ? "n/a" : `${p.toFixed(0)} %`);
    const row = (f: ReturnType<typeof figures>) =>
      `median ${ms(f.median_ms)} · p95 ${ms(f.p95_ms)} · max ${ms(f.max_ms)} · n=${f.samples} · late ${f.late} · lost ${f.lost} · errors ${f.errors}`;

    return {
      title: `two-replicas · job pickup across plane replicas · ${fresh.engine}`,
      rows: [
        ["build", build],
        ["database", fresh.label],
        ["replicas", `A ${a!.baseUrl} (pid ${pids[0]}) · B ${b!.baseUrl} (pid ${pids[1]}) · one database, one AUTH_SECRET, a DATA_DIR each`],
        ["machine", `${os.cpus().length} cores · 1-min load average ${loadAtStart.toFixed(1)} → ${loadAtEnd.toFixed(1)} · tasks waiting for a CPU ${pressure(pressureAtStart)} / ${pressure(cpuPressure())}`],
        ["runner", `one, registered through A's POST /api/runner/v1/register, holding GET /api/runner/v1/jobs?wait=${WAIT_SECONDS} on A, re-armed at once; every job acknowledged`],
        ["written through B → runner on A", row(across)],
        ["written through A → runner on A", row(same)],
      ],
      notes: [
        "pickup = the writing replica's clock just before the job's transaction commits → this process's clock when A's long-poll answer with the job is fully read (one host).",
        "Across replicas the only way A learns of the job is PostgreSQL's NOTIFY on the job channel; a late job (over 5 s) would mean a missed wake-up caught by the poll's own timeout.",
      ],
      budgets: [
        { label: `pickup median across replicas < ${BUDGET_PICKUP_MS} ms`, op: "<", metric: "across.median_ms", value: across.median_ms, limit: BUDGET_PICKUP_MS },
        { label: `pickup p95 across replicas < ${BUDGET_PICKUP_MS} ms`, op: "<", metric: "across.p95_ms", value: across.p95_ms, limit: BUDGET_PICKUP_MS },
        { label: "late, lost or failed jobs", op: "<=", metric: "problems", value: across.late + across.lost + across.errors + same.late + same.lost + same.errors, limit: 0 },
      ],
      figures: { engine: fresh.engine, wait_seconds: WAIT_SECONDS, across, same, load_average: [round(loadAtStart, 2), round(loadAtEnd, 2)], budget_pickup_ms: BUDGET_PICKUP_MS },
    };
  },
};

export default bench;
