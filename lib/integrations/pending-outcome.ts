import type { RunnerJob } from "@/db/schema";
import type { ErrorCode } from "../errors/catalogue";
import type { integrationCheckIds } from "../runners/protocol";

/**
 * A Save & Test outcome's shape and the pending one, apart from the server's reading of jobs
 * (`test-outcome.ts`, which imports zod and the error catalogue), so the integration form can
 * show a job as pending before its first answer without shipping either to the browser.
 */

/** Form fields a Save & Test check can point at. */
export const testedFields = ["host", "oauthClientId", "oauthClientSecret", "virtualDirectory", "issuerUrl"] as const;
export type TestedField = (typeof testedFields)[number];

export type CheckOutcome = {
  id: (typeof integrationCheckIds)[number];
  ok: boolean;
  code: ErrorCode | null;
  field: TestedField | null;
  durationMs: number;
};

/**
 * What people see of a Save & Test job, and what is kept on the integration as its last test.
 * Only typed codes and known fields: the runner's free-text messages never reach the browser.
 */
export type TestOutcome = {
  jobId: string;
  status: RunnerJob["status"];
  /** The check the runner is on while it runs (`reachable`, `api`, `oauth_client`). */
  stage: string | null;
  done: boolean;
  /** Null until done. */
  ok: boolean | null;
  checks: CheckOutcome[];
  errorCode: ErrorCode | null;
  fieldErrors: Partial<Record<TestedField, string[]>> | null;
};

/** A job that is written but not yet picked up. */
export function pendingOutcome(jobId: string): TestOutcome {
  return { jobId, status: "pending", stage: null, done: false, ok: null, checks: [], errorCode: null, fieldErrors: null };
}
