import crypto from "node:crypto";
import os from "node:os";
import { monitorEventLoopDelay } from "node:perf_hooks";
import type { ChannelState } from "../lib/testing/enqueue-test-job";
import { createFreshDatabase } from "./lib/database";
import { HttpClient } from "./lib/http";
import { Arrivals, ENQUEUE_PATH, measurePickups, pickupFigures, pickupRows } from "./lib/pickup";
import { cpuPressure, mib, treeCpuMs, treeRss } from "./lib/process-stats";
import { ensureBuild } from "./lib/repo";
import { RunnerFleet } from "./lib/runner-fleet";
import { createRunners, registerRunners } from "./lib/runner-seed";
import { rng } from "./lib/seed";
import { startNextServer } from "./lib/server";
import { ms, round } from "./lib/stats";
import type { Bench } from "./lib/types";

/** Overridable for quick local runs; the budgets are defined for the defaults. */
const RUNNERS = Number(process.env.BENCH_RUNNERS ?? 1_000);
const SAMPLES = Number(process.env.BENCH_SAMPLES ?? 200);
const WARMUP = 10;
/** The longest wait the plane grants (MAX_POLL_WAIT_SECONDS): what a real runner asks for. */
const WAIT_SECONDS = 30;
/**
 * Runners connect as fast as the app parks their polls, with at most this many in its queue: the
 * figure is what it holds, not how it copes with a thundering herd.
 */
const CONNECT_BACKLOG = 50;
/** With many runners, jobs start at least this far apart, so the run spans a whole poll-timeout wave (every poll re-arms while jobs flow). */
const SPACING_MS = 175;
/** A job slower than this was not woken by its write (only the poll's own timeout found it). */
const LATE_AFTER_MS = 5_000;
const BUDGET_PICKUP_MS = 100;

const sleep = (t: number) => new Promise((r) => setTimeout(r, t));
const en = (n: number) => n.toLocaleString("en");

