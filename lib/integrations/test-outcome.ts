import { z } from "zod";
import { describeError, isErrorCode, type ErrorCode } from "../errors/catalogue";
import { pendingOutcome, testedFields, type CheckOutcome, type TestedField, type TestOutcome } from "./pending-outcome";
import type { JobView } from "../runners/jobs/await-job";
import { integrationCheckIds } from "../runners/protocol";

export { pendingOutcome, testedFields, type CheckOutcome, type TestedField, type TestOutcome };

const checkSchema = z.object({
  id: z.enum(integrationCheckIds),
  ok: z.boolean(),
  code: z.string().max(64).optional(),
  field: z.string().optional(),
  durationMs: z.number().nonnegative().optional(),
});
const resultSchema = z.object({ checks: z.array(z.unknown()).max(10) });
const failedSchema = z.object({ fieldErrors: z.record(z.string(), z.unknown()).nullable().optional() });

function asField(value: unknown): TestedField | null {
  return (testedFields as readonly unknown[]).includes(value) ? (value as TestedField) : null;
}

function asCode(value: unknown): ErrorCode | null {
  if (value === null || value === undefined) return null;
  return isErrorCode(value) ? value : "provider_error";
}

function checksOf(result: unknown): CheckOutcome[] {
  const parsed = resultSchema.safeParse(result);
  if (!parsed.success) return [];
  return parsed.data.checks.flatMap((raw) => {
    const check = checkSchema.safeParse(raw);
    if (!check.success) return [];
    const { id, ok, code, field, durationMs } = check.data;
    return [{ id, ok, code: ok ? null : (asCode(code) ?? "provider_error"), field: ok ? null : asField(field), durationMs: Math.round(durationMs ?? 0) }];
  });
}


/** Reads a job as a test outcome, keeping only typed codes, known fields and the catalogue's titles. */
export function outcomeOf(job: Pick<JobView, "id" | "status" | "progress" | "result" | "errorCode">): TestOutcome {
  const done = job.status !== "pending" && job.status !== "running";
  const checks = job.status === "succeeded" ? checksOf(job.result) : [];
  const errorCode = job.status === "succeeded" ? null : asCode(job.errorCode);
  const fieldErrors: Partial<Record<TestedField, string[]>> = {};
  for (const check of checks) {
    if (!check.ok && check.field && check.code) (fieldErrors[check.field] ??= []).push(describeError(check.code).title);
  }
  if (job.status === "failed" && errorCode) {
    const failed = failedSchema.safeParse(job.result);
    for (const key of Object.keys(failed.success ? (failed.data.fieldErrors ?? {}) : {})) {
      const field = asField(key);
      if (field) (fieldErrors[field] ??= []).push(describeError(errorCode).title);
    }
  }
  return {
    jobId: job.id,
    status: job.status,
    stage: done ? null : job.progress,
    done,
    ok: done ? job.status === "succeeded" && checks.every((c) => c.ok) : null,
    checks,
    errorCode,
    fieldErrors: Object.keys(fieldErrors).length > 0 ? fieldErrors : null,
  };
}

const storedSchema = z.object({ jobId: z.string(), status: z.string(), done: z.boolean() }).passthrough();

/** The last test kept on an integration (`lastTestResult`), or null when there is none or it is unreadable. */
export function storedOutcome(value: unknown): TestOutcome | null {
  return storedSchema.safeParse(value).success ? (value as TestOutcome) : null;
}
