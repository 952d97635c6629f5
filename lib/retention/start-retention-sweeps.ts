import type { Db } from "@/db/client";
import { getEnv } from "../env";
import { log } from "../log/logger";
import { sweepRetention, type RetentionPolicy } from "./sweep-retention";

const started = globalThis as { __scmRetentionTimer?: NodeJS.Timeout };

/** The retention periods configured for this plane (README, Configure). */
export function retentionPolicy(): RetentionPolicy {
  const env = getEnv();
  return { jobPayloadMinutes: env.RETENTION_JOB_PAYLOAD_MINUTES, eventsDays: env.RETENTION_EVENTS_DAYS };
}

/**
 * Runs `sweepRetention` every RETENTION_SWEEP_INTERVAL_SECONDS in this process (started once, from
 * instrumentation): the plane needs no separate scheduler, and with several replicas the advisory
 * lock leaves each batch to one of them. A failed sweep is logged and tried again next time.
 */
export function startRetentionSweeps(db: Db): void {
  const seconds = getEnv().RETENTION_SWEEP_INTERVAL_SECONDS;
  if (seconds === 0 || started.__scmRetentionTimer) return;
  const run = async () => {
    try {
      const counts = await sweepRetention({ db, policy: retentionPolicy() });
      const removed = counts.jobsErased + counts.jobsDeleted + counts.events + counts.agentActivity + counts.oauthAttempts + counts.passwordResets + counts.rateLimits;
      if (removed > 0) log.info("retention.swept", counts);
    } catch (e) {
      log.warn("retention.failed", { error: e instanceof Error ? e.message : String(e) });
    }
  };
  started.__scmRetentionTimer = setInterval(run, seconds * 1000);
  started.__scmRetentionTimer.unref();
  void run();
}
