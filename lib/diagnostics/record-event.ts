import type { DbOrTx } from "@/db/client";
import { scmEvents, type ScmEventOutcome } from "@/db/schema";
import { isErrorCode } from "../errors/catalogue";
import { log } from "../log/logger";
import { providerIds } from "../providers/types";
import { currentCorrelation } from "./correlation";
import { sanitizeDetail, sanitizeText } from "./sanitize-detail";

/** One event of the trail, as callers describe it; every field is checked before it is written. */
export type ScmEventInput = {
  orgId: string;
  operation: string;
  stage: string;
  outcome: ScmEventOutcome;
  /** Default: the current action's user when there is one, the plane itself otherwise. */
  actorType?: "user" | "runner" | "system";
  actorId?: string | null;
  runnerId?: string | null;
  integrationId?: string | null;
  userId?: string | null;
  host?: string | null;
  provider?: string | null;
  /** A catalogue code; anything else is recorded as `provider_error` with the reported value in detail. */
  errorCode?: string | null;
  durationMs?: number | null;
  /** Default: the current action's correlation id. */
  correlationId?: string | null;
  jobId?: string | null;
  /** The environment concerned; default: `detail.environmentId` when that is one. */
  environmentId?: string | null;
  detail?: Record<string, unknown> | null;
  at?: Date;
};

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const NAME = /^[a-z0-9_.:-]{1,64}$/;
const HOST = /^[a-z0-9.:[\]-]{1,260}$/;
const CORRELATION = /^[A-Za-z0-9:_-]{1,100}$/;

const uuidOrNull = (v: string | null | undefined) => (v && UUID.test(v) ? v.toLowerCase() : null);

/** The row to insert: ids must be UUIDs, names identifiers, codes from the catalogue, detail sanitized. */
export function toEventRow(input: ScmEventInput): typeof scmEvents.$inferInsert {
  const context = currentCorrelation();
  const detail: Record<string, unknown> = { ...(input.detail ?? {}) };
  let errorCode: string | null = null;
  if (input.errorCode) {
    if (isErrorCode(input.errorCode)) errorCode = input.errorCode;
    else {
      errorCode = "provider_error";
      detail.reportedCode = input.errorCode;
    }
  }
  const actorId = uuidOrNull(input.actorId === undefined ? context?.actorId : input.actorId);
  const host = input.host?.trim().toLowerCase() ?? null;
  const correlationId = input.correlationId === undefined ? (context?.correlationId ?? null) : input.correlationId;
  const duration = input.durationMs === null || input.durationMs === undefined || !Number.isFinite(input.durationMs) ? null : Math.min(Math.max(Math.round(input.durationMs), 0), 2_147_483_647);
  return {
    orgId: input.orgId,
    at: input.at,
    actorType: input.actorType ?? (actorId ? "user" : "system"),
    actorId,
    runnerId: uuidOrNull(input.runnerId),
    integrationId: uuidOrNull(input.integrationId),
    userId: uuidOrNull(input.userId),
    host: host && HOST.test(host) ? host : null,
    provider: input.provider && (providerIds as readonly string[]).includes(input.provider) ? input.provider : null,
    operation: NAME.test(input.operation) ? input.operation : "other",
    stage: NAME.test(input.stage) ? input.stage : sanitizeText(input.stage).replace(/[^a-z0-9_.:-]/gi, "_").slice(0, 64).toLowerCase() || "other",
    outcome: input.outcome,
    errorCode,
    durationMs: duration,
    correlationId: correlationId && CORRELATION.test(correlationId) ? correlationId : null,
    jobId: uuidOrNull(input.jobId),
    environmentId: uuidOrNull(input.environmentId === undefined ? (typeof detail.environmentId === "string" ? detail.environmentId : null) : input.environmentId),
    detail: sanitizeDetail(detail),
  };
}

function inTransaction(db: DbOrTx): boolean {
  return typeof (db as { rollback?: unknown }).rollback === "function";
}

/**
 * Writes events to the diagnostic trail. Diagnostics must never break the operation they
 * describe: inside a transaction the insert runs in a savepoint (a failure rolls back only the
 * event), and any failure is logged and swallowed. Returns whether the events were written.
 */
export async function recordEvents(db: DbOrTx, inputs: ScmEventInput[]): Promise<boolean> {
  if (inputs.length === 0) return true;
  try {
    const rows = inputs.map(toEventRow);
    if (inTransaction(db)) await db.transaction(async (sp) => void (await sp.insert(scmEvents).values(rows)));
    else await db.insert(scmEvents).values(rows);
    return true;
  } catch (e) {
    // The driver's own message only: drizzle's wraps the query with its parameters.
    const cause = e instanceof Error && e.cause instanceof Error ? e.cause.message : "insert failed";
    log.warn("diagnostics.record_failed", { operation: inputs[0]?.operation, stage: inputs[0]?.stage, error: cause });
    return false;
  }
}

/** Writes one event to the trail (see `recordEvents`). */
export function recordEvent(db: DbOrTx, input: ScmEventInput): Promise<boolean> {
  return recordEvents(db, [input]);
}
