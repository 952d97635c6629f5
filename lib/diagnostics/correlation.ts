import { AsyncLocalStorage } from "node:async_hooks";
import crypto from "node:crypto";

/** What every event recorded while handling one person's action shares. */
export type CorrelationContext = {
  correlationId: string;
  /** The signed-in user whose request this is, when there is one. */
  actorId: string | null;
};

const storage = new AsyncLocalStorage<CorrelationContext>();

/** A fresh correlation id: one per user action (a form submit, an OAuth round trip). */
export function newCorrelationId(): string {
  return crypto.randomUUID();
}

/**
 * Runs `work` with a correlation context, so everything it records (events, the jobs it enqueues,
 * and through the job message the runner's provider calls) carries the same id without threading
 * it through every function signature.
 */
export function runWithCorrelation<T>(context: CorrelationContext, work: () => T): T {
  return storage.run(context, work);
}

/** The current action's correlation context, if the code runs inside one. */
export function currentCorrelation(): CorrelationContext | null {
  return storage.getStore() ?? null;
}
