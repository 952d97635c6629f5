import type { DbOrTx } from "@/db/client";
import { isAppError } from "../errors/app-error";
import { currentCorrelation, newCorrelationId, runWithCorrelation } from "./correlation";
import { recordEvent, type ScmEventInput } from "./record-event";

/** What a traced operation is about; `stage` defaults to `request` (what the person saw). */
export type TraceSubject = Omit<ScmEventInput, "outcome" | "durationMs" | "errorCode" | "stage"> & { stage?: string };

/**
 * Runs a plane-side SCM operation and records how it ended, with its duration: succeeded, or
 * failed with its typed code (`internal_error` for anything unexpected). `describe` can refine the
 * recorded event from the result (an outcome of `refused`, the id of what was created). The work
 * runs inside a correlation context (the subject's id, the current action's, or a new one), so the jobs it enqueues
 * and the events they cause share one id. Recording never changes what the work returns or throws.
 */
export async function traceOperation<T>(
  db: DbOrTx,
  subject: TraceSubject,
  work: () => Promise<T>,
  describe?: (result: T) => Partial<ScmEventInput>,
): Promise<T> {
  // An explicit id (an OAuth callback continuing the flow its start began) wins over the request's own.
  const current = currentCorrelation();
  const context = subject.correlationId
    ? { correlationId: subject.correlationId, actorId: subject.actorId ?? current?.actorId ?? null }
    : (current ?? { correlationId: newCorrelationId(), actorId: subject.actorId ?? null });
  return runWithCorrelation(context, async () => {
    const started = performance.now();
    const event = (extra: Partial<ScmEventInput>): ScmEventInput => ({
      ...subject,
      stage: subject.stage ?? "request",
      outcome: "succeeded",
      durationMs: performance.now() - started,
      ...extra,
      detail: { ...(subject.detail ?? {}), ...(extra.detail ?? {}) },
    });
    let result: T;
    try {
      result = await work();
    } catch (e) {
      const code = isAppError(e) ? e.code : "internal_error";
      await recordEvent(db, event({ outcome: code === "forbidden" || code === "auth_method_disabled" ? "refused" : "failed", errorCode: code }));
      throw e;
    }
    let extra: Partial<ScmEventInput> = {};
    try {
      extra = describe?.(result) ?? {};
    } catch {
      extra = {};
    }
    await recordEvent(db, event(extra));
    return result;
  });
}

/** `host[:port]` of what someone typed for a host or URL, for the trail (null when unreadable). */
export function hostOfInput(raw: string | null | undefined): string | null {
  if (!raw) return null;
  try {
    return new URL(raw.includes("://") ? raw : `https://${raw}`).host.toLowerCase() || null;
  } catch {
    return null;
  }
}