const bench: Bench = {
  name: "job-pickup",
  description: `Job pickup latency through the runner long-poll with 1 and ${en(RUNNERS)} connected runners; app memory`,
  async run({ root, scope, log }) {
    const build = await ensureBuild(root, log);
    const fresh = await createFreshDatabase(scope, log);

    log(`creating ${en(RUNNERS)} runners in ${fresh.label}`);
    const database = await fresh.open();
    let created;
    try {
      created = await createRunners(database.db, { count: RUNNERS, adminEmail: "admin@bench.example", adminPassword: crypto.randomBytes(18).toString("base64url") });
    } finally {
      // Only one process may open a PGlite directory: close it before the app opens it.
      await database.close();
    }

    const secret = crypto.randomBytes(32).toString("base64url");
    const server = await startNextServer({
      root,
      scope,
      log,
      env: {
        ...fresh.appEnv,
        AUTH_SECRET: crypto.randomBytes(32).toString("base64url"),
        E2E_SEED_SECRET: secret,
        LOG_LEVEL: "warn",
        // Lets the memory samples run a full GC first, so they compare live data, not garbage.
        NODE_OPTIONS: "--expose-gc",
      },
    });
    const control = new HttpClient(server.baseUrl);
    scope.add("close control client", () => control.close());
    const controlHeaders = { "x-e2e-seed-secret": secret };
    const state = async (collect = false): Promise<ChannelState> =>
      JSON.parse((await control.get(`${ENQUEUE_PATH}${collect ? "?gc=1" : ""}`, controlHeaders)).body) as ChannelState;
    // Null when the app does not answer within 30 s (overloaded): reported, not fatal.
    const stateOrNull = (collect = false) => state(collect).catch(() => null);
    const memorySample = async () => {
      const app = await stateOrNull(true);
      return { app, rss: treeRss(server.pid) };
    };
    const heldNow = () => stateOrNull().then((s) => s?.waiting ?? -1);
    const waitForHeld = async (n: number, timeoutMs: number): Promise<number> => {
      const deadline = Date.now() + timeoutMs;
      let held = await heldNow();
      while (held < n && Date.now() < deadline) {
        await sleep(5);
        held = await heldNow();
      }
      return held;
    };

    // Other work on this 2-core machine skews every figure: say how busy it was.
    const loadAtStart = os.loadavg()[0]!;
    const pressureAtStart = cpuPressure();
    const registered = await registerRunners(server.baseUrl, created.runners);
    log(`registered ${en(registered.runners.length)} runners through POST /api/runner/v1/register in ${(registered.ms / 1000).toFixed(1)} s`);
    const runnerIds = registered.runners.map((r) => r.runnerId);
    const arrivals = new Arrivals();
    const common = { control, controlHeaders, arrivals, orgId: created.orgId, runnerIds, warmup: WARMUP, samples: SAMPLES, lateAfterMs: LATE_AFTER_MS, lostAfterMs: (WAIT_SECONDS + 10) * 1000, log };

    // 1 runner: each job is written once its poll is back on the line and parked on the server.
    log(`1 runner: ${WARMUP} + ${SAMPLES} jobs, one at a time`);
    const single = new RunnerFleet(server.baseUrl, registered.runners.slice(0, 1), { waitSeconds: WAIT_SECONDS, onJob: arrivals.onJob });
    scope.add("stop the single runner", () => single.stop());
    single.arm(0);
    const one = await measurePickups({
      ...common,
      fleet: single,
      pick: async () => {
        while (single.inFlight() < 1) await sleep(1);
        await waitForHeld(1, 5_000);
        return 0;
      },
    });
    single.stop();
    const singleErrors = single.errors();

    await sleep(1_000);
    const beforeSample = await memorySample();
    if (!beforeSample.app) throw new Error("the app did not report its state before the runners connected");
    const before = { rss: beforeSample.rss, app: beforeSample.app };
    log(`before the runners connect: RSS ${mib(before.rss.bytes).toFixed(0)} MiB in ${before.rss.processes} process(es), ${before.app.waiting} held`);

    // Many runners: all hold a poll; jobs go to random runners whose poll is parked.
    log(`${en(RUNNERS)} runners: connecting, at most ${CONNECT_BACKLOG} waiting to be parked at a time`);
    const fleet = new RunnerFleet(server.baseUrl, registered.runners, { waitSeconds: WAIT_SECONDS, onJob: arrivals.onJob });
    scope.add("stop the runner fleet", () => fleet.stop());
    const connectStarted = Date.now();
    const cpuAtConnect = treeCpuMs(server.pid);
    const connectDeadline = connectStarted + 180_000;
    let armed = 0;
    while (armed < RUNNERS && Date.now() < connectDeadline) {
      const held = await heldNow();
      // Polls sent but not parked yet: the app's queue.
      const queued = held < 0 ? CONNECT_BACKLOG : Math.max(0, fleet.inFlight() - held);
      for (let room = CONNECT_BACKLOG - queued; room > 0 && armed < RUNNERS; room--) fleet.arm(armed++);
      await sleep(20);
    }
    const heldAfterConnect = await waitForHeld(RUNNERS, Math.max(10_000, connectDeadline - Date.now()));
    const connectMs = Date.now() - connectStarted;
    const connectPolls = fleet.counters.polls;
    const connectCpuMs = treeCpuMs(server.pid) - cpuAtConnect;
    log(`${heldAfterConnect} long-polls held on the server ${(connectMs / 1000).toFixed(1)} s after the first connected (${en(connectPolls)} poll requests, ${fleet.errors()} client errors)`);
    await sleep(1_000);
    const atFull = await memorySample();

    let peakRss = atFull.rss.bytes;
    const sampler = setInterval(() => (peakRss = Math.max(peakRss, treeRss(server.pid).bytes)), 500);
    const loopDelay = monitorEventLoopDelay({ resolution: 5 });
    loopDelay.enable();
    const random = rng(7);
    let last = -1;
    const measureStarted = Date.now();
    const cpuAtMeasure = treeCpuMs(server.pid);
    const pollsAtMeasure = fleet.counters.polls;
    log(`${en(RUNNERS)} runners: ${WARMUP} + ${SAMPLES} jobs to random runners, ${SPACING_MS} ms apart`);
    const many = await measurePickups({
      ...common,
      fleet,
      spacingMs: SPACING_MS,
      pick: async () => {
        for (;;) {
          // Parked for a second: the poll is past its setup queries and waits on the notifier.
          const ready = fleet.armedFor(1_000).filter((i) => i !== last);
          if (ready.length > 0) return (last = ready[Math.floor(random() * ready.length)]!);
          await sleep(5);
        }
      },
    });
    const measureS = (Date.now() - measureStarted) / 1000;
    const measureCpuMs = treeCpuMs(server.pid) - cpuAtMeasure;
    const measurePolls = fleet.counters.polls - pollsAtMeasure;
    loopDelay.disable();
    clearInterval(sampler);
    const atEnd = await memorySample();
    const counters = structuredClone(fleet.counters);
    const fleetErrors = fleet.errors();
    fleet.stop();
    await server.stop();

    const f1 = pickupFigures(one);
    const fN = pickupFigures(many);
    const heldShort = Math.max(0, RUNNERS - heldAfterConnect);
    const rssPerPollKiB = (atFull.rss.bytes - before.rss.bytes) / 1024 / RUNNERS;
    const heapPerPollKiB = atFull.app ? (atFull.app.memory.heapUsed - before.app.memory.heapUsed) / 1024 / RUNNERS : NaN;
    const errorsN = fleetErrors + many.lost + many.wrongRunner + many.ackErrors + many.enqueueErrors + heldShort;
    const mem = ({ rss, app }: { rss: { bytes: number }; app: ChannelState | null }) =>
      `RSS ${mib(rss.bytes).toFixed(0)} MiB · ` +
      (app ? `heap used ${mib(app.memory.heapUsed).toFixed(0)} MiB · external ${mib(app.memory.external).toFixed(0)} MiB · ${en(app.waiting)} held` : "(the app did not answer for its heap)");
    const statuses = Object.entries(counters.statuses).map(([k, v]) => `${k}: ${v}`).join(", ") || "none";
    const loadAtEnd = os.loadavg()[0]!;
    const pressureAtEnd = cpuPressure();
    const pressure = (p: number | null) => (p === null ? "n/a" : `${p.toFixed(0)} %`);

    return {
      title: `job-pickup · runner long-poll · 1 and ${en(RUNNERS)} runners · ${fresh.engine}`,
      rows: [
        ["build", build],
        ["database", fresh.label],
        [
          "machine",
          `${os.cpus().length} cores · 1-min load average ${loadAtStart.toFixed(1)} when measuring began, ${loadAtEnd.toFixed(1)} at the end · tasks waiting for a CPU ${pressure(pressureAtStart)} / ${pressure(pressureAtEnd)} of the last minute`,
        ],
        ["runners", `${en(RUNNERS)} created (createRunner) in ${(created.ms / 1000).toFixed(1)} s, registered through POST /register in ${(registered.ms / 1000).toFixed(1)} s`],
        ["long-poll", `GET /api/runner/v1/jobs?wait=${WAIT_SECONDS}, re-armed as soon as it answers; every job acknowledged`],
        ["1 runner", `${WARMUP} warm-up + ${SAMPLES} jobs, each written once the poll is parked · client errors ${singleErrors}`],
        ...pickupRows(f1, LATE_AFTER_MS),
        [`${en(RUNNERS)} runners`, `${en(heldAfterConnect)} polls parked ${(connectMs / 1000).toFixed(1)} s after connecting began (at most ${CONNECT_BACKLOG} queued); ${WARMUP} + ${SAMPLES} jobs to random runners, ${SPACING_MS} ms apart`],
        ...pickupRows(fN, LATE_AFTER_MS),
        ["  held while measuring", `app notifier count before each write: min ${en(fN.held_at_enqueue_min)} · median ${en(fN.held_at_enqueue_median)}`],
        ["  poll requests", `${en(counters.polls)} sent · ${en(counters.empty)} came back empty after ${WAIT_SECONDS} s and re-armed · ${en(counters.withJobs)} with jobs`],
        ["  errors", `${fleetErrors} (non-200: ${statuses}; socket ${counters.socketErrors}; timeouts ${counters.timeouts}; duplicate deliveries ${counters.duplicates})${counters.firstError ? ` · first: ${counters.firstError}` : ""}`],
        ["  app CPU", `connecting: ${(connectCpuMs / Math.max(1, connectPolls)).toFixed(1)} ms per poll request · holding and serving jobs: ${(measureCpuMs / measureS / 10).toFixed(0)} % of one core (${en(measurePolls)} poll requests, ${fN.samples + WARMUP} jobs in ${measureS.toFixed(0)} s)`],
        ["  bench client event loop", `delay p99 ${ms(loopDelay.percentile(99) / 1e6)} · max ${ms(loopDelay.max / 1e6)} (${en(RUNNERS)} sockets in this one process)`],
        ["memory before runners connect", mem(before)],
        [`memory with ${en(RUNNERS)} polls held`, `${mem(atFull)} · at the end ${mem(atEnd)} · peak RSS ${mib(peakRss).toFixed(0)} MiB`],
        ["  per held poll", `RSS +${rssPerPollKiB.toFixed(1)} KiB · heap +${heapPerPollKiB.toFixed(1)} KiB (difference of single samples: GC timing moves it)`],
      ],
      notes: [
        "pickup = app clock just before the job's transaction commits → bench clock when the long-poll answer is fully read (same host, wall clocks at sub-ms resolution); this is the budgeted figure.",
        "end to end = bench sends the enqueue request → job received; it adds the enqueue request's HTTP, routing and transaction time.",
        `memory = VmRSS summed over the next start process tree (${atFull.rss.processes} process(es)); heap from process.memoryUsage() of the app process serving the polls.`,
        ...(one.firstProblem ? [`1 runner, first problem: ${one.firstProblem}`] : []),
        ...(many.firstProblem ? [`${en(RUNNERS)} runners, first problem: ${many.firstProblem}`] : []),
      ],
      budgets: [
        { label: `pickup median with 1 runner < ${BUDGET_PICKUP_MS} ms`, op: "<", metric: "one.pickup_median_ms", value: f1.pickup_median_ms, limit: BUDGET_PICKUP_MS },
        { label: `pickup median with ${en(RUNNERS)} runners < ${BUDGET_PICKUP_MS} ms`, op: "<", metric: "many.pickup_median_ms", value: fN.pickup_median_ms, limit: BUDGET_PICKUP_MS },
        { label: `${en(RUNNERS)} polls held; errors (polls not held, client errors, failed or lost jobs)`, op: "<=", metric: "many.errors", value: errorsN, limit: 0 },
      ],
      figures: {
        engine: fresh.engine,
        runners: RUNNERS,
        load_average: [round(loadAtStart, 2), round(loadAtEnd, 2)],
        cpu_pressure_some_avg60: [pressureAtStart, pressureAtEnd],
        wait_seconds: WAIT_SECONDS,
        one: { ...f1, client_errors: singleErrors },
        many: {
          ...fN,
          held_after_connect: heldAfterConnect,
          connect_ms: connectMs,
          errors: errorsN,
          fleet: counters,
          app_cpu_ms_per_connect_poll: round(connectCpuMs / Math.max(1, connectPolls), 2),
          app_cpu_percent_while_holding: round(measureCpuMs / measureS / 10),
        },
        memory: {
          before_rss_mib: round(mib(before.rss.bytes)),
          full_rss_mib: round(mib(atFull.rss.bytes)),
          end_rss_mib: round(mib(atEnd.rss.bytes)),
          peak_rss_mib: round(mib(peakRss)),
          before_heap_used_mib: round(mib(before.app.memory.heapUsed)),
          full_heap_used_mib: atFull.app ? round(mib(atFull.app.memory.heapUsed)) : null,
          rss_per_poll_kib: round(rssPerPollKiB),
          heap_per_poll_kib: round(heapPerPollKiB),
          processes: atFull.rss.processes,
        },
        client_loop_delay_p99_ms: round(loopDelay.percentile(99) / 1e6),
        budget_pickup_ms: BUDGET_PICKUP_MS,
      },
    };
  },
};

export default bench;
