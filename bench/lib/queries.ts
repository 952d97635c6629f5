import type { RunningServer } from "./server";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Counts the `{"event":"db.query"}` lines a server started with LOG_QUERIES=1 writes to stdout.
 * Requests are sent one at a time, so the lines logged between sending request N and its
 * response (plus a short settle for lines still in the pipe) belong to request N.
 */
export class QueryLog {
  count = 0;
  private lastLineAt = 0;
  private readonly recent: string[] = [];
  private readonly unsubscribe: () => void;

  constructor(server: RunningServer) {
    this.unsubscribe = server.onLine((line) => {
      if (!line.startsWith("{") || !line.includes('"db.query"')) return;
      try {
        const entry = JSON.parse(line) as { event?: string; sql?: string };
        if (entry.event !== "db.query") return;
        this.count += 1;
        this.lastLineAt = Date.now();
        this.recent.push(entry.sql ?? "");
        if (this.recent.length > 1_000) this.recent.shift();
      } catch {
        /* not one of ours */
      }
    });
  }

  /** A position to count from. */
  mark(): number {
    return this.count;
  }

  /** The statements logged since `mark` (only the last 1,000 are kept). */
  since(mark: number): string[] {
    const n = this.count - mark;
    return n <= 0 ? [] : this.recent.slice(-Math.min(n, this.recent.length));
  }

  /** Waits until no query line has arrived for `quietMs` (at most `maxMs`). */
  async settle(quietMs = 10, maxMs = 500): Promise<void> {
    const start = Date.now();
    await sleep(quietMs);
    while (Date.now() - this.lastLineAt < quietMs && Date.now() - start < maxMs) await sleep(quietMs);
  }

  detach(): void {
    this.unsubscribe();
  }
}
