import http from "node:http";
import { performance } from "node:perf_hooks";
import { reconnectDelayMs } from "../../runner/worker";

/** Wall-clock milliseconds with sub-millisecond resolution, comparable with the app's (same host). */
export const wallClockMs = () => performance.timeOrigin + performance.now();

export type FleetRunner = { runnerId: string; accessToken: string };
export type ReceivedJob = { runner: number; jobId: string; attempt: number; receivedAt: number };

export type FleetCounters = {
  /** Long-poll requests sent (first arms and re-arms). */
  polls: number;
  /** Polls that came back empty after their wait (then re-armed). */
  empty: number;
  /** Polls that brought jobs. */
  withJobs: number;
  /** Non-200 answers, by status. */
  statuses: Record<string, number>;
  /** Socket errors (reset, refused). */
  socketErrors: number;
  /** Polls with no answer `wait + 15 s` after they were sent (the runner process's own limit). */
  timeouts: number;
  /** The same job id delivered more than once. */
  duplicates: number;
  firstError: string | null;
};

/**
 * Many simulated runners in one process, each holding one long-poll (`GET /jobs?wait=S`) and
 * re-arming it as soon as it returns, as the runner process does; after a failed poll each backs
 * off as the runner process does (`reconnectDelayMs`). Sockets come from one keep-alive agent with
 * no socket limit, so every runner really holds a connection.
 */
export class RunnerFleet {
  readonly counters: FleetCounters = { polls: 0, empty: 0, withJobs: 0, statuses: {}, socketErrors: 0, timeouts: 0, duplicates: 0, firstError: null };
  private readonly agent = new http.Agent({ keepAlive: true, maxSockets: Infinity, maxFreeSockets: 2_048 });
  private readonly url: URL;
  /** When each runner's current poll was sent (wall clock), or null while it has none. */
  private readonly armedAt: Array<number | null>;
  /** Failed polls in a row, per runner. */
  private readonly failures: number[];
  private readonly requests = new Set<http.ClientRequest>();
  private readonly seen = new Set<string>();
  private stopped = false;

  constructor(
    baseUrl: string,
    private readonly runners: FleetRunner[],
    private readonly opts: { waitSeconds: number; onJob: (job: ReceivedJob) => void },
  ) {
    this.url = new URL(baseUrl);
    this.armedAt = runners.map(() => null);
    this.failures = runners.map(() => 0);
  }

  /** Polls in flight right now (sent, not yet answered). */
  inFlight(): number {
    return this.armedAt.filter((t) => t !== null).length;
  }

  /** Runners whose poll has been in flight for at least `ms` (so it is parked on the server). */
  armedFor(ms: number): number[] {
    const cutoff = wallClockMs() - ms;
    const out: number[] = [];
    this.armedAt.forEach((t, i) => {
      if (t !== null && t <= cutoff) out.push(i);
    });
    return out;
  }

  /** Arms runner `i`'s long-poll (again). */
  arm(i: number): void {
    if (this.stopped) return;
    const runner = this.runners[i]!;
    this.counters.polls += 1;
    this.armedAt[i] = wallClockMs();
    const req = http.request(
      {
        host: this.url.hostname,
        port: this.url.port,
        path: `/api/runner/v1/jobs?wait=${this.opts.waitSeconds}`,
        headers: { authorization: `Bearer ${runner.accessToken}`, accept: "application/json" },
        agent: this.agent,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => {
          const receivedAt = wallClockMs();
          this.done(req, i);
          if (res.statusCode !== 200) {
            this.fail(`status ${res.statusCode}`, `GET /jobs answered ${res.statusCode}: ${Buffer.concat(chunks).toString("utf8").slice(0, 200)}`);
            this.rearmLater(i);
            return;
          }
          this.failures[i] = 0;
          const { jobs } = JSON.parse(Buffer.concat(chunks).toString("utf8")) as { jobs: Array<{ id: string; attempt: number }> };
          // Re-arm first: a runner is back on the line before it starts working.
          this.arm(i);
          if (jobs.length === 0) this.counters.empty += 1;
          else this.counters.withJobs += 1;
          for (const job of jobs) {
            if (this.seen.has(job.id)) this.counters.duplicates += 1;
            this.seen.add(job.id);
            this.opts.onJob({ runner: i, jobId: job.id, attempt: job.attempt, receivedAt });
          }
        });
      },
    );
    req.setTimeout((this.opts.waitSeconds + 15) * 1000, () => {
      this.counters.timeouts += 1;
      req.destroy(new Error("long-poll timed out"));
    });
    req.on("error", (e) => {
      if (!this.requests.has(req)) return;
      this.done(req, i);
      if (this.stopped) return;
      if (e.message !== "long-poll timed out") this.fail("socket", `GET /jobs failed: ${e.message}`);
      this.rearmLater(i);
    });
    this.requests.add(req);
    req.end();
  }

  private rearmLater(i: number): void {
    this.failures[i]! += 1;
    setTimeout(() => this.arm(i), reconnectDelayMs(this.failures[i]!));
  }

  private done(req: http.ClientRequest, i: number): void {
    this.requests.delete(req);
    this.armedAt[i] = null;
  }

  private fail(kind: string, message: string): void {
    if (kind === "socket") this.counters.socketErrors += 1;
    else this.counters.statuses[kind] = (this.counters.statuses[kind] ?? 0) + 1;
    this.counters.firstError ??= message;
  }

  /** Acknowledges a job as a runner does, so it is not handed out again when its lease ends. */
  ack(i: number, jobId: string, attempt: number): Promise<void> {
    const body = JSON.stringify({ attempt, outcome: "succeeded", result: { bench: true } });
    return new Promise((resolve, reject) => {
      const req = http.request(
        {
          host: this.url.hostname,
          port: this.url.port,
          method: "POST",
          path: `/api/runner/v1/jobs/${jobId}/result`,
          headers: { authorization: `Bearer ${this.runners[i]!.accessToken}`, "content-type": "application/json", "content-length": Buffer.byteLength(body) },
          agent: this.agent,
        },
        (res) => {
          res.resume();
          res.on("end", () => (res.statusCode === 200 ? resolve() : reject(new Error(`POST /jobs/${jobId}/result answered ${res.statusCode}`))));
        },
      );
      req.setTimeout(10_000, () => req.destroy(new Error("ack timed out")));
      req.on("error", reject);
      req.end(body);
    });
  }

  errors(): number {
    const c = this.counters;
    return c.socketErrors + c.timeouts + c.duplicates + Object.values(c.statuses).reduce((a, b) => a + b, 0);
  }

  /** Hangs up every poll (the server sees the runners disconnect). */
  stop(): void {
    this.stopped = true;
    for (const req of this.requests) req.destroy();
    this.requests.clear();
    this.armedAt.fill(null);
    this.agent.destroy();
  }
}
