import type { Database, Unlisten } from "@/db/client";
import { log } from "../../log/logger";

/** NOTIFY channel carrying a runner id when it has a new job. */
export const JOBS_CHANNEL = "runner_jobs";
/** NOTIFY channel carrying a job id when it finished (succeeded, failed or cancelled). */
export const JOB_DONE_CHANNEL = "runner_job_done";

type Waiter = () => void;

/**
 * Wakes waiting long-polls and result waiters from PostgreSQL notifications. One LISTEN per channel
 * per process, fanned out in memory by key, so a thousand held long-polls cost a thousand promises,
 * not a thousand connections. The job table stays the source of truth: a missed notification only
 * delays a waiter until its next check.
 */
export class JobNotifier {
  private readonly waiters = new Map<string, Map<string, Set<Waiter>>>();
  private readonly subscriptions = new Map<string, Promise<Unlisten>>();

  constructor(private readonly database: Pick<Database, "listen">) {}

  /** Resolves once LISTEN is active on `channel` in this process. */
  async ready(channel: string): Promise<void> {
    await this.subscribe(channel);
  }

  private async subscribe(channel: string): Promise<void> {
    let sub = this.subscriptions.get(channel);
    if (!sub) {
      sub = this.database.listen(channel, (key) => this.wake(channel, key));
      this.subscriptions.set(channel, sub);
      sub.catch((e: unknown) => {
        this.subscriptions.delete(channel);
        log.error("jobs.listen_failed", { channel, error: e instanceof Error ? e.message : String(e) });
      });
    }
    await sub;
  }

  /** Wakes everyone waiting on `key` in `channel` (also used in-process right after a commit). */
  wake(channel: string, key: string): void {
    const set = this.waiters.get(channel)?.get(key);
    if (!set) return;
    for (const waiter of [...set]) waiter();
  }

  /**
   * Resolves when `key` is notified on `channel`, when `ms` pass, or when `signal` aborts; never
   * rejects. The waiter is registered synchronously, so a caller can start waiting, then check the
   * table, and miss nothing committed in between (call `ready` once first).
   */
  wait(channel: string, key: string, ms: number, signal?: AbortSignal): Promise<"notified" | "timeout" | "aborted"> {
    void this.subscribe(channel).catch(() => {});
    if (signal?.aborted) return Promise.resolve("aborted");
    return new Promise((resolve) => {
      let byKey = this.waiters.get(channel);
      if (!byKey) this.waiters.set(channel, (byKey = new Map()));
      let set = byKey.get(key);
      if (!set) byKey.set(key, (set = new Set()));
      const finish = (outcome: "notified" | "timeout" | "aborted") => {
        clearTimeout(timer);
        signal?.removeEventListener("abort", onAbort);
        set.delete(waiter);
        if (set.size === 0) byKey.delete(key);
        resolve(outcome);
      };
      const waiter = () => finish("notified");
      const onAbort = () => finish("aborted");
      const timer = setTimeout(() => finish("timeout"), Math.max(0, ms));
      signal?.addEventListener("abort", onAbort, { once: true });
      set.add(waiter);
    });
  }

  /** Number of waiters (benchmarks report it). */
  waiting(): number {
    let n = 0;
    for (const byKey of this.waiters.values()) for (const set of byKey.values()) n += set.size;
    return n;
  }

  async close(): Promise<void> {
    const subs = [...this.subscriptions.values()];
    this.subscriptions.clear();
    await Promise.all(subs.map(async (s) => (await s.catch(() => null))?.()));
  }
}

const notifiers = new WeakMap<object, JobNotifier>();

/** The notifier of one open database (one per process in the app; one per database in tests). */
export function jobNotifierFor(database: Pick<Database, "db" | "listen">): JobNotifier {
  let notifier = notifiers.get(database.db);
  if (!notifier) notifiers.set(database.db, (notifier = new JobNotifier(database)));
  return notifier;
}
